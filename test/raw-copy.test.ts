import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
const columns = { id: col.integer({ nullable: false }), name: col.text(), amount: col.numeric(), day: col.date() };
const MESSY = '\uFEFFid,name,amount,day\r\n1,"multi\r\nline, with ""quotes""",1.50,2024-02-29\r\n2,,,\r\n3,"",0,2024-01-01\r\n';

describe('CSV straight into COPY (no transform)', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  it('loads a clean file through COPY exactly as the row-by-row path does', async () => {
    const raw = definePipeline({ name: 'raw', source: files('*.csv', { dir: 'in' }), destination: postgres.table('raw_t', { columns }) });
    const rowwise = definePipeline({
      name: 'rowwise', source: files('*.csv', { dir: 'in' }), transform: (row) => row as never,
      destination: postgres.table('rowwise_t', { columns }),
    });
    h.files({ 'a.csv': MESSY });
    const fast = await h.run(raw);
    const slow = await h.run(rowwise);
    assert.equal(fast.counts.copiedObjects, 1);
    assert.equal(slow.counts.copiedObjects, 0);
    assert.deepEqual([fast.counts.loaded, slow.counts.loaded], [3, 3]);
    const a = await h.rows('SELECT * FROM raw_t ORDER BY id');
    assert.deepEqual(a, await h.rows('SELECT * FROM rowwise_t ORDER BY id'));
    assert.deepEqual(a[1], { id: 2, name: '', amount: null, day: null }, 'empty text stays empty, empty numbers are null');
    assert.equal(a[0]!.name, 'multi\r\nline, with "quotes"');
  });

  it('loads a file Postgres refuses row by row instead, quarantining only the bad rows', async () => {
    const p = definePipeline({ name: 'refused', source: files('*.csv', { dir: 'in' }), destination: postgres.table('refused_t', { columns }) });
    h.files({ 'good.csv': 'id,name\n1,a\n2,b\n', 'bad.csv': 'id,name,amount\n3,c,1\n4,d,abc\n5,e,2\n' });
    const result = await h.run(p);
    assert.equal(result.status, 'succeeded');
    assert.deepEqual([result.counts.copiedObjects, result.counts.loaded, result.counts.rejected], [1, 4, 1]);
    assert.match(result.notes.join('\n'), /1 file\(s\) Postgres refused as CSV were loaded row by row.*bad\.csv: invalid input syntax for type numeric: "abc"/);
    assert.deepEqual(await h.rows('SELECT source, line, reason FROM sluice.rejects WHERE run_id = $1', [result.runId]),
      [{ source: 'bad.csv', line: 3, reason: 'column "amount": "abc" is not a number' }]);
    assert.deepEqual(await h.rows('SELECT id FROM refused_t ORDER BY id'), [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 5 }]);
  });

  it('keeps merge duplicates in file order across raw and row-by-row files', async () => {
    const p = definePipeline({
      name: 'mix', source: files('*.csv', { dir: 'in' }),
      destination: postgres.table('mix_t', { columns: { id: col.integer(), v: col.text() }, write: { mode: 'merge', key: ['id'] } }),
    });
    h.files({ 'a.csv': 'id,v\n1,a1\n1,a2\n2,b\n', 'b.csv': 'id,v\n1,z\n', 'c.csv': 'id,v,extra\n2,c,x\n' });
    const result = await h.run(p);
    assert.deepEqual([result.counts.loaded, result.counts.filtered, result.counts.copiedObjects], [2, 3, 2]);
    assert.deepEqual(await h.rows('SELECT id, v FROM mix_t ORDER BY id'), [{ id: 1, v: 'z' }, { id: 2, v: 'c' }]);
  });
});
