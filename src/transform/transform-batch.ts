/** The transform stage: the pipeline's function per record, then coercion to the declared columns. */
import type { RecordBatch } from '../extract/source.ts';
import { DefinitionError } from '../config/parse-options.ts';
import { CoercionError } from './coerce.ts';
import { columnCoercer, type ColumnValue } from './column-coercer.ts';
import type { Columns } from './columns.ts';
import { uniqueSnakeCase } from './identifiers.ts';
import { compileTuple } from '../extract/compile-record.ts';
import type { Reject } from './quarantine.ts';

/** What the transform is told about the record in hand. */
export interface TransformContext {
  /** The source object the record came from (e.g. `aapl.us.txt`) and its line. */
  readonly file: { readonly name: string; readonly line: number };
  readonly runId: string;
  /** When the run started, e.g. to stamp a snapshot. */
  readonly startedAt: Date;
  readonly params: Readonly<Record<string, string>>;
}

/** A pipeline's transform: a row to load, or null/undefined to filter the record out. */
export type TransformFn<In, Out> = (row: In, ctx: TransformContext) => Out | null | undefined;

/**
 * One batch after the transform stage, in declaration order: each value the column's canonical text, or a checked
 * number or boolean whose `String()` is that text (a binary COPY takes it as it is; text is made only where needed).
 */
export interface TransformedBatch {
  readonly rows: ColumnValue[][];
  /** The line of each row. */
  readonly lines: number[];
  readonly rejects: Reject[];
  readonly filtered: number;
}

/**
 * Builds the per-batch transform for these columns. Without a function, record fields map to columns by their
 * snake_case names (`Open Price` fills `open_price`); `renamed` collects those mappings for the run record.
 */
export function transformBatch<In>(columns: Columns, fn: TransformFn<In, object> | undefined, base: Omit<TransformContext, 'file'>) {
  const names = Object.keys(columns);
  const coercers = Object.values(columns).map((c) => columnCoercer(c).toValue);
  const known = new Set(names);
  const renamed = new Map<string, string>();
  let fieldNames: { keys: string; map: [string, string][] } | undefined;
  const byColumnName = (record: Record<string, unknown>): Record<string, unknown> => {
    const keys = Object.keys(record);
    const joined = keys.join('\0');
    if (fieldNames?.keys !== joined) {
      const snake = uniqueSnakeCase(keys);
      fieldNames = { keys: joined, map: keys.map((k, i) => [k, snake[i]!]) };
      for (const [from, to] of fieldNames.map) if (from !== to && known.has(to)) renamed.set(from, to);
    }
    const out: Record<string, unknown> = {};
    for (const [from, to] of fieldNames.map) out[to] = record[from];
    return out;
  };
  // Each row as one array literal in column order; the column a CoercionError came from is found the slow way.
  const coerceRow = compileTuple<Record<string, unknown>, ColumnValue>(names.length, (j) => `coerce[${j}](input[${JSON.stringify(names[j])}])`, { coerce: coercers })
    ?? ((out) => names.map((name, j) => coercers[j]!(out[name])));
  const refusal = (out: Record<string, unknown>): { column: string; reason: string } => {
    for (let j = 0; j < names.length; j++) {
      try {
        coercers[j]!(out[names[j]!]);
      } catch (error) {
        if (!(error instanceof CoercionError)) throw error;
        return { column: names[j]!, reason: `column "${names[j]}": ${error.message}` };
      }
    }
    throw new Error('a value was refused once and accepted again');
  };
  const apply = (batch: RecordBatch<In>): TransformedBatch => {
    const rows: ColumnValue[][] = [];
    const lines: number[] = [];
    const rejects: Reject[] = [...batch.rejects];
    let filtered = 0;
    const { records, source } = batch;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const line = batch.lines[i]!;
      let out: Record<string, unknown>;
      try {
        // A literal of one shape, not a spread per row.
        const result = fn ? fn(record, { runId: base.runId, startedAt: base.startedAt, params: base.params, file: { name: source, line } }) : byColumnName(record as Record<string, unknown>);
        if (result === null || result === undefined) {
          filtered++;
          continue;
        }
        out = result as Record<string, unknown>;
      } catch (error) {
        rejects.push({ source, line, reason: `transform failed: ${(error as Error)?.message ?? error}`, raw: preview(record) });
        continue;
      }
      if (fn) {
        for (const key in out) {
          if (!known.has(key)) throw new DefinitionError(`the transform returned "${key}", which is not a declared column (columns: ${names.join(', ')})`);
        }
      }
      let row: ColumnValue[];
      try {
        row = coerceRow(out);
      } catch (error) {
        if (!(error instanceof CoercionError)) throw error;
        rejects.push({ source, line, ...refusal(out), raw: preview(record) });
        continue;
      }
      rows.push(row);
      lines.push(line);
    }
    return { rows, lines, rejects, filtered };
  };
  return { apply, renamed };
}

function preview(record: unknown): string {
  try {
    return JSON.stringify(record);
  } catch {
    return String(record);
  }
}
