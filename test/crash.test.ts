import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { generateStocks } from '../examples/stocks/generate.ts';
import { freshDatabase, query, ROOT, sluice, sluiceProcess, tempDir } from './helpers.ts';

/**
 * The stocks example on generated input, held inside its load: every row is written into the load's transaction and
 * the run waits, before COMMIT, to record its rejects (the sample has a malformed row) behind a lock this test holds
 * on sluice.rejects. Held by a lock, not caught by polling, so that it cannot commit before it is stopped.
 */
async function stocksRunMidLoad() {
  const url = await freshDatabase();
  const input = tempDir();
  const env = { DATABASE_URL: url, SLUICE_LAKE: tempDir() };
  const { rows } = generateStocks(input, { tickers: 10, days: 3000, unlisted: 0 });
  const args = ['run', 'stocks', '--project', path.join(ROOT, 'examples/stocks'), '--json', '--param', `input=${input}`];
  sluice(['runs', '--json'], env); // creates sluice's tables
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  await holder.query('BEGIN; LOCK TABLE sluice.rejects IN SHARE MODE');
  const child = sluiceProcess(args, env);
  const deadline = Date.now() + 60_000;
  // The load's transaction, rows written (so it has a transaction id), waiting for the lock.
  const waiting = () => query(url, `SELECT pid FROM pg_stat_activity
    WHERE query LIKE 'INSERT INTO sluice.rejects%' AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL`);
  while (!(await waiting()).length) {
    assert.ok(Date.now() < deadline, 'the load never reached its rejects');
    assert.equal(child.exitCode, null, 'the run ended before it could be stopped');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  /** Nothing of the load is visible: no row, no ledger entry. */
  const assertNothingLoaded = async () => {
    const table = await query(url, `SELECT to_regclass('public.historical_stocks_data') AS t`);
    const visible = table[0]!.t ? (await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM historical_stocks_data'))[0]!.n : 0;
    assert.equal(visible, 0, 'no row of the stopped load is visible');
    assert.deepEqual(await query(url, 'SELECT * FROM sluice.loaded_objects'), []);
  };
  let released: Promise<void> | undefined;
  const release = () => (released ??= holder.query('COMMIT').then(() => holder.end()));
  /** Should an assertion fail, the run is not left waiting behind the lock. */
  const cleanUp = async () => {
    await release();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return { url, env, rows, args, child, assertNothingLoaded, release, waiting, cleanUp };
}

describe('a run killed during its load', () => {
  it('leaves no partial rows, and the next run loads everything exactly once', async () => {
    const { url, env, rows, args, child, assertNothingLoaded, release, cleanUp } = await stocksRunMidLoad();
    try {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('close', resolve));
      await assertNothingLoaded();
      await release();

      const rerun = sluice(args, env);
      const json = JSON.parse(rerun.stdout);
      assert.equal(json.status, 'succeeded', rerun.stderr);
      const expected = rows - 1; // the malformed row is quarantined
      assert.equal(json.counts.loaded, expected);
      const [count] = await query<{ n: number; distinct: number }>(url,
        'SELECT count(*)::int AS n, count(DISTINCT (company_name, stock_date))::int AS distinct FROM historical_stocks_data');
      assert.deepEqual(count, { n: expected, distinct: expected });
      const ledger = await query(url, 'SELECT run_key FROM sluice.ledger');
      assert.equal(ledger.length, 1);
    } finally {
      await cleanUp();
    }
  });

  it('after COMMIT but before the run is recorded as done: the next run loads nothing twice', async () => {
    const url = await freshDatabase();
    const project = tempDir();
    const marker = path.join(project, 'committed');
    fs.mkdirSync(path.join(project, 'in'));
    fs.mkdirSync(path.join(project, 'pipelines'));
    fs.writeFileSync(path.join(project, 'in/a.csv'), 'id,v\n1,x\n2,y\n3,z\n');
    // A destination whose load commits for real, then hangs until killed in its publish step (after the ledger's
    // COMMIT): the window between COMMIT and the run record.
    fs.writeFileSync(path.join(project, 'pipelines/p.ts'), `import fs from 'node:fs';
import { col, definePipeline, files, postgres } from 'sluice';
const real = postgres.table('crash_after', { columns: { id: col.integer(), v: col.text() }, write: { mode: 'merge', key: ['id'] } });
export default definePipeline({
  name: 'after', source: files('*.csv', { dir: 'in' }),
  destination: { ...real, open: async (ctx) => {
    const load = await real.open(ctx);
    return { ...load, apply: async () => ({ ...(await load.apply()), publication: { hang: 'yes' } }) };
  }, publish: async () => {
    if (process.env.HANG_AFTER_COMMIT) { fs.writeFileSync(${JSON.stringify(marker)}, ''); await new Promise(() => {}); }
  } },
});
`);
    const env = { DATABASE_URL: url, SLUICE_LAKE: path.join(project, 'lake') };
    const child = sluiceProcess(['run', 'after', '--project', project], { ...env, HANG_AFTER_COMMIT: '1' });
    for (let i = 0; !fs.existsSync(marker); i++) {
      assert.ok(i < 600 && child.exitCode === null, 'the load never committed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    assert.deepEqual(await query(url, `SELECT status FROM sluice.runs`), [{ status: 'running' }], 'the killed run was never recorded as done');

    const rerun = JSON.parse(sluice(['run', 'after', '--project', project, '--json'], env).stdout);
    assert.equal(rerun.status, 'succeeded');
    assert.equal(rerun.counts.loaded, 0, 'the committed file is recognised and not loaded again');
    assert.deepEqual(await query(url, 'SELECT id FROM crash_after ORDER BY id'), [{ id: 1 }, { id: 2 }, { id: 3 }]);
    assert.deepEqual(await query(url, 'SELECT count(*)::int AS n FROM sluice.ledger GROUP BY run_key'), [{ n: 1 }]);
  });
});

describe('a run stopped with SIGTERM or Ctrl-C', () => {
  it('stops a run queued behind another run of its pipeline at once: nothing ran', { timeout: 30_000 }, async () => {
    const url = await freshDatabase();
    const project = tempDir();
    fs.mkdirSync(path.join(project, 'pipelines'));
    fs.writeFileSync(path.join(project, 'pipelines/p.ts'), `import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: 'queued', source: files('*.csv', { dir: 'in' }), destination: postgres.table('queued_t', { columns: { id: col.integer() } }) });
`);
    // Another run of the pipeline, as far as sluice can tell: its lock is held.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query(`SELECT pg_advisory_lock(hashtext('sluice.pipeline'), hashtext('queued'))`);
    const child = sluiceProcess(['run', 'queued', '--project', project, '--json'], { DATABASE_URL: url, SLUICE_LAKE: path.join(project, 'lake') });
    try {
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
      const closed = new Promise((resolve) => child.on('close', resolve));
      for (const deadline = Date.now() + 20_000; !(await query(url, `SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_advisory_lock%' AND wait_event_type = 'Lock'`)).length;) {
        assert.ok(Date.now() < deadline && child.exitCode === null, 'the run never queued');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill('SIGTERM');
      assert.equal(await closed, 143, stderr);
      assert.match(stderr, /stopped by SIGTERM while it waited for another run of queued to end; nothing was run/);
      assert.deepEqual(await query(url, `SELECT count(*)::int AS n FROM sluice.runs`), [{ n: 0 }]);
    } finally {
      await holder.end();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('cancels a check\'s query on the checks\' own connection, and says it was stopped', { timeout: 30_000 }, async () => {
    const url = await freshDatabase();
    const project = tempDir();
    fs.mkdirSync(path.join(project, 'in'));
    fs.mkdirSync(path.join(project, 'pipelines'));
    fs.writeFileSync(path.join(project, 'in/a.csv'), 'id,v\n1,x\n2,y\n');
    // An append with a transform and a check: the check runs on a connection beside the load's, and waits here.
    fs.writeFileSync(path.join(project, 'pipelines/p.ts'), `import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({
  name: 'checked', source: files('*.csv', { dir: 'in' }), transform: (row) => ({ id: Number(row.id), v: row.v }),
  destination: postgres.table('checked_t', { columns: { id: col.integer(), v: col.text() } }),
  checks: [{ kind: 'sql', name: 'behind a lock', query: 'SELECT * FROM {{staged}} AS s WHERE EXISTS (SELECT FROM guard)' }],
});
`);
    await query(url, 'CREATE TABLE guard (id int)');
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN; LOCK TABLE guard IN ACCESS EXCLUSIVE MODE');
    const env = { DATABASE_URL: url, SLUICE_LAKE: path.join(project, 'lake') };
    const child = sluiceProcess(['run', 'checked', '--project', project, '--json'], env);
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
      const closed = new Promise((resolve) => child.on('close', resolve));
      for (const deadline = Date.now() + 60_000; !(await query(url, `SELECT 1 FROM pg_stat_activity WHERE query LIKE '%FROM guard%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`)).length;) {
        assert.ok(Date.now() < deadline && child.exitCode === null, 'the check never waited for the lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.kill('SIGTERM');
      // Exits while the lock is still held: the check's query was cancelled, not waited for.
      assert.equal(await closed, 143);
      const json = JSON.parse(stdout);
      assert.equal(json.error, 'stopped by SIGTERM before it finished; nothing was committed');
      assert.deepEqual(await query(url, `SELECT status FROM sluice.runs`), [{ status: 'failed' }]);
      assert.deepEqual(await query(url, `SELECT to_regclass('public.checked_t') IS NULL AS gone`), [{ gone: true }]);
    } finally {
      await holder.query('COMMIT');
      await holder.end();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('cancels the statement it waits on, rolls back, is recorded failed saying so (not left running), exits 143, and is not retried; the next run loads it', async () => {
    const { url, env, rows, args, child, assertNothingLoaded, release, waiting, cleanUp } = await stocksRunMidLoad();
    try {
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
      child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
      const closed = new Promise((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      // While the lock is still held, the load's statement is cancelled and its transaction ends. (Recording the
      // failed run's rejects then waits for the lock too, outside any load.)
      for (const deadline = Date.now() + 30_000; (await waiting()).length; await new Promise((resolve) => setTimeout(resolve, 20))) {
        assert.ok(Date.now() < deadline, 'the stopped run still waits inside its load');
      }
      await assertNothingLoaded();
      await release();
      const code = await closed;
      assert.equal(code, 143, stderr);
      const json = JSON.parse(stdout);
      assert.equal(json.status, 'failed');
      assert.equal(json.error, 'stopped by SIGTERM before it finished; nothing was committed');
      const runs = await query<{ status: string; attempt: number }>(url, `SELECT status, attempt FROM sluice.runs WHERE pipeline = 'stocks'`);
      assert.deepEqual(runs, [{ status: 'failed', attempt: 1 }], 'one attempt, recorded failed: not left running, not retried');
      await assertNothingLoaded();

      const rerun = sluice(args, env);
      assert.equal(JSON.parse(rerun.stdout).counts.loaded, rows - 1, rerun.stderr); // the malformed row is quarantined
    } finally {
      await cleanUp();
    }
  });
});
