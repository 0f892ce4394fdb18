import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { col, definePipeline, files, parquet, postgres } from '../src/index.ts';
import { closeDeadRuns } from '../src/pipeline/close-dead-runs.ts';
import { queryLake } from '../src/publish/lake-query.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;

describe('a run whose load committed but could not be published says what it committed', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  it('records the committed counts and rejects on the failed run, and the next run publishes the rows', async () => {
    const pipeline = definePipeline({
      name: 'pq', source: files('*.csv', { dir: 'in' }),
      destination: parquet.table('pq', { columns: { id: col.bigint({ nullable: false }), v: col.text() } }),
    });
    h.files({ 'a.csv': 'id,v\n1,a\n2,b\nx,c\n' });
    const curated = path.join(h.dir, 'lake', 'curated');
    fs.mkdirSync(curated, { recursive: true });
    fs.writeFileSync(path.join(curated, 'pq'), 'a file where the table\'s folder goes: publishing fails after COMMIT');
    const first = await h.run(pipeline);
    assert.equal(first.status, 'failed');
    assert.match(first.error ?? '', /committed, but publishing its rows failed/);
    // The ledger committed 2 rows and 1 reject: the record says so, not "loaded 0".
    assert.equal(first.counts.loaded, 2);
    assert.equal(first.counts.rejected, 1);
    assert.deepEqual(await h.rows(`SELECT count(*)::int AS n FROM sluice.rejects WHERE run_id = $1`, [first.runId]), [{ n: 1 }]);
    fs.rmSync(path.join(curated, 'pq'));
    const second = await h.run(pipeline);
    assert.equal(second.status, 'succeeded');
    const answer = await queryLake(h.lake, 'select id from pq order by id', { folder: curated, cacheDir: path.join(h.dir, 'cache') });
    assert.deepEqual(answer.rows.map((r) => Number(r[0])), [1, 2]);
    // Across the two records, the rows in the table are accounted for exactly once.
    const loaded = await h.rows<{ n: number }>(`SELECT sum((counts->>'loaded')::int)::int AS n FROM sluice.runs WHERE pipeline = 'pq'`);
    assert.deepEqual(loaded, [{ n: 2 }]);
  });

  it('a run killed after its COMMIT and before its record is closed as abandoned with the counts that committed', async () => {
    const pipeline = definePipeline({
      name: 'killed', source: files('*.csv', { dir: 'in' }),
      destination: postgres.table('killed', { columns: { id: col.bigint({ nullable: false }), v: col.text() } }),
    });
    h.files({ 'a.csv': 'id,v\n1,a\n2,b\n3,c\n' });
    const run = await h.run(pipeline);
    assert.equal(run.status, 'succeeded');
    // What `kill -9` between COMMIT and the run's last record leaves (reproduced by hand with sluice run and kill -9).
    await h.rows(`UPDATE sluice.runs SET status = 'running', finished_at = NULL, counts = '{}' WHERE run_id = $1`, [run.runId]);
    assert.equal(await closeDeadRuns(h.database, 'its process stopped before the run ended; found by a test'), 1);
    const [record] = await h.rows<{ status: string; loaded: number; error: string }>(`SELECT status, (counts->>'loaded')::int AS loaded, error FROM sluice.runs WHERE run_id = $1`, [run.runId]);
    assert.equal(record!.status, 'abandoned');
    assert.equal(record!.loaded, 3);
    assert.match(record!.error, /after its load committed/);
    assert.deepEqual(await h.rows('SELECT count(*)::int AS n FROM killed'), [{ n: 3 }]);
  });

  it('a repeated header field is named in the warning as the second of its name, not as an undeclared column', async () => {
    const pipeline = definePipeline({
      name: 'rep', source: files('*.csv', { dir: 'in' }),
      destination: postgres.table('rep', { columns: { id: col.bigint({ nullable: false }), name: col.text(), amount: col.numeric(12, 2) } }),
    });
    h.files({ 'a.csv': '\uFEFFid,id,amount\n1,2,3\n' });
    const run = await h.run(pipeline);
    assert.equal(run.status, 'succeeded');
    assert.ok(run.warnings.some((w) => /field "id \(repeated: id_2\)" matches no declared column/.test(w)), run.warnings.join('\n'));
    assert.deepEqual(await h.rows('SELECT id::int, amount::float FROM rep'), [{ id: 1, amount: 3 }]);
  });
});
