/** Types the text records of a source against declared input columns; a value that does not fit is quarantined. */
import type { Columns } from '../transform/columns.ts';
import { CoercionError } from '../transform/coerce.ts';
import { columnCoercer } from '../transform/column-coercer.ts';
import { compileRecord } from './compile-record.ts';
import type { RecordBatch, SourceReject } from './source.ts';

type Typed = Record<string, unknown>;
type Read = (raw: string) => unknown;

const text = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'string' ? value
  : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** Yields the same batches with each declared column converted to its JS type; other columns pass through as text. */
export async function* typeRecords(
  batches: AsyncIterable<RecordBatch<Record<string, unknown>>>,
  columns: Columns,
): AsyncIterable<RecordBatch<Record<string, unknown>>> {
  const declared = Object.entries(columns).map(([name, column]) => [name, columnCoercer(column).fromText] as const);
  const reads = new Map(declared);
  let compiled: { keys: readonly string[]; make: ((record: Typed) => Typed) | undefined } | undefined;
  for await (const batch of batches) {
    const records: Typed[] = [];
    const lines: number[] = [];
    const rejects: SourceReject[] = [...batch.rejects];
    const { source } = batch;
    if (batch.keys && compiled?.keys !== batch.keys) compiled = { keys: batch.keys, make: typedRecordMaker(batch.keys, reads) };
    const make = batch.keys ? compiled!.make : undefined;
    batch.records.forEach((record, i) => {
      if (make) {
        try {
          records.push(make(record));
          lines.push(batch.lines[i]!);
          return;
        } catch (error) {
          if (!(error instanceof CoercionError)) throw error;
          // The field by field way below names the column and the reason.
        }
      }
      const typed: Typed = { ...record };
      for (const [name, read] of declared) {
        if (!Object.hasOwn(record, name)) {
          return void rejects.push({ source, line: batch.lines[i]!, column: name, reason: `column "${name}" is missing from the file` });
        }
        try {
          typed[name] = read(text(record[name]));
        } catch (error) {
          if (!(error instanceof CoercionError)) throw error;
          return void rejects.push({ source, line: batch.lines[i]!, column: name, reason: `column "${name}": ${error.message}`, raw: Object.values(record).join(',') });
        }
      }
      records.push(typed);
      lines.push(batch.lines[i]!);
    });
    yield { source, records, lines, rejects, ...(batch.keys ? { keys: batch.keys } : {}) };
  }
}

/**
 * The typed record of records with exactly `keys`, compiled (see compileRecord): declared columns read, the rest as
 * they are. Undefined when a declared column is not among the keys (every such record is rejected the field by
 * field way) or no literal can be compiled.
 */
function typedRecordMaker(keys: readonly string[], reads: ReadonlyMap<string, Read>): ((record: Typed) => Typed) | undefined {
  if ([...reads.keys()].some((name) => !keys.includes(name))) return undefined;
  const readers = keys.map((key) => reads.get(key));
  const field = (j: number) => `input[${JSON.stringify(keys[j])}]`;
  return compileRecord(keys, (j) => (readers[j] ? `read[${j}](text(${field(j)}))` : field(j)), { read: readers, text });
}
