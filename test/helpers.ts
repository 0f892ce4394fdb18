/** Test helpers: a real embedded Postgres shared by the test files (one fresh database each), temp folders, the CLI. */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres } from '../src/database/embedded-postgres.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/sluice.js');

/** A new empty database on the shared test server (kept under the OS temp folder, which the `postgres` user can reach as root). */
export async function freshDatabase(): Promise<string> {
  const server = await ensureEmbeddedPostgres(path.join(os.tmpdir(), `sluice-test-${process.getuid?.() ?? 'user'}`));
  const name = `t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new temporary folder, removed when the process exits. */
export function tempDir(prefix = 'sluice-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755); // as root, the embedded server's `postgres` user must reach project folders
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the `sluice` command to completion. */
export function sluice(args: readonly string[], env: Record<string, string> = {}, cwd = ROOT) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the `sluice` command without blocking this process (needed when this process also serves its fixtures). */
export function sluiceAsync(args: readonly string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Starts the `sluice` command in the background. */
export function sluiceProcess(args: readonly string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Rows of one query. */
export async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** An in-process harness: one database, one lake, a folder of input files, and `run(pipeline)`. */
export async function harness() {
  const { openDatabase } = await import('../src/database/database.ts');
  const { localLake } = await import('../src/lake/local-lake.ts');
  const { runPipeline } = await import('../src/pipeline/run-pipeline.ts');
  const url = await freshDatabase();
  const database = await openDatabase({ url, stateDir: tempDir() });
  const projectDir = tempDir();
  const env = { projectDir, database, lake: localLake(path.join(projectDir, 'lake')) };
  return {
    url,
    database,
    lake: env.lake,
    dir: projectDir,
    /** Replaces the input folder's files with these. */
    files(files: Record<string, string>) {
      const input = path.join(projectDir, 'in');
      fs.rmSync(input, { recursive: true, force: true });
      fs.mkdirSync(input);
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(input, name), text);
    },
    run: (pipeline: Parameters<typeof runPipeline>[0], options: Parameters<typeof runPipeline>[2] = {}) => runPipeline(pipeline, env, options),
    rows: <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => database.pool.query(sql, params).then((r) => r.rows as T[]),
    close: () => database.close(),
  };
}
