/** Record paths like `data.children[].data`: where the records sit in a JSON answer. */

/** The values `path` selects in `value`; `[]` spreads an array. An empty path selects the whole answer (an array spreads). */
export function selectRecords(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split('.').filter(Boolean)) {
    const spread = part.endsWith('[]');
    const key = spread ? part.slice(0, -2) : part;
    current = current.flatMap((v) => {
      const next = key ? (v as Record<string, unknown> | null)?.[key] : v;
      if (!spread) return next === undefined ? [] : [next];
      return Array.isArray(next) ? next : [];
    });
  }
  return path ? current : Array.isArray(value) ? value : [value];
}

/** The single value at a plain path like `data.after`, or undefined. */
export function valueAt(value: unknown, path: string): unknown {
  return path.split('.').filter(Boolean).reduce<unknown>((v, key) => (v as Record<string, unknown> | null)?.[key], value);
}
