/**
 * Read-only SQL over the curated zone: each `curated/<table>/` is a view of its Parquet files (Hive partitions
 * such as `dt` become columns). DuckDB runs sandboxed: it may read only the curated files, and writes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance, StatementType, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
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

const REFUSED = 'sluice query --lake runs read-only queries only: exactly one SELECT (WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, VALUES)';

/**
 * Runs `sql` over the lake's curated zone. `folder` is the local curated folder when the lake is a folder; for a
 * bucket, the curated objects are copied into `cacheDir` first (DuckDB's S3 support downloads code at run time).
 * DuckDB itself counts and classifies the statements: exactly one, and it must be a SELECT. The session may read
 * only the curated Parquet files it was given (no other file, no ATTACH of a file, no extension to install or load,
 * no writing), and its configuration is locked before the query runs, so the query cannot lift any of that.
 */
export async function queryLake(lake: Lake, sql: string, options: { folder?: string; cacheDir: string; timeoutMs?: number; maxRows?: number }): Promise<QueryResult> {
  const root = options.folder ?? (await syncCurated(lake, options.cacheDir));
  // DuckDB always allows its temp directory, by default ./.tmp of the current folder: give it a private one instead.
  const spill = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-lake-query-'));
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: spill, autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', allow_community_extensions: 'false' });
  const connection = await instance.connect();
  const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
  try {
    const allowed: string[] = [];
    for (const [table, files] of curatedTables(root)) {
      allowed.push(...files);
      await connection.run(`CREATE VIEW ${quoteIdent(table)} AS SELECT * FROM read_parquet([${files.map(literal).join(', ')}], hive_partitioning = true, union_by_name = true)`);
    }
    // Only the listed files, not their folders: a folder in allowed_directories could also be written to.
    await connection.run(`SET allowed_paths = [${allowed.map(literal).join(', ')}]; SET allowed_directories = []; SET enable_external_access = false; SET lock_configuration = true`);
    const statement = await oneSelect(connection, sql);
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => connection.interrupt(), timeoutMs);
    try {
      // Streamed: only the chunks up to maxRows are made, not the whole answer (a `run` materializes all of it first).
      const reader = await statement.streamAndReadUntil(options.maxRows ?? 10_000);
      return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
    } catch (error) {
      if (/interrupt/i.test((error as Error).message)) throw new Error(`the query ran past ${timeoutMs / 1000} s and was stopped`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    fs.rmSync(spill, { recursive: true, force: true });
  }
}

/** The query as one prepared SELECT, or a clear refusal: DuckDB's own parser counts and classifies the statements. */
async function oneSelect(connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  let extracted;
  try {
    extracted = await connection.extractStatements(sql);
  } catch (error) {
    throw new Error(`${REFUSED}; this does not parse: ${(error as Error).message}`);
  }
  if (extracted.count !== 1) throw new Error(`${REFUSED}; this has ${extracted.count} statements`);
  let statement;
  try {
    statement = await extracted.prepare(0);
  } catch (error) {
    // Preparing binds, and binding a COPY or ATTACH already meets the sandbox: say what is wrong with it first.
    const parsed = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
    if ((JSON.parse(String(parsed.getRows()[0]![0])) as { error: boolean }).error) throw new Error(`${REFUSED}; this is not a SELECT`);
    throw error;
  }
  if (statement.statementType !== StatementType.SELECT) throw new Error(`${REFUSED}; this is a ${StatementType[statement.statementType]} statement`);
  return statement;
}

/** Each curated table folder with the Parquet files under it (tables without files yet are left out). */
function curatedTables(root: string): [string, string[]][] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => {
    const dir = path.join(root, d.name);
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet')).sort().map((f) => path.join(dir, f));
    return [d.name, files] as [string, string[]];
  }).filter(([, files]) => files.length > 0);
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
