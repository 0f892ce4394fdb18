/**
 * `npm run bench:orchestration`: how late runs start after their cron tick with 100 scheduled pipelines, and how
 * fast 4 workers drain 10,000 queued runs (10 no-op pipelines x 1,000 runs: one pipeline's runs never overlap,
 * so parallelism comes from distinct pipelines), checking each run ran exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../src/database/embedded-postgres.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-orch-'));
fs.chmodSync(work, 0o755);
const state = path.join(work, '.sluice');
const server = await ensureEmbeddedPostgres(state);
const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
};
const sluice = (args: string[]) => spawn(process.execPath, [path.join(ROOT, 'bin/sluice.js'), ...args], { env: { ...process.env, DATABASE_URL: server.url }, stdio: 'ignore' });
const stop = async (children: ChildProcess[]) => {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(null)))));
};
const project = (name: string, pipelines: number, trigger: string) => {
  const dir = path.join(work, name);
  fs.mkdirSync(path.join(dir, 'pipelines'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'empty'), { recursive: true });
  for (let i = 0; i < pipelines; i++) {
    fs.writeFileSync(path.join(dir, 'pipelines', `p${i}.ts`), `import { col, cron, definePipeline, files, manual, postgres } from 'sluice';
export default definePipeline({ name: '${name}-${i}', trigger: ${trigger}, source: files('*.csv', { dir: 'empty' }),
  destination: postgres.table('noop', { columns: { n: col.integer() } }) });\n`);
  }
  return dir;
};
const percentile = (values: number[], p: number) => values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;

// 1. Lateness: 100 pipelines due every 10 s, for 35 s.
const cronDir = project('cron', 100, `cron('*/10 * * * * *', { catchUp: 'skip' })`);
await new Promise((resolve) => sluice(['runs', '--project', cronDir]).once('exit', resolve));
const scheduler = sluice(['start', '--project', cronDir]);
await new Promise((resolve) => setTimeout(resolve, 35_000));
await stop([scheduler]);
const late = (await sql<{ ms: number }>(`SELECT extract(epoch FROM started_at - substr(run_key, 6)::timestamptz) * 1000 AS ms FROM sluice.runs WHERE run_key LIKE 'cron:%'`)).map((r) => Number(r.ms));

// 2. Drain: 10,000 queued runs, 4 workers.
const drainDir = project('drain', 10, 'manual()');
const { openRunQueue } = await import('../src/schedule/run-queue.ts');
const { fire } = await import('../src/schedule/trigger-ledger.ts');
const { definePipeline, files, postgres, col } = await import('../src/index.ts');
const pipelines = Array.from({ length: 10 }, (_, i) => definePipeline({ name: `drain-${i}`, source: files('*.csv'), destination: postgres.table('noop', { columns: { n: col.integer() } }) }));
const pool = new pg.Pool({ connectionString: server.url, max: 8 });
const boss = await openRunQueue(server.url, pipelines, () => {});
const queuedAt = performance.now();
for (let batch = 0; batch < 100; batch++) {
  await Promise.all(Array.from({ length: 100 }, (_, j) => {
    const n = batch * 100 + j;
    return fire(pool, boss, `drain-${n % 10}`, `bench:${n}`, 'bench');
  }));
}
const queueMs = performance.now() - queuedAt;
await boss.stop({ graceful: false, close: true });
await pool.end();
const started = performance.now();
const workers = Array.from({ length: 4 }, () => sluice(['worker', '--project', drainDir]));
for (;;) {
  const n = (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM sluice.runs WHERE pipeline LIKE 'drain-%' AND status = 'succeeded'`))[0]?.n ?? 0;
  if (n >= 10_000) break;
  if (performance.now() - started > 1_800_000) break;
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
const drainMs = performance.now() - started;
await stop(workers);
const [check] = await sql<{ runs: number; keys: number }>(`SELECT count(*)::int AS runs, count(DISTINCT run_key)::int AS keys FROM sluice.runs WHERE pipeline LIKE 'drain-%'`);
await stopEmbeddedPostgres(state);
fs.rmSync(work, { recursive: true, force: true });

const results = {
  date: new Date().toISOString(), node: process.version, cpus: os.cpus().length,
  cronLateness: { pipelines: 100, runs: late.length, p50Ms: Math.round(percentile(late, 50)), p99Ms: Math.round(percentile(late, 99)), maxMs: Math.round(Math.max(...late)) },
  drain: { queued: 10_000, queueSeconds: +(queueMs / 1000).toFixed(1), workers: 4, runs: check!.runs, distinctRunKeys: check!.keys,
    seconds: +(drainMs / 1000).toFixed(1), runsPerSecond: Math.round((check!.runs / drainMs) * 1000) },
};
console.log(JSON.stringify(results, null, 2));
fs.writeFileSync(path.join(ROOT, 'bench/results/orchestration.json'), JSON.stringify(results, null, 2) + '\n');
