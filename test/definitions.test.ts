import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { freshDatabase, query, sluice, tempDir } from './helpers.ts';

/** A project with one pipeline file. */
function project(pipeline: string, data: Record<string, string> = {}): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'pipelines'));
  fs.writeFileSync(path.join(dir, 'pipelines/p.ts'), pipeline);
  for (const [file, text] of Object.entries(data)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('pipeline definitions', () => {
  let url: string;
  before(async () => { url = await freshDatabase(); });

  it('fails a wrong definition with the file, the pipeline and the field named', () => {
    const dir = project(`import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: 'bad', source: files('*.csv'), destination: postgres.table('t', { columns: { a: col.text() }, write: { mode: 'upsert' } }) });`);
    const result = sluice(['run', 'bad', '--project', dir], { DATABASE_URL: url });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /pipelines\/p\.ts: postgres\.table\("t"\): write\.mode: /);

    const unnamed = project(`import { definePipeline } from 'sluice';
export default definePipeline({ name: 'Bad Name', source: 1, destination: {} } as never);`);
    const second = sluice(['run', 'x', '--project', unnamed], { DATABASE_URL: url });
    assert.equal(second.status, 2);
    assert.match(second.stderr, /pipelines\/p\.ts: pipeline "Bad Name": name: expected lowercase/);
    assert.match(second.stderr, /source: expected a source/);
    assert.match(second.stderr, /destination: expected a destination/);
  });

  it('names the pipelines it found when asked for one that does not exist', () => {
    const dir = project(`import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: 'good', source: files('*.csv'), destination: postgres.table('t', { columns: { a: col.text() } }) });`);
    const result = sluice(['run', 'nope', '--project', dir], { DATABASE_URL: url });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /no pipeline "nope" .*\(found: good\)/);
  });

  it('fails the run, loading nothing, when the transform returns a column the destination does not declare', async () => {
    const dir = project(`import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: 'typo', source: files('*.csv'),
  transform: (row) => ({ a: row.a, b_typo: 1 } as never),
  destination: postgres.table('typo_t', { columns: { a: col.text(), b: col.integer() } }) });`, { 'x.csv': 'a\n1\n' });
    const result = sluice(['run', 'typo', '--project', dir, '--json'], { DATABASE_URL: url });
    assert.equal(result.status, 1);
    const json = JSON.parse(result.stdout);
    assert.equal(json.status, 'failed');
    assert.match(json.error, /the transform returned "b_typo", which is not a declared column \(columns: a, b\)/);
    assert.deepEqual(await query(url, `SELECT to_regclass('typo_t') AS t`), [{ t: null }]);
  });

  it('quarantines rows whose transform throws or whose values do not fit, and counts filtered rows', async () => {
    const dir = project(`import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: 'mixed', source: files('*.csv'),
  transform: (row) => {
    if (row.kind === 'skip') return null;
    if (row.kind === 'boom') throw new Error('cannot handle boom');
    return { kind: row.kind, n: row.n };
  },
  destination: postgres.table('mixed_t', { columns: { kind: col.text(), n: col.integer() } }) });`,
    { 'x.csv': 'kind,n\nok,1\nskip,2\nboom,3\nok,abc\n"x""; DROP TABLE mixed_t; --",5\n' });
    const json = JSON.parse(sluice(['run', 'mixed', '--project', dir, '--json'], { DATABASE_URL: url }).stdout);
    assert.equal(json.status, 'succeeded');
    assert.deepEqual(json.counts, { extracted: 5, loaded: 2, rejected: 2, filtered: 1, inserted: 2, updated: 0, unchanged: 0 });
    const rejects = await query(url, 'SELECT line, column_name, reason FROM sluice.rejects WHERE run_id = $1 ORDER BY seq', [json.runId]);
    assert.deepEqual(rejects, [
      { line: 4, column_name: null, reason: 'transform failed: cannot handle boom' },
      { line: 5, column_name: 'n', reason: 'column "n": "abc" is not a whole number' },
    ]);
    assert.deepEqual(await query(url, 'SELECT kind, n FROM mixed_t ORDER BY n'), [{ kind: 'ok', n: 1 }, { kind: 'x"; DROP TABLE mixed_t; --', n: 5 }]);
  });
});
