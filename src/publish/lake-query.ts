/**
 * Read-only SQL over the curated zone: each `curated/<table>/` is a view of its Parquet files (Hive partitions
 * such as `dt` become columns). DuckDB runs sandboxed: it may read only the curated files, and writes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Lake } from '../lake/lake.ts';
import { quoteIdent } from './curated-batch.ts';

/** Where a project's lake queries read: its curated folder when the lake is a folder, else a cache it fills. */
export function lakeQueryPlaces(project: { readonly lake: string; readonly stateDir: string }): { folder?: string; cacheDir: string } {
  return {
    folder: project.lake.startsWith('s3://') ? undefined : path.join(project.lake, 'curated'),
    cacheDir: path.join(project.stateDir, 'cache'),
  };
}

/** A query's answer. */
export interface QueryResult {
  readonly columns: string[];
  readonly rows: unknown[][];
}

const READ_ONLY = /^\s*(select|with|from|describe|show|summarize|explain|values|table|pivot|unpivot)\b/i;

/**
 * Runs `sql` over the lake's curated zone. `folder` is the local curated folder when the lake is a folder; for a
 * bucket, the curated objects are copied into `cacheDir` first (DuckDB's S3 support downloads code at run time).
 */
export async function queryLake(lake: Lake, sql: string, options: { folder?: string; cacheDir: string; timeoutMs?: number; maxRows?: number }): Promise<QueryResult> {
  if (!READ_ONLY.test(sql)) throw new Error('sluice query --lake runs read-only queries only (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)');
  const root = options.folder ?? (await syncCurated(lake, options.cacheDir));
  const tables = fs.existsSync(root) ? fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
  try {
    for (const table of tables) {
      const files = path.join(root, table, '**', '*.parquet');
      await connection.run(`CREATE VIEW ${quoteIdent(table)} AS SELECT * FROM read_parquet(${literal(files)}, hive_partitioning = true, union_by_name = true)`);
    }
    await connection.run(`SET allowed_directories = [${literal(root + path.sep)}]; SET enable_external_access = false; SET lock_configuration = true`);
    const timer = setTimeout(() => connection.interrupt(), options.timeoutMs ?? 30_000);
    try {
      const reader = await connection.runAndReadUntil(sql, options.maxRows ?? 10_000);
      return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
    } catch (error) {
      if (/interrupt/i.test((error as Error).message)) throw new Error(`the query ran past ${(options.timeoutMs ?? 30_000) / 1000} s and was stopped`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Copies the curated objects the cache does not have yet (same key and size) from the lake; returns the cache's curated folder. */
async function syncCurated(lake: Lake, cacheDir: string): Promise<string> {
  const root = path.join(cacheDir, 'curated');
  for await (const object of lake.list('curated/')) {
    const file = path.join(cacheDir, ...object.key.split('/'));
    if (fs.existsSync(file) && fs.statSync(file).size === object.size) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await pipeline(await lake.get(object.key), fs.createWriteStream(`${file}.part`));
    fs.renameSync(`${file}.part`, file);
  }
  return root;
}
