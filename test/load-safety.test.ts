import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import { FencedError, claimAttempt } from '../src/load/ledger.ts';
import { commitLoad } from '../src/pipeline/commit-load.ts';
import { openQuarantine } from '../src/transform/quarantine.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
const source = files('*.csv', { dir: 'in' });

describe('schema policy, reject limits, fencing and hostile names', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  it('evolve adds new columns as nullable and widens integer to bigint, keeping the rows', async () => {
    const v1 = definePipeline({ name: 'evo', source, destination: postgres.table('evo', { columns: { id: col.integer(), n: col.integer() } }) });
    h.files({ 'a.csv': 'id,n,extra\n1,5,x\n' });
    await h.run(v1);
    const v2 = definePipeline({ name: 'evo', source, destination: postgres.table('evo', { columns: { id: col.integer(), n: col.bigint(), extra: col.text() } }) });
    h.files({ 'b.csv': 'id,n,extra\n2,9000000000,y\n' });
    const result = await h.run(v2);
    assert.equal(result.status, 'succeeded', result.error ?? '');
    assert.deepEqual(result.notes.slice(0, 2), ['widened column n from integer to bigint', 'added column extra text']);
    assert.deepEqual(await h.rows('SELECT id, n::text, extra FROM evo ORDER BY id'), [{ id: 1, n: '5', extra: null }, { id: 2, n: '9000000000', extra: 'y' }]);
  });

  it('evolve refuses a narrowing or unrelated type change, and never drops a column', async () => {
    const narrow = definePipeline({ name: 'evo', source, destination: postgres.table('evo', { columns: { id: col.integer(), n: col.date() } }) });
    h.files({ 'n.csv': 'id,n\n5,2020-01-01\n' });
    const result = await h.run(narrow);
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /column "n" is bigint but declared date, which is not a safe widening/);
    assert.deepEqual((await h.rows(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'evo'`))[0], { n: 3 });
  });

  it('freeze fails before writing anything, with a readable diff', async () => {
    const frozen = definePipeline({
      name: 'evo', source,
      destination: postgres.table('evo', { columns: { id: col.bigint(), n: col.bigint(), added: col.boolean() }, schemaPolicy: 'freeze' }),
    });
    h.files({ 'c.csv': 'id,n,added\n3,1,true\n' });

    const result = await h.run(frozen);
    assert.equal(result.status, 'failed');
    assert.equal(result.error, [
      'table public.evo differs from its declaration (schemaPolicy: freeze), nothing was written:',
      '  ~ id: table integer, declared bigint',
      '  + added boolean: declared, not in the table',
      '  - extra text: in the table, not declared',
    ].join('\n'));
    assert.deepEqual(await h.rows('SELECT count(*)::int AS n FROM evo'), [{ n: 2 }]);
  });

  it('fails the run once rejects pass the limit, loading nothing but quarantining what was seen', async () => {
    const limited = (rejects: 'fail' | { maxRows?: number; maxPercent?: number }) => definePipeline({
      name: 'lim', source, rejects, destination: postgres.table('lim', { columns: { n: col.integer() } }),
    });
    h.files({ 'a.csv': 'n\n1\nx\n3\ny\n' });
    const failed = await h.run(limited('fail'));
    assert.equal(failed.status, 'failed');
    // Limits are checked per batch of rows (here the whole small file), so the count is every reject seen so far.
    assert.match(failed.error!, /2 rows rejected, more than the pipeline allows \(rejects\.maxRows: 0\); nothing was loaded/);
    assert.deepEqual(await h.rows(`SELECT to_regclass('lim') AS t`), [{ t: null }]);
    assert.equal((await h.rows('SELECT * FROM sluice.rejects WHERE run_id = $1', [failed.runId])).length, 2);

    const percent = await h.run(limited({ maxPercent: 25 }));
    assert.match(percent.error!, /50\.00% of rows rejected, more than the pipeline allows \(rejects\.maxPercent: 25\)/);
    const enough = await h.run(limited({ maxRows: 2 }));
    assert.deepEqual([enough.status, enough.counts.loaded, enough.counts.rejected], ['succeeded', 2, 2]);
  });

  it('refuses the commit of an attempt that a newer attempt has superseded', async () => {
    const p = definePipeline({ name: 'fenced', source, destination: postgres.table('fenced', { columns: { n: col.integer() } }) });
    const attempt = await claimAttempt(h.database.pool, 'fenced', 'k');
    assert.equal(attempt, 1);
    const load = commitLoad({
      destination: p.destination, database: h.database, lake: h.lake, startedAt: new Date(), pipeline: 'fenced', runId: 'r1', runKey: 'k', attempt,
      objects: [], quarantine: openQuarantine(h.lake, 'fenced', 'r1'), validate: async () => {},
      feed: async (l) => {
        await l.write({ source: 'a.csv', rows: [['1'], ['2']], lines: [2, 3] });
        assert.equal(await claimAttempt(h.database.pool, 'fenced', 'k'), 2, 'a takeover: the next attempt');
        return { extracted: 2, written: 2, rejected: 0, filtered: 0, rows: new Map(), copiedObjects: 0, notes: [], warnings: [] };
      },
    });
    await assert.rejects(load, (e: unknown) => e instanceof FencedError && /attempt 1 of run key k was superseded by attempt 2/.test(e.message));
    assert.deepEqual(await h.rows(`SELECT to_regclass('fenced') AS t`), [{ t: null }]);
    assert.deepEqual(await h.rows(`SELECT * FROM sluice.ledger WHERE pipeline = 'fenced'`), []);
  });

  it('quotes hostile column names and maps messy headers to snake_case columns', async () => {
    const hostile = 'x"; DROP TABLE t; --';
    const long = 'c'.repeat(63);
    const p = definePipeline({
      name: 'hostile', source,
      destination: postgres.table('hostile', { columns: { [hostile]: col.text(), a_b: col.integer(), a_b_2: col.integer(), [long]: col.text(), column_5: col.text() } }),
    });
    h.files({ 'a.csv': `"x""; DROP TABLE t; --",A b,a_b,${'C'.repeat(70)},\n1,2,3,long,empty\n` });
    const result = await h.run(p);
    assert.equal(result.status, 'succeeded', result.error ?? '');
    const [row] = await h.rows(`SELECT * FROM hostile`);
    assert.deepEqual(row, { [hostile]: null, a_b: 2, a_b_2: 3, [long]: 'long', column_5: 'empty' });
    assert.match(result.notes.join('\n'), /"A b" -> a_b, "a_b" -> a_b_2, "C{70}" -> c{63}/);

    assert.throws(() => postgres.table('t', { columns: { ['d'.repeat(70)]: col.text() } }), /column names are at most 63 bytes/);
  });
});
