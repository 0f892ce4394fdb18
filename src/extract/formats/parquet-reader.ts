/** Streams the rows of a Parquet file through DuckDB, in its chunks of about 2,000 rows. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RecordBatch } from '../source.ts';

/** Records of a Parquet object: values as JSON (big integers and decimals as exact text). */
export async function* readParquet(body: Readable, name: string): AsyncIterable<RecordBatch<Record<string, unknown>>> {
  // DuckDB reads files, not streams: the object is copied to a temporary file first (removed afterwards).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-parquet-'));
  const file = path.join(dir, 'object.parquet');
  // Loaded when first needed: DuckDB adds ~30 MB to every process that imports it.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await pipeline(body, fs.createWriteStream(file));
    let line = 0;
    let result;
    try {
      result = await connection.stream(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
    } catch (error) {
      yield { source: name, records: [], lines: [], rejects: [{ source: name, line: 0, reason: `not a readable Parquet file: ${(error as Error).message}`, wholeObject: true }] };
      return;
    }
    for await (const rows of result.yieldRowObjectJson()) {
      yield { source: name, records: rows, lines: rows.map(() => ++line), rejects: [] };
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
