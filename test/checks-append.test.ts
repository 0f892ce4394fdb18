import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;

describe('checks of a plain append with a transform (rows COPYed into the table, checked beside it)', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  const pipeline = definePipeline({
    name: 'appended', source: files('*.csv', { dir: 'in' }),
    transform: (row) => ({ id: row.id, amount: row.amount }),
    destination: postgres.table('appended', { columns: { id: col.bigint(), amount: col.numeric() }, write: { mode: 'append' } }),
    checks: [
      { kind: 'range', column: 'amount', min: 0 },
      { kind: 'unique', column: 'id' },
      { kind: 'sql', name: 'no id loaded before', query: 'SELECT s.* FROM {{staged}} AS s JOIN {{target}} AS t USING (id)' },
      // The table holds this load's rows only inside the load's transaction while the checks run: its connection
      // has written to it (a stage-then-move load would not have yet).
      { kind: 'sql', name: 'written beside the checks', warn: true, query: `SELECT s.* FROM {{staged}} AS s WHERE NOT EXISTS (SELECT 1 FROM pg_locks AS l
        WHERE l.relation = to_regclass('public.appended') AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid())` },
    ],
  });

  it('loads, sees the table as it was before the load through {{target}}, and leaves it untouched when a check fails', async () => {
    h.files({ 'a.csv': 'id,amount\n1,10\n2,20\n' });
    const first = await h.run(pipeline);
    assert.equal(first.status, 'succeeded', first.error ?? '');
    // The first load created the table: before it, the table was empty, so no id was loaded before.
    assert.deepEqual(first.checks.slice(0, 3).map((c) => [c.name, c.status]), [['amount >= 0', 'passed'], ['id unique', 'passed'], ['no id loaded before', 'passed']]);
    assert.equal(first.counts.inserted, 2);

    h.files({ 'b.csv': 'id,amount\n3,30\n2,25\n4,-1\n' });
    const failed = await h.run(pipeline);
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.checks.map((c) => [c.name, c.status, c.failingRows]),
      [['amount >= 0', 'failed', 1], ['id unique', 'passed', 0], ['no id loaded before', 'failed', 1], ['written beside the checks', 'passed', 0]]);
    assert.deepEqual(failed.checks[0]!.samples.map((s) => [s.__source, Number(s.__line), Number(s.id)]), [['b.csv', 4, 4]]);
    assert.deepEqual(failed.checks[2]!.samples.map((s) => [s.__source, Number(s.__line), Number(s.id)]), [['b.csv', 3, 2]]);
    assert.deepEqual(await h.rows('SELECT id::int, amount::int FROM appended ORDER BY id'), [{ id: 1, amount: 10 }, { id: 2, amount: 20 }]);
    assert.deepEqual(await h.rows(`SELECT count(*)::int AS n FROM sluice.ledger WHERE pipeline = 'appended'`), [{ n: 1 }]);

    h.files({ 'c.csv': 'id,amount\n3,30\n4,40\n' });
    const fixed = await h.run(pipeline);
    assert.equal(fixed.status, 'succeeded', fixed.error ?? '');
    assert.deepEqual(fixed.checks.map((c) => c.status), ['passed', 'passed', 'passed', 'passed']);
    assert.deepEqual([fixed.counts.loaded, fixed.counts.inserted], [2, 2]);
    assert.deepEqual(await h.rows('SELECT id::int FROM appended ORDER BY id'), [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
    // The checks' connection went back to the pool: nothing of this pipeline is left open.
    assert.deepEqual(await h.rows(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`), [{ n: 0 }]);
  });

  it('stages first when the table has rules of its own (a CHECK constraint here): the checks, not the table, judge the rows', async () => {
    await h.rows(`CREATE TABLE public.guarded_append (id bigint, amount numeric CHECK (amount >= 0))`);
    const guarded = definePipeline({
      name: 'guarded-append', source: files('*.csv', { dir: 'in' }),
      transform: (row) => ({ id: row.id, amount: row.amount }),
      destination: postgres.table('guarded_append', { columns: { id: col.bigint(), amount: col.numeric() }, write: { mode: 'append' } }),
      checks: [{ kind: 'range', column: 'amount', min: 0 }],
    });
    h.files({ 'd.csv': 'id,amount\n1,5\n2,-3\n' });
    const failed = await h.run(guarded);
    assert.equal(failed.error, 'check "amount >= 0" failed: 1 of 2 rows are outside 0..∞ (first: -3 at d.csv line 3); nothing was loaded');
    assert.deepEqual(await h.rows('SELECT count(*)::int AS n FROM public.guarded_append'), [{ n: 0 }]);
  });
});
