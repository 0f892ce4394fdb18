/** Types the text records of a source against declared input columns; a value that does not fit is quarantined. */
import type { Columns } from '../transform/columns.ts';
import { CoercionError } from '../transform/coerce.ts';
import { columnCoercer } from '../transform/column-coercer.ts';
import type { RecordBatch, SourceReject } from './source.ts';

/** Yields the same batches with each declared column converted to its JS type; other columns pass through as text. */
export async function* typeRecords(
  batches: AsyncIterable<RecordBatch<Record<string, unknown>>>,
  columns: Columns,
): AsyncIterable<RecordBatch<Record<string, unknown>>> {
  const declared = Object.entries(columns).map(([name, column]) => [name, columnCoercer(column).fromText] as const);
  for await (const batch of batches) {
    const records: Record<string, unknown>[] = [];
    const lines: number[] = [];
    const rejects: SourceReject[] = [...batch.rejects];
    const { source } = batch;
    batch.records.forEach((record, i) => {
      const typed: Record<string, unknown> = { ...record };
      for (const [name, read] of declared) {
        if (!(name in record)) {
          return void rejects.push({ source, line: batch.lines[i]!, column: name, reason: `column "${name}" is missing from the file` });
        }
        try {
          const value = record[name];
          typed[name] = read(value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));
        } catch (error) {
          if (!(error instanceof CoercionError)) throw error;
          return void rejects.push({ source, line: batch.lines[i]!, column: name, reason: `column "${name}": ${error.message}`, raw: Object.values(record).join(',') });
        }
      }
      records.push(typed);
      lines.push(batch.lines[i]!);
    });
    yield { source, records, lines, rejects };
  }
}
