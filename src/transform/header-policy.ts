/**
 * The header policy, one for every load path (COPY of raw CSV and row by row): how a file's header maps to the
 * declared columns, and what a mismatch means. A missing non-nullable column rejects the file; a missing nullable
 * column or an extra field is a warning; a repeated, empty or too-long header gets a unique deterministic name
 * (recorded); a header that matches no declared column rejects the file; under `schemaPolicy: 'freeze'` any
 * mismatch fails the run before anything commits.
 */
import type { Columns } from './columns.ts';
import { uniqueSnakeCase } from './identifiers.ts';

/** What a file's header means for the load. */
export interface HeaderDecision {
  /** The column name each header field loads into, in file order (unique, snake_case, at most 63 bytes). */
  readonly names: readonly string[];
  /** Set when the file must be quarantined whole. */
  readonly reject?: string;
  /** Declared columns the header lacks (nullable ones: loaded as null). */
  readonly missing: readonly string[];
  /** Header fields that match no declared column (not loaded). */
  readonly extras: readonly string[];
  /** Header fields loaded under another name: [field, column]. */
  readonly renamed: readonly (readonly [string, string])[];
}

/** Thrown under `schemaPolicy: 'freeze'` for any header mismatch: the run fails, nothing is loaded. */
export class FrozenHeaderError extends Error {
  override readonly name = 'FrozenHeaderError';
}

/** Decides on the header `fields` of `file` against `columns`. */
export function headerPolicy(file: string, fields: readonly string[], columns: Columns, frozen = false): HeaderDecision {
  // Empty fields are named by position first, as the row-by-row reader names them.
  const raw = fields.map((f, i) => f.replace(/^\uFEFF/, '').trim() || `column_${i + 1}`);
  const names = uniqueSnakeCase(raw);
  const declared = Object.keys(columns);
  const present = new Set(names);
  const missing = declared.filter((c) => !present.has(c));
  // A repeated field is not loaded under its own name: say which name it got (the second "id" is id_2).
  const extras = raw.flatMap((f, i) => (names[i]! in columns ? [] : [f !== names[i] && names.indexOf(f) >= 0 && names.indexOf(f) < i ? `${f} (repeated: ${names[i]})` : f]));
  const renamed = raw.flatMap((f, i) => (f !== names[i] && names[i]! in columns ? [[f, names[i]!] as const] : []));
  const show = (list: readonly string[]) => list.map((n) => JSON.stringify(n)).join(', ');
  if (frozen && (missing.length || extras.length)) {
    throw new FrozenHeaderError(`${file}: the header differs from the declared columns (schemaPolicy: freeze), nothing was loaded:` +
      `${missing.length ? ` missing ${show(missing)};` : ''}${extras.length ? ` not declared ${show(extras)}` : ''}`.replace(/;$/, ''));
  }
  const required = missing.filter((c) => !columns[c]!.nullable);
  const reject = names.every((n) => !(n in columns))
    ? `header ${show(fields)} matches none of the declared columns (${declared.join(', ')}); file quarantined`
    : required.length ? `header lacks the required column(s) ${show(required)} (not nullable); file quarantined` : undefined;
  return { names, reject, missing, extras, renamed };
}

/** Header warnings and renames across a run's files, summed up once per kind for the run record. */
export function headerReport() {
  // Per column or field: how many files, and the first of them (all a warning names).
  type Seen = { count: number; readonly first: string };
  const missing = new Map<string, Seen>();
  const extras = new Map<string, Seen>();
  const renamed = new Map<string, string>();
  const add = (into: Map<string, Seen>, name: string, file: string) => {
    const seen = into.get(name);
    if (seen) seen.count++;
    else into.set(name, { count: 1, first: file });
  };
  const say = (files: Seen) => `${files.count} file(s) (first: ${files.first})`;
  return {
    /** Notes a loaded file's decision (rejected files are quarantined and say so there). */
    add(file: string, decision: HeaderDecision): void {
      for (const c of decision.missing) add(missing, c, file);
      for (const f of decision.extras) add(extras, f, file);
      for (const [from, to] of decision.renamed) renamed.set(from, to);
    },
    warnings: (): string[] => [
      ...[...missing].map(([c, files]) => `header: column "${c}" is missing from ${say(files)}; loaded as null`),
      ...[...extras].map(([f, files]) => `header: field ${JSON.stringify(f)} matches no declared column in ${say(files)}; not loaded`),
    ],
    notes: (): string[] => (renamed.size
      ? [`source fields loaded under snake_case column names: ${[...renamed].map(([from, to]) => `${JSON.stringify(from)} -> ${to}`).join(', ')}`] : []),
  };
}
