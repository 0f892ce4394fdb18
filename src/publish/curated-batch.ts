/** The curated zone: a load's rows as one Parquet file (DuckDB, zstd) under `curated/<table>/dt=<date>/<runId>.parquet`. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ColumnValue } from '../transform/column-coercer.ts';
import type { Column, Columns } from '../transform/columns.ts';
import type { Lake } from '../lake/lake.ts';

/** The Parquet (DuckDB) type of a column. An unconstrained numeric becomes DOUBLE: Parquet decimals need a scale. */
export function parquetType(column: Column): string {
  switch (column.kind) {
    case 'text': return 'VARCHAR';
    case 'integer': return 'INTEGER';
    case 'bigint': return 'BIGINT';
    case 'numeric': return column.precision && column.precision <= 38 ? `DECIMAL(${column.precision},${column.scale ?? 0})` : 'DOUBLE';
    case 'double': return 'DOUBLE';
    case 'boolean': return 'BOOLEAN';
    case 'date': return 'DATE';
    case 'timestamptz': return 'TIMESTAMPTZ';
    case 'jsonb': return 'JSON';
  }
}

/** The key of a load's Parquet file. */
export function curatedKey(table: string, runId: string, startedAt: Date): string {
  return `curated/${table}/dt=${startedAt.toISOString().slice(0, 10)}/${runId}.parquet`;
}

/** A load's rows on their way to Parquet: kept as JSON lines in a temporary file, converted once, at publish. */
export function curatedBatch(columns: Columns) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-curated-'));
  const lines = path.join(dir, 'rows.jsonl');
  const out = fs.createWriteStream(lines);
  const names = Object.keys(columns);
  let rows = 0;
  const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
  return {
    /** Appends rows (the columns' canonical text or checked numbers, in declaration order). */
    async write(batch: readonly (readonly ColumnValue[])[]): Promise<void> {
      let text = '';
      for (const row of batch) {
        const record: Record<string, string | null> = {};
        for (let i = 0; i < names.length; i++) record[names[i]!] = row[i] === null || row[i] === undefined ? null : String(row[i]);
        text += JSON.stringify(record) + '\n';
      }
      rows += batch.length;
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },

    /** Writes the Parquet file and puts it in the lake at `key`. */
    async publish(lake: Lake, key: string): Promise<number> {
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      const parquet = path.join(dir, 'batch.parquet');
      // Loaded when first needed: DuckDB adds ~30 MB to every process that imports it.
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      try {
        const text = `{${names.map((n) => `${quote(n)}: 'VARCHAR'`).join(', ')}}`;
        const casts = Object.entries(columns).map(([n, c]) => `CAST(${quoteIdent(n)} AS ${parquetType(c)}) AS ${quoteIdent(n)}`);
        await connection.run(`COPY (SELECT ${casts.join(', ')} FROM read_json(${quote(lines)}, format = 'newline_delimited', columns = ${text}))
          TO ${quote(parquet)} (FORMAT parquet, COMPRESSION zstd)`);
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
      await lake.put(key, fs.createReadStream(parquet));
      return rows;
    },

    discard(): void {
      // A discarded batch's pending writes (or its file's lazy open) fail once the folder is gone: that is expected.
      out.on('error', () => {});
      out.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A DuckDB identifier, quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
