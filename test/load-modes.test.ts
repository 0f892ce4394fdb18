import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
const source = files('*.csv', { dir: 'in' });
const counts = (r: { counts: Record<string, number> }) => {
  const { extracted, loaded, rejected, filtered, inserted, updated, unchanged } = r.counts;
  return { extracted, loaded, rejected, filtered, inserted, updated, unchanged };
};

describe('write modes', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  it('append keeps the source grain and stamps each load with its time', async () => {
    const p = definePipeline({
      name: 'app', source,
      destination: postgres.table('app', { columns: { id: col.integer(), v: col.text() }, write: { mode: 'append', loadTimestamp: 'load_ts' } }),
    });
    h.files({ 'a.csv': 'id,v\n1,x\n1,x\n' });
    assert.equal((await h.run(p)).counts.inserted, 2);
    h.files({ 'b.csv': 'id,v\n2,y\n' });
    await h.run(p);
    const rows = await h.rows<{ id: number; n: string }>('SELECT id, count(*)::int AS n, count(DISTINCT load_ts)::int AS stamps FROM app GROUP BY id ORDER BY id');
    assert.deepEqual(rows, [{ id: 1, n: 2, stamps: 1 }, { id: 2, n: 1, stamps: 1 }]);
    assert.deepEqual(await h.rows('SELECT count(DISTINCT load_ts)::int AS loads FROM app'), [{ loads: 2 }]);
  });

  it('replace swaps the contents, and an empty extract leaves the table as it was', async () => {
    const table = (allowEmpty = false) => definePipeline({
      name: 'rep', source,
      destination: postgres.table('rep', { columns: { id: col.integer() }, write: { mode: 'replace', allowEmpty } }),
    });
    h.files({ 'a.csv': 'id\n1\n2\n3\n' });
    await h.run(table());
    h.files({ 'b.csv': 'id\n7\n8\n' });
    await h.run(table());
    assert.deepEqual(await h.rows('SELECT id FROM rep ORDER BY id'), [{ id: 7 }, { id: 8 }]);

    h.files({ 'c.csv': 'id\n' });
    const empty = await h.run(table());
    assert.equal(empty.status, 'failed');
    assert.match(empty.error!, /replace: this load has no rows, so public\.rep was left as it was/);
    h.files({});
    assert.equal((await h.run(table())).status, 'succeeded', 'no files at all: nothing to load, nothing touched');
    assert.deepEqual(await h.rows('SELECT id FROM rep ORDER BY id'), [{ id: 7 }, { id: 8 }]);

    h.files({ 'd.csv': 'id\n' });
    assert.equal((await h.run(table(true))).status, 'succeeded');
    assert.deepEqual(await h.rows('SELECT id FROM rep'), []);
  });

  it('merge inserts new keys, updates a row only when it changed, and counts the unchanged', async () => {
    const p = definePipeline({
      name: 'mer', source,
      destination: postgres.table('mer', { columns: { id: col.integer(), v: col.text(), n: col.double() }, write: { mode: 'merge', key: ['id'] } }),
    });
    h.files({ 'a.csv': 'id,v,n\n1,a,1.5\n2,b,\n3,c,3\n' });
    assert.deepEqual(counts(await h.run(p)), { extracted: 3, loaded: 3, rejected: 0, filtered: 0, inserted: 3, updated: 0, unchanged: 0 });
    h.files({ 'b.csv': 'id,v,n\n1,a,1.5\n2,b,2\n4,d,4\n' });
    assert.deepEqual(counts(await h.run(p)), { extracted: 3, loaded: 3, rejected: 0, filtered: 0, inserted: 1, updated: 1, unchanged: 1 });
    assert.deepEqual(await h.rows('SELECT id, v, n FROM mer ORDER BY id'),
      [{ id: 1, v: 'a', n: 1.5 }, { id: 2, v: 'b', n: 2 }, { id: 3, v: 'c', n: 3 }, { id: 4, v: 'd', n: 4 }]);
  });

  it('merge resolves a key repeated in one batch to its last row, by file order or by a declared column', async () => {
    const p = (orderBy?: string) => definePipeline({
      name: 'dup', source,
      destination: postgres.table('dup', { columns: { id: col.integer(), v: col.text(), seen: col.integer() }, write: { mode: 'merge', key: ['id'], orderBy } }),
    });
    h.files({ 'a.csv': 'id,v,seen\n1,first,3\n1,second,1\n2,only,1\n', 'b.csv': 'id,v,seen\n1,third,2\n' });
    const result = await h.run(p());
    assert.deepEqual(counts(result), { extracted: 4, loaded: 2, rejected: 0, filtered: 2, inserted: 2, updated: 0, unchanged: 0 });
    assert.deepEqual(await h.rows('SELECT v FROM dup WHERE id = 1'), [{ v: 'third' }]);

    h.files({ 'c.csv': 'id,v,seen\n1,late,9\n1,early,5\n' });
    await h.run(p('seen'));
    assert.deepEqual(await h.rows('SELECT v FROM dup WHERE id = 1'), [{ v: 'late' }]);
  });

  it('merge can quarantine every row of a repeated key instead', async () => {
    const p = definePipeline({
      name: 'dupr', source,
      destination: postgres.table('dupr', { columns: { id: col.integer(), v: col.text() }, write: { mode: 'merge', key: ['id'], duplicates: 'reject' } }),
    });
    h.files({ 'a.csv': 'id,v\n1,x\n2,y\n1,z\n' });
    const result = await h.run(p);
    assert.deepEqual(counts(result), { extracted: 3, loaded: 1, rejected: 2, filtered: 0, inserted: 1, updated: 0, unchanged: 0 });
    const rejects = await h.rows('SELECT source, line, reason FROM sluice.rejects WHERE run_id = $1 ORDER BY line', [result.runId]);
    assert.deepEqual(rejects.map((r) => [r.source, r.line]), [['a.csv', 2], ['a.csv', 4]]);
    assert.match(String(rejects[0]!.reason), /key \(1\) appears more than once/);
  });

  it('merge quarantines a row without its key', async () => {
    const p = definePipeline({
      name: 'nokey', source,
      destination: postgres.table('nokey', { columns: { id: col.integer(), v: col.text() }, write: { mode: 'merge', key: ['id'] } }),
    });
    h.files({ 'a.csv': 'id,v\n,x\n2,y\n' });
    const result = await h.run(p);
    assert.deepEqual([result.counts.loaded, result.counts.rejected], [1, 1]);
  });

  it('history keeps every version; an unchanged row adds none', async () => {
    const p = definePipeline({
      name: 'hist', source,
      destination: postgres.table('hist', { columns: { id: col.integer(), city: col.text() }, write: { mode: 'history', key: ['id'] } }),
    });
    h.files({ 'a.csv': 'id,city\n1,Paris\n2,Rome\n' });
    await h.run(p);
    h.files({ 'b.csv': 'id,city\n1,Lyon\n2,Rome\n3,Oslo\n' });
    assert.deepEqual(counts(await h.run(p)), { extracted: 3, loaded: 3, rejected: 0, filtered: 0, inserted: 1, updated: 1, unchanged: 1 });
    const rows = await h.rows(`SELECT id, city, is_current, valid_to IS NOT NULL AS closed, valid_from < coalesce(valid_to, 'infinity') AS ordered FROM hist ORDER BY id, valid_from`);
    assert.deepEqual(rows, [
      { id: 1, city: 'Paris', is_current: false, closed: true, ordered: true },
      { id: 1, city: 'Lyon', is_current: true, closed: false, ordered: true },
      { id: 2, city: 'Rome', is_current: true, closed: false, ordered: true },
      { id: 3, city: 'Oslo', is_current: true, closed: false, ordered: true },
    ]);
  });

  it('a retry of a committed run key loads nothing and says so', async () => {
    const p = definePipeline({ name: 'keyed', source, destination: postgres.table('keyed', { columns: { id: col.integer() } }) });
    h.files({ 'a.csv': 'id\n1\n' });
    assert.equal((await h.run(p, { runKey: '2026-11-23' })).counts.loaded, 1);
    h.files({ 'b.csv': 'id\n2\n' });
    const again = await h.run(p, { runKey: '2026-11-23' });
    assert.equal(again.status, 'succeeded');
    assert.equal(again.counts.extracted, 0);
    assert.match(again.notes[0]!, /run key 2026-11-23 was loaded by an earlier run; nothing was extracted or loaded again/);
    assert.deepEqual(await h.rows('SELECT id FROM keyed'), [{ id: 1 }]);
    assert.deepEqual(await h.rows(`SELECT count(*)::int AS n FROM sluice.ledger WHERE pipeline = 'keyed'`), [{ n: 1 }]);
  });
});
