import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { freshDatabase, query, sluice, tempDir } from './helpers.ts';

const pipeline = (label: string) => `import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: 'words', source: files('*.csv', { dir: 'in' }),
  transform: (row) => ({ id: Number(row.id), label: ${label} }),
  destination: postgres.table('words', { columns: { id: col.integer(), label: col.text() }, write: { mode: 'merge', key: ['id'] } }) });`;

describe('sluice replay', () => {
  it('re-derives a past run from the raw zone with the changed transform, while a plain run loads nothing again', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'pipelines'));
    fs.mkdirSync(path.join(dir, 'in'));
    fs.writeFileSync(path.join(dir, 'in/a.csv'), 'id,word\n1,alpha\n2,beta\n');
    fs.writeFileSync(path.join(dir, 'pipelines/words.ts'), pipeline(`String(row.word).toUpperCase()`));
    const env = { DATABASE_URL: await freshDatabase() };
    const first = JSON.parse(sluice(['run', 'words', '--project', dir, '--json'], env).stdout);
    assert.equal(first.counts.inserted, 2);

    fs.writeFileSync(path.join(dir, 'pipelines/words.ts'), pipeline(`String(row.word) + '!'`));
    fs.rmSync(path.join(dir, 'in/a.csv')); // the source no longer has it: the raw zone does
    assert.equal(JSON.parse(sluice(['run', 'words', '--project', dir, '--json'], env).stdout).counts.extracted, 0);

    const replay = sluice(['replay', 'words', '--run', first.runId, '--project', dir, '--json'], env);
    const result = JSON.parse(replay.stdout);
    assert.equal(result.status, 'succeeded', replay.stderr);
    assert.deepEqual([result.counts.extracted, result.counts.updated], [2, 2]);
    assert.deepEqual(await query(env.DATABASE_URL, 'SELECT id, label FROM words ORDER BY id'), [{ id: 1, label: 'alpha!' }, { id: 2, label: 'beta!' }]);
    assert.deepEqual(await query(env.DATABASE_URL, `SELECT trigger FROM sluice.runs WHERE run_id = $1`, [result.runId]), [{ trigger: 'replay' }]);

    const none = sluice(['replay', 'words', '--run', 'nope', '--project', dir], env);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no succeeded run nope/);
  });

  it('replays a run with the params it ran with, and --param overrides them', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'pipelines'));
    // No default folder holds any input: only the run's --param input=... finds the file.
    fs.writeFileSync(path.join(dir, 'pipelines/tagged.ts'), `import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: 'tagged', params: { input: 'nowhere', tag: 'default' },
  source: ({ input }) => files('*.csv', { dir: input }),
  transform: (row, ctx) => ({ id: Number(row.id), tag: ctx.params.tag + ':' + row.word }),
  destination: postgres.table('tagged', { columns: { id: col.integer(), tag: col.text() }, write: { mode: 'merge', key: ['id'] } }) });`);
    const input = tempDir();
    fs.writeFileSync(path.join(input, 'a.csv'), 'id,word\n1,alpha\n2,beta\n');
    const env = { DATABASE_URL: await freshDatabase() };
    const first = JSON.parse(sluice(['run', 'tagged', '--project', dir, '--json', '--param', `input=${input}`, '--param', 'tag=first'], env).stdout);
    assert.equal(first.counts.inserted, 2, first.error);
    fs.rmSync(path.join(input, 'a.csv'));

    const same = sluice(['replay', 'tagged', '--run', first.runId, '--project', dir, '--json'], env);
    const replayed = JSON.parse(same.stdout);
    assert.equal(replayed.status, 'succeeded', replayed.error ?? same.stderr);
    assert.deepEqual([replayed.counts.extracted, replayed.counts.unchanged], [2, 2], 'the same params give the same rows');
    assert.deepEqual(await query(env.DATABASE_URL, 'SELECT params FROM sluice.runs WHERE run_id = $1', [replayed.runId]), [{ params: { input, tag: 'first' } }]);

    const overridden = JSON.parse(sluice(['replay', 'tagged', '--run', first.runId, '--project', dir, '--json', '--param', 'tag=second'], env).stdout);
    assert.equal(overridden.status, 'succeeded', overridden.error);
    assert.equal(overridden.counts.updated, 2);
    assert.deepEqual(await query(env.DATABASE_URL, 'SELECT id, tag FROM tagged ORDER BY id'), [{ id: 1, tag: 'second:alpha' }, { id: 2, tag: 'second:beta' }]);

    // Two runs made with different params are not silently replayed under one set of them.
    fs.writeFileSync(path.join(input, 'b.csv'), 'id,word\n3,gamma\n');
    const other = JSON.parse(sluice(['run', 'tagged', '--project', dir, '--json', '--param', `input=${input}`, '--param', 'tag=third'], env).stdout);
    const mixed = sluice(['replay', 'tagged', '--run', first.runId, '--run', other.runId, '--project', dir], env);
    assert.equal(mixed.status, 2);
    assert.match(mixed.stderr, /ran with different params .*"tag":"first".* \/ .*"tag":"third"/);
    const both = JSON.parse(sluice(['replay', 'tagged', '--run', first.runId, '--run', other.runId, '--project', dir, '--json', '--param', 'tag=fourth'], env).stdout);
    assert.deepEqual([both.status, both.counts.extracted], ['succeeded', 3], both.error);
  });
});
