/** Names from data (CSV headers, JSON keys) made into safe SQL column names: snake_case, at most 63 bytes, unique. */

const MAX_BYTES = 63;

/** `Open Price` -> `open_price`, `x"; DROP TABLE t; --` -> `x_drop_table_t`, `2020` -> `_2020`, `` -> `column`. */
export function snakeCase(name: string): string {
  let out = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
    .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!out) out = 'column';
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out.slice(0, MAX_BYTES);
}

/** Normalised, unique names for `names`, in order: a repeat gets `_2`, `_3`... (kept within 63 bytes). */
export function uniqueSnakeCase(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    const base = snakeCase(name);
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base.slice(0, MAX_BYTES - String(n).length - 1)}_${n}`;
    taken.add(candidate);
    return candidate;
  });
}
