/** JSON files: JSON lines (one object a line; a line that is not JSON is rejected with its number), or one JSON document. */
import readline from 'node:readline';
import { text } from 'node:stream/consumers';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { RecordBatch, SourceReject } from '../source.ts';
import { selectRecords } from '../http/record-path.ts';

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

/** One JSON document (such as a landed API answer): its records at `path`, numbered from 1. A document that is not JSON is rejected whole. */
export async function* readJsonDocument(body: Readable, name: string, path: string): AsyncIterable<RecordBatch<Record<string, unknown>>> {
  const document = await text(body);
  let records: Record<string, unknown>[];
  try {
    records = selectRecords(JSON.parse(document.replace(/^\uFEFF/, '')), path) as Record<string, unknown>[];
  } catch (error) {
    yield { source: name, records: [], lines: [], rejects: [{ source: name, line: 1, reason: `not a JSON document: ${(error as Error).message}`, wholeObject: true }] };
    return;
  }
  yield { source: name, records, lines: records.map((_, i) => i + 1), rejects: [] };
}
