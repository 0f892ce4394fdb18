import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtureServer } from './http-fixture.ts';
import { freshDatabase, query, sluiceAsync, sluiceProcess, tempDir } from './helpers.ts';

/** A project with one pipeline file. */
function project(pipeline: string): string {
  const dir = tempDir();
  for (const sub of ['pipelines', 'in', 'landing']) fs.mkdirSync(path.join(dir, sub));
  fs.writeFileSync(path.join(dir, 'in/a.csv'), 'n\n1\n2\n');
  fs.writeFileSync(path.join(dir, 'pipelines/p.ts'), pipeline);
  return dir;
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => {
  if (child.exitCode !== null) resolve(child.exitCode);
  else child.once('exit', (code) => resolve(code));
});

describe('sluice start: schedules, file triggers, workers', () => {
  let url: string;
  let api: Awaited<ReturnType<typeof fixtureServer>>;
  const children: ChildProcess[] = [];
  const start = (dir: string, command: 'start' | 'worker' = 'start') => {
    const child = sluiceProcess([command, '--project', dir, ...(command === 'start' ? ['--port', '0'] : [])], { DATABASE_URL: url });
    children.push(child);
    return child;
  };
  before(async () => {
    url = await freshDatabase();
    await sluiceAsync(['runs', '--project', tempDir()], { DATABASE_URL: url }); // creates sluice's schema
    api = await fixtureServer({
      '/echo': (_req, res, u) => { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ at: u.searchParams.get('at') }])); },
      '/slow': (_req, res) => { setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('[{"n":1},{"n":2},{"n":3}]'), 2500); },
    });
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await api.close();
  });

  it('two schedulers on one database start each cron tick once, and stop gracefully on SIGTERM', async () => {
    const dir = project(`import { col, cron, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: 'ticks', trigger: cron('* * * * * *', { catchUp: 'skip' }), source: files('*.csv', { dir: 'in' }),
  destination: postgres.table('ticks', { columns: { n: col.integer() } }) });`);
    const [a, b] = [start(dir), start(dir)];
    await until('three ticks', async () => (await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM sluice.runs WHERE pipeline = 'ticks' AND status = 'succeeded'`))[0]!.n >= 3);
    a.kill('SIGTERM');
    b.kill('SIGTERM');
    assert.deepEqual(await Promise.all([exited(a), exited(b)]), [0, 0]);
    const [counts] = await query(url, `SELECT count(*)::int AS runs, count(DISTINCT run_key)::int AS keys,
      (SELECT count(*)::int FROM sluice.triggers WHERE pipeline = 'ticks') AS triggers FROM sluice.runs WHERE pipeline = 'ticks'`);
    assert.equal(counts!.runs, counts!.keys, 'no tick ran twice');
    assert.equal(counts!.runs, counts!.triggers, 'every tick ran');
  });

  it('one marker seen by two schedulers starts one run, and a second marker the same day none', async () => {
    const dir = project(`import { col, definePipeline, files, onFile, postgres } from 'sluice';
export default definePipeline({ name: 'marked', trigger: onFile('.SUCCESS', { dir: 'landing', atMost: '1/day', pollSeconds: 1 }),
  source: files('*.csv', { dir: 'in' }), destination: postgres.table('marked', { columns: { n: col.integer() } }) });`);
    const [a, b] = [start(dir), start(dir)];
    fs.writeFileSync(path.join(dir, 'landing/.SUCCESS'), '');
    await until('the marked run', async () => (await query(url, `SELECT 1 FROM sluice.runs WHERE pipeline = 'marked' AND status = 'succeeded'`)).length);
    fs.writeFileSync(path.join(dir, 'landing/.SUCCESS'), 'again');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    a.kill('SIGTERM');
    b.kill('SIGTERM');
    await Promise.all([exited(a), exited(b)]);
    assert.deepEqual(await query(url, `SELECT count(*)::int AS n FROM sluice.runs WHERE pipeline = 'marked'`), [{ n: 1 }]);
    assert.deepEqual(await query(url, `SELECT count(*)::int AS n FROM marked`), [{ n: 2 }]);
  });

  it('a worker killed mid-run: another takes the run over after its lease, and it loads once', async () => {
    const dir = project(`import { col, definePipeline, http, onFile, postgres } from 'sluice';
export default definePipeline({ name: 'taken', trigger: onFile('go', { dir: 'landing', pollSeconds: 1 }),
  source: http({ url: '${api.base}/slow', allowPrivateNetwork: ['127.0.0.1'] }),
  destination: postgres.table('taken', { columns: { n: col.integer() } }) });`);
    const a = start(dir);
    fs.writeFileSync(path.join(dir, 'landing/go'), '');
    await until('the run to start', async () => (await query(url, `SELECT 1 FROM sluice.runs WHERE pipeline = 'taken' AND status = 'running'`)).length);
    a.kill('SIGKILL');
    await exited(a);
    start(dir, 'worker');
    const done = await until('the takeover to finish', async () =>
      (await query<{ attempt: number }>(url, `SELECT attempt FROM sluice.runs WHERE pipeline = 'taken' AND status = 'succeeded'`))[0], 60_000);
    assert.equal(done.attempt, 2);
    assert.deepEqual(await query(url, `SELECT attempt, status FROM sluice.runs WHERE pipeline = 'taken' ORDER BY attempt`),
      [{ attempt: 1, status: 'abandoned' }, { attempt: 2, status: 'succeeded' }]);
    assert.deepEqual(await query(url, 'SELECT count(*)::int AS n FROM taken'), [{ n: 3 }]);
    assert.deepEqual(await query(url, `SELECT count(*)::int AS n FROM sluice.ledger WHERE pipeline = 'taken'`), [{ n: 1 }]);
  });

  it('on SIGTERM mid-run, the run finishes before the process exits 0', async () => {
    const dir = project(`import { col, definePipeline, http, onFile, postgres } from 'sluice';
export default definePipeline({ name: 'graceful', trigger: onFile('go', { dir: 'landing', pollSeconds: 1 }),
  source: http({ url: '${api.base}/slow', allowPrivateNetwork: ['127.0.0.1'] }),
  destination: postgres.table('graceful', { columns: { n: col.integer() } }) });`);
    const a = start(dir);
    fs.writeFileSync(path.join(dir, 'landing/go'), '');
    await until('the run to start', async () => (await query(url, `SELECT 1 FROM sluice.runs WHERE pipeline = 'graceful' AND status = 'running'`)).length);
    a.kill('SIGTERM');
    assert.equal(await exited(a), 0);
    assert.deepEqual(await query(url, `SELECT status FROM sluice.runs WHERE pipeline = 'graceful'`), [{ status: 'succeeded' }]);
  });

  it('backfills one run per interval, each told its interval; a second backfill queues nothing', async () => {
    const dir = project(`import { col, cron, definePipeline, http, postgres } from 'sluice';
export default definePipeline({ name: 'filled', trigger: cron('0 * * * *', { catchUp: 'skip' }),
  source: (p) => http({ url: '${api.base}/echo', query: { at: p.interval_end ?? 'none' }, allowPrivateNetwork: ['127.0.0.1'] }),
  transform: (row: { at: string }, ctx) => ({ interval_start: ctx.params.interval_start ?? null, interval_end: row.at }),
  destination: postgres.table('filled', { columns: { interval_start: col.timestamptz(), interval_end: col.timestamptz() } }) });`);
    const fill = () => sluiceAsync(['backfill', 'filled', '--from', '2026-11-01T00:00:00Z', '--to', '2026-11-01T05:00:00Z', '--project', dir], { DATABASE_URL: url });
    const first = await fill();
    assert.match(first.stdout, /6 interval\(s\) .*: 6 run\(s\) queued, 0 already ran or queued/, first.stderr);
    assert.match((await fill()).stdout, /0 run\(s\) queued, 6 already ran or queued/);
    const worker = start(dir, 'worker');
    await until('six runs', async () => (await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM sluice.runs WHERE pipeline = 'filled' AND status = 'succeeded'`))[0]!.n === 6);
    worker.kill('SIGTERM');
    await exited(worker);
    const rows = await query<{ s: string; e: string }>(url, `SELECT to_char(interval_start AT TIME ZONE 'UTC', 'HH24') AS s, to_char(interval_end AT TIME ZONE 'UTC', 'HH24') AS e FROM filled ORDER BY interval_end`);
    assert.deepEqual(rows, [{ s: '23', e: '00' }, { s: '00', e: '01' }, { s: '01', e: '02' }, { s: '02', e: '03' }, { s: '03', e: '04' }, { s: '04', e: '05' }]);
  });
});
