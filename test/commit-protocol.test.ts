import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import type { Lake } from '../src/lake/lake.ts';
import { runPipeline } from '../src/pipeline/run-pipeline.ts';
import { fakeDestination, publishedRows, type FakeStep } from './fakes/fake-destination.ts';
import { fakeSource } from './fakes/fake-source.ts';
import { harness, query, freshDatabase, ROOT, sluice, sluiceProcess, tempDir } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;

/** A lake whose writes under `prefix` fail with ENOSPC while `full` is set, as a full disk would. */
function fillableLake(lake: Lake, prefix: string) {
  const knob = { full: true };
  const wrapped: Lake = {
    ...lake,
    async put(key, body) {
      if (knob.full && key.startsWith(prefix)) {
        if (typeof body === 'object' && 'resume' in body) body.resume();
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${key}'`), { code: 'ENOSPC' });
      }
      return lake.put(key, body);
    },
  };
  return { lake: wrapped, knob };
}

describe('the commit protocol', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());
  const env = (lake = h.lake) => ({ projectDir: h.dir, database: h.database, lake });
  const ledger = (pipeline: string) => h.rows('SELECT run_key FROM sluice.ledger WHERE pipeline = $1', [pipeline]);

  it('checks the accounting before COMMIT: a load that does not reconcile commits nothing, and its retry loads', async () => {
    const real = postgres.table('acct', { columns: { id: col.integer(), v: col.text() } });
    let lie = true;
    const lying = { ...real, open: async (ctx: Parameters<typeof real.open>[0]) => {
      const load = await real.open(ctx);
      return { ...load, apply: async () => { const applied = await load.apply(); return lie ? { ...applied, inserted: applied.inserted - 1 } : applied; } };
    } };
    const p = definePipeline({ name: 'acct', source: files('*.csv', { dir: 'in' }), destination: lying });
    h.files({ 'a.csv': 'id,v\n1,a\n2,b\n3,c\n' });
    const failed = await h.run(p, { runKey: 'k1' });
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!, /load accounting does not reconcile: loaded 3 != inserted 2/);
    assert.deepEqual(await h.rows(`SELECT to_regclass('acct')::text AS t`), [{ t: null }], 'nothing committed, not even the table');
    assert.deepEqual(await ledger('acct'), []);
    assert.deepEqual([failed.counts.loaded, failed.counts.inserted], [0, 0], 'the record says what committed: nothing');
    lie = false;
    const retry = await h.run(p, { runKey: 'k1' });
    assert.deepEqual([retry.status, retry.counts.loaded], ['succeeded', 3], retry.error ?? '');
    assert.deepEqual(await h.rows(`SELECT count(*)::int AS n FROM acct`), [{ n: 3 }]);
  });

  for (const commitsWithLedger of [true, false]) {
    for (const step of ['open', 'write', 'stage', 'apply'] as FakeStep[]) {
      it(`a failure at ${step} (${commitsWithLedger ? 'in the ledger transaction' : 'external store'}) leaves nothing, records zero counts, and the retry loads once`, async () => {
        const name = `f${commitsWithLedger ? 't' : 'x'}${step}`;
        const destination = fakeDestination({ name, commitsWithLedger, failAt: step, times: 1 });
        const p = definePipeline({ name, source: fakeSource({ objects: { [`${name}.txt`]: '1,a\n2,b\n3,c\n' } }), destination });
        const visible = async () => commitsWithLedger
          ? (await h.rows<{ t: string | null }>(`SELECT to_regclass('public.fake_${name}')::text AS t`))[0]!.t ? (await h.rows(`SELECT * FROM fake_${name}`)).length : 0
          : (await publishedRows(h.lake, name)).length;
        const failed = await h.run(p, { runKey: 'once' });
        assert.equal(failed.status, 'failed');
        assert.match(failed.error!, new RegExp(`injected failure at ${step}`));
        assert.deepEqual([failed.counts.extracted, failed.counts.loaded, failed.counts.inserted], [0, 0, 0]);
        assert.equal(await visible(), 0);
        assert.deepEqual(await ledger(name), []);
        const retry = await h.run(p, { runKey: 'once' });
        assert.deepEqual([retry.status, retry.counts.loaded, retry.counts.inserted], ['succeeded', 3, 3], retry.error ?? '');
        assert.equal(await visible(), 3);
        const again = await h.run(p, { runKey: 'once' });
        assert.deepEqual([again.status, again.counts.loaded], ['succeeded', 0]);
        assert.equal(await visible(), 3, 'loaded exactly once');
      });
    }
  }

  it('a partial load (rows written, then a failure) commits none of them', async () => {
    const destination = fakeDestination({ name: 'partial', partialAfter: 2 });
    const p = definePipeline({ name: 'partial', source: fakeSource({ objects: { 'p.txt': '1,a\n2,b\n3,c\n' } }), destination });
    const failed = await h.run(p);
    assert.match(failed.error!, /partial load, failed after 2 rows/);
    assert.deepEqual(await publishedRows(h.lake, 'partial'), []);
    assert.deepEqual(await ledger('partial'), []);
  });

  it('disk full while writing rejects: nothing commits (rows, ledger, rejects), and once space is back the retry loads all', async () => {
    const { lake, knob } = fillableLake(h.lake, 'rejects/');
    const p = definePipeline({ name: 'diskfull', source: files('*.csv', { dir: 'in' }), destination: postgres.table('diskfull', { columns: { id: col.integer(), n: col.integer() } }) });
    const lines = ['id,n'];
    for (let i = 1; i <= 300; i++) lines.push(`${i},${i % 2 ? 'x' : i}`);
    h.files({ 'a.csv': lines.join('\n') + '\n' });
    const failed = await runPipeline(p, env(lake));
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!, /ENOSPC/);
    assert.deepEqual(await h.rows(`SELECT to_regclass('diskfull')::text AS t`), [{ t: null }], 'no row committed');
    assert.deepEqual(await ledger('diskfull'), []);
    assert.deepEqual(await h.rows(`SELECT * FROM sluice.loaded_objects WHERE pipeline = 'diskfull'`), [], 'the file is not marked as loaded');
    knob.full = false;
    const retry = await runPipeline(p, env(lake));
    assert.deepEqual([retry.status, retry.counts.loaded, retry.counts.rejected], ['succeeded', 150, 150], retry.error ?? '');
    assert.deepEqual(await h.rows(`SELECT count(*)::int AS n FROM diskfull`), [{ n: 150 }]);
    assert.deepEqual(await h.rows(`SELECT count(*)::int AS n FROM sluice.rejects WHERE run_id = $1`, [retry.runId]), [{ n: 150 }]);
    const file = fs.readFileSync(path.join(h.lake.location, retry.rejects.key!), 'utf8').trim().split('\n');
    assert.equal(file.length, 150);
  });

  it('a committed load whose process stopped before publishing is published by the next run, once', async () => {
    let fail = true;
    const real = fakeDestination({ name: 'pub' });
    const destination = { ...real, publish: async (publication: Readonly<Record<string, string>>, lake: Lake) => {
      if (fail) throw new Error('the process stopped here');
      return real.publish!(publication, lake);
    } };
    const p = definePipeline({ name: 'pub', source: fakeSource({ objects: { 'a.txt': '1,a\n2,b\n' } }), destination });
    const first = await h.run(p);
    assert.equal(first.status, 'failed');
    assert.deepEqual(await publishedRows(h.lake, 'pub'), []);
    fail = false;
    const second = await h.run(p);
    assert.equal(second.status, 'succeeded', second.error ?? '');
    assert.deepEqual(await publishedRows(h.lake, 'pub'), [['1', 'a'], ['2', 'b']], 'the pending load published; the same content is not loaded twice');
  });
});

