/** Streams JSON lines: one JSON value per line; a line that is not JSON is rejected with its number. */
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { RecordBatch, SourceReject } from '../source.ts';

const BATCH = 2000;

export async function* readJsonLines(body: Readable, name: string, gzip: boolean): AsyncIterable<RecordBatch<Record<string, unknown>>> {
  const lines = readline.createInterface({ input: gzip ? body.pipe(createGunzip()) : body, crlfDelay: Infinity });
  let records: Record<string, unknown>[] = [];
  let at: number[] = [];
  let rejects: SourceReject[] = [];
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(n === 1 ? line.replace(/^\uFEFF/, '') : line) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
      records.push(value as Record<string, unknown>);
      at.push(n);
    } catch (error) {
      rejects.push({ source: name, line: n, reason: `not a JSON object: ${(error as Error).message}`, raw: line.slice(0, 2000) });
    }
    if (records.length + rejects.length >= BATCH) {
      yield { source: name, records, lines: at, rejects };
      records = [];
      at = [];
      rejects = [];
    }
  }
  if (records.length || rejects.length) yield { source: name, records, lines: at, rejects };
}
