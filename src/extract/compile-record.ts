/** Records and rows built by one compiled literal per set of keys: far cheaper per row than one store per field. */

/**
 * `(input) => ({ [keys[0]]: value(0), ... })` compiled once, the keys as JSON string literals in the code and
 * `value(j)` an expression over `input` and the `bindings`. Undefined where a literal cannot stand: a `__proto__`
 * key (it would set the prototype) or a Node run with --disallow-code-generation-from-strings.
 */
export function compileRecord<I, O>(keys: readonly string[], value: (j: number) => string, bindings: Readonly<Record<string, unknown>>): ((input: I) => O) | undefined {
  if (keys.includes('__proto__')) return undefined;
  try {
    return new Function(...Object.keys(bindings), `return (input) => ({ ${keys.map((k, j) => `${JSON.stringify(k)}: ${value(j)}`).join(', ')} });`)(...Object.values(bindings));
  } catch {
    return undefined;
  }
}

/**
 * `(input) => [value(0), ..., value(count - 1)]` compiled once: a packed array of known length, evaluated in order.
 * Undefined on a Node run with --disallow-code-generation-from-strings.
 */
export function compileTuple<I, O>(count: number, value: (j: number) => string, bindings: Readonly<Record<string, unknown>>): ((input: I) => O[]) | undefined {
  try {
    return new Function(...Object.keys(bindings), `return (input) => [${Array.from({ length: count }, (_, j) => value(j)).join(', ')}];`)(...Object.values(bindings));
  } catch {
    return undefined;
  }
}