describe('a run whose process died', () => {
  it('is closed as abandoned, with the reason, by sluice runs, by sluice start and by the next run of the pipeline; never shown as running', async () => {
    const url = await freshDatabase();
    const project = tempDir();
    fs.mkdirSync(path.join(project, 'pipelines'));
    const fakes = path.join(ROOT, 'test/fakes');
    fs.writeFileSync(path.join(project, 'pipelines/dies.ts'), `import { definePipeline } from 'sluice';
import { fakeDestination } from ${JSON.stringify(path.join(fakes, 'fake-destination.ts'))};
import { fakeSource } from ${JSON.stringify(path.join(fakes, 'fake-source.ts'))};
export default definePipeline({ name: 'dies', source: fakeSource({ objects: { 'a.txt': '1,a\\n' } }),
  destination: fakeDestination({ name: 'dies', crashAt: process.env.CRASH_AT || undefined }) });
`);
    const env = { DATABASE_URL: url, SLUICE_LAKE: path.join(project, 'lake') };
    const crash = async () => {
      const child = sluiceProcess(['run', 'dies', '--project', project], { ...env, CRASH_AT: 'stage' });
      const code = await new Promise((resolve) => child.on('close', (_code, signal) => resolve(signal)));
      assert.equal(code, 'SIGKILL');
    };
    await crash();
    assert.deepEqual(await query(url, `SELECT status FROM sluice.runs`), [{ status: 'running' }], 'killed: it could not record its end');
    const runs = JSON.parse(sluice(['runs', '--project', project, '--json'], env).stdout);
    assert.deepEqual(runs.map((r: { status: string }) => r.status), ['abandoned']);
    assert.match(runs[0].error, /^abandoned: its process stopped before the run ended/);

    await crash();
    const start = sluiceProcess(['start', '--project', project, '--no-ui'], env);
    try {
      for (let i = 0; ; i++) {
        const open = await query(url, `SELECT 1 FROM sluice.runs WHERE status = 'running'`);
        if (!open.length) break;
        assert.ok(i < 600 && start.exitCode === null, 'sluice start never closed the dead run');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      start.kill('SIGTERM');
      await new Promise((resolve) => start.on('close', resolve));
    }
    assert.match((await query<{ error: string }>(url, `SELECT error FROM sluice.runs ORDER BY queued_at DESC LIMIT 1`))[0]!.error, /found when workers started/);

    await crash();
    const next = JSON.parse(sluice(['run', 'dies', '--project', project, '--json'], env).stdout);
    assert.equal(next.status, 'succeeded', next.error);
    assert.deepEqual(await query(url, `SELECT status, count(*)::int AS n FROM sluice.runs GROUP BY status ORDER BY status`),
      [{ status: 'abandoned', n: 3 }, { status: 'succeeded', n: 1 }]);
    assert.match((await query<{ error: string }>(url, `SELECT error FROM sluice.runs WHERE status = 'abandoned' ORDER BY queued_at DESC LIMIT 1`))[0]!.error, /found by the next run of the pipeline/);
    assert.deepEqual(await query(url, `SELECT DISTINCT counts FROM sluice.runs WHERE status = 'abandoned'`), [{ counts: {} }]);
  });
});
