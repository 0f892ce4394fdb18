import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import { manualRunKey } from '../src/schedule/triggers.ts';
import { renderAlert } from '../src/alerts/render-alert.ts';
import { pipelineRuns, pipelineSummaries, runById } from '../src/dashboard/queries.ts';
import { overviewPage } from '../src/dashboard/pages/overview.ts';
import { pipelinePage } from '../src/dashboard/pages/pipeline.ts';
import { runPage } from '../src/dashboard/pages/run.ts';
import { harness, sluice } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
const source = files('*', { dir: 'in' });
const columns = { id: col.integer({ nullable: false }), name: col.text(), amount: col.numeric() };

describe('header policy, warnings and unreadable files', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());
  const rejects = (runId: string) => h.rows('SELECT source, reason FROM sluice.rejects WHERE run_id = $1 ORDER BY seq', [runId]);

  it('loads a misspelt header with warnings naming the missing column and the extra field, never silently', async () => {
    h.files({ 'a.csv': 'id,nmae,amount\n1,x,2\n' });
    const result = await h.run(definePipeline({ name: 'typo', source, destination: postgres.table('typo', { columns }) }));
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(result.warnings, [
      'header: column "name" is missing from 1 file(s) (first: a.csv); loaded as null',
      'header: field "nmae" matches no declared column in 1 file(s) (first: a.csv); not loaded',
    ]);
    assert.deepEqual(await h.rows(`SELECT warnings FROM sluice.runs WHERE run_id = $1`, [result.runId]), [{ warnings: result.warnings }]);
  });

  it('shows the warnings in the alert, on the dashboard\'s overview, run page and in the pipeline\'s run list', async () => {
    h.files({ 'a.csv': 'id,nmae,amount\n7,x,2\n' });
    const pipeline = definePipeline({ name: 'shown', source, destination: postgres.table('shown_w', { columns }) });
    const result = await h.run(pipeline);
    const { runs } = await pipelineRuns(h.database.pool, 'shown', { page: 0, pageSize: 20 });
    assert.match(String(pipelinePage(pipeline, 'files', runs, { page: 0, more: false })), /<span class="warning">warning: header: column &quot;name&quot; is missing|<span class="warning">warning: header: column "name" is missing/);
    // On the overview, ranked after failures and before pipelines whose last run was clean.
    h.files({ 'a.csv': 'id,name,amount\n8,y,3\n' });
    const clean = definePipeline({ name: 'a-clean', source, destination: postgres.table('clean_w', { columns }) });
    assert.deepEqual((await h.run(clean)).warnings, []);
    const overview = String(overviewPage([clean, pipeline], await pipelineSummaries(h.database.pool, ['a-clean', 'shown'])));
    assert.match(overview, /<div class="warning">warning: header: column (&quot;|")name(&quot;|") is missing from 1 file\(s\) \(first: a.csv\); loaded as null \(\+1 more\)<\/div>/);
    assert.ok(overview.indexOf('data-pipeline="shown"') < overview.indexOf('data-pipeline="a-clean"'), 'the run that needs attention comes first');
    const alert = renderAlert('success', result, { from: 'sluice@example.com' });
    assert.match(alert.text, /Warning: header: column "name" is missing from 1 file\(s\)/);
    assert.deepEqual(alert.details.warnings, result.warnings);
    const record = await runById(h.database.pool, result.runId);
    const page = String(await runPage(record!, [], []));
    assert.match(page, /warning: header: field &quot;nmae&quot; matches no declared column|warning: header: field "nmae" matches no declared column/);
  });

  it('quarantines a file whose header matches no declared column, or lacks a required one; the others load', async () => {
    h.files({ 'a.csv': 'qux,quux,quuz\n1,2,3\n', 'b.csv': 'name,amount\nx,1\n', 'c.csv': 'id,name,amount\n3,c,1\n' });
    const result = await h.run(definePipeline({ name: 'wrong-header', source, destination: postgres.table('wrong_header', { columns }) }));
    assert.deepEqual([result.status, result.counts.loaded, result.counts.rejectedObjects], ['succeeded', 1, 2]);
    assert.deepEqual(await rejects(result.runId), [
      { source: 'a.csv', reason: 'header "qux", "quux", "quuz" matches none of the declared columns (id, name, amount); file quarantined' },
      { source: 'b.csv', reason: 'header lacks the required column(s) "id" (not nullable); file quarantined' },
    ]);
  });

  it('fails the run before anything commits on a header mismatch under schemaPolicy: freeze', async () => {
    h.files({ 'a.csv': 'id,name,amount\n1,a,1\n', 'b.csv': 'id,nmae,amount\n2,b,2\n' });
    const result = await h.run(definePipeline({ name: 'frozen', source, destination: postgres.table('frozen', { columns, schemaPolicy: 'freeze' }) }));
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /b\.csv: the header differs from the declared columns \(schemaPolicy: freeze\), nothing was loaded: missing "name"; not declared "nmae"/);
    assert.deepEqual(await h.rows(`SELECT to_regclass('frozen')::text AS t`), [{ t: null }]);
  });

  it('warns when a run extracted nothing or every row was rejected; --strict and strict: true fail such runs, loading nothing', async () => {
    h.files({ 'a.csv': 'id,name,amount\n' });
    const empty = await h.run(definePipeline({ name: 'nothing', source, destination: postgres.table('nothing', { columns }) }));
    assert.equal(empty.status, 'succeeded');
    assert.match(empty.warnings.join('\n'), /extracted no rows/);
    h.files({ 'b.csv': 'id,name,amount\nx,a,1\ny,b,2\n' });
    const p = (strict: boolean) => definePipeline({ name: `all-rejected-${strict}`, strict, source, destination: postgres.table(`all_rejected_${strict}`, { columns }) });
    const lenient = await h.run(p(false));
    assert.deepEqual([lenient.status, lenient.counts.rejected], ['succeeded', 2]);
    assert.match(lenient.warnings.join('\n'), /loaded nothing: every row was rejected \(2 row\(s\), 0 file\(s\)\)/);
    const strict = await h.run(p(true));
    assert.equal(strict.status, 'failed');
    assert.match(strict.error!, /^strict: the run has warnings, so nothing was loaded: loaded nothing: every row was rejected/);
    assert.deepEqual(await h.rows(`SELECT to_regclass('all_rejected_true')::text AS t`), [{ t: null }]);
    h.files({ 'c.csv': 'id,name,amount\nz,c,3\n' });
    const perRun = await h.run(p(false), { strict: true });
    assert.equal(perRun.status, 'failed');
  });

  it('quarantines a truncated .gz by name and loads the good files next to it', async () => {
    const input = path.join(h.dir, 'in');
    h.files({});
    const good = gzipSync('id,name,amount\n1,a,1\n2,b,2\n');
    fs.writeFileSync(path.join(input, 'good.csv.gz'), good);
    fs.writeFileSync(path.join(input, 'cut.csv.gz'), good.subarray(0, good.length - 12));
    fs.writeFileSync(path.join(input, 'plain.csv'), 'id,name,amount\n3,c,3\n');
    const result = await h.run(definePipeline({ name: 'gz', source, destination: postgres.table('gz', { columns }) }));
    assert.deepEqual([result.status, result.counts.loaded, result.counts.rejectedObjects], ['succeeded', 3, 1], result.error ?? '');
    assert.deepEqual(await rejects(result.runId), [{ source: 'cut.csv.gz', reason: 'not readable as gzip: unexpected end of file' }]);
  });

  it('merge with duplicates: reject quarantines every row of a repeated key, also when the key is the only column', async () => {
    h.files({ 'a.csv': 'id\n1\n1\n2\n' });
    const result = await h.run(definePipeline({
      name: 'keyonly', source, destination: postgres.table('keyonly', { columns: { id: col.integer() }, write: { mode: 'merge', key: ['id'], duplicates: 'reject' } }),
    }));
    assert.deepEqual([result.status, result.counts.loaded, result.counts.rejected, result.counts.unchanged], ['succeeded', 1, 2, 0]);
    assert.deepEqual(await h.rows('SELECT id FROM keyonly'), [{ id: 2 }]);
  });

  it('gives each manual request its own run key, even in the same millisecond', () => {
    const now = new Date('2026-12-01T10:00:00.000Z');
    const keys = Array.from({ length: 60 }, () => manualRunKey(now));
    assert.equal(new Set(keys).size, 60);
    assert.match(keys[0]!, /^manual:2026-12-01T10:00:00\.000Z:[0-9a-f]{12}$/);
  });

  it('prints warnings in --json and the summary, keeping every field of the CLI contract', async () => {
    const project = path.join(h.dir, 'cli');
    fs.mkdirSync(path.join(project, 'pipelines'), { recursive: true });
    fs.mkdirSync(path.join(project, 'in'), { recursive: true });
    fs.writeFileSync(path.join(project, 'in/a.csv'), 'id,nmae\n1,x\n');
    fs.writeFileSync(path.join(project, 'pipelines/cli.ts'), `import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: 'cli', source: files('*.csv', { dir: 'in' }), destination: postgres.table('cli_t', { columns: { id: col.integer(), name: col.text() } }) });`);
    const env = { DATABASE_URL: h.url, SLUICE_LAKE: path.join(project, 'lake') };
    const json = JSON.parse(sluice(['run', 'cli', '--project', project, '--json'], env).stdout);
    for (const key of ['runId', 'pipeline', 'status', 'counts', 'rawObjects', 'durationMs', 'error', 'warnings']) assert.ok(key in json, key);
    assert.equal(json.warnings.length, 2);
    fs.writeFileSync(path.join(project, 'in/b.csv'), 'id,nmae\n2,y\n');
    const strict = sluice(['run', 'cli', '--project', project, '--strict'], env);
    assert.equal(strict.status, 1);
    assert.match(strict.stdout, /failed/);
    assert.match(strict.stdout, /error    strict: the run has warnings/);
    fs.writeFileSync(path.join(project, 'in/c.csv'), 'id,nmae\n3,z\n');
    const summary = sluice(['run', 'cli', '--project', project], env);
    assert.match(summary.stdout, /warning  header: column "name" is missing from 2 file\(s\)/);
  });
});
