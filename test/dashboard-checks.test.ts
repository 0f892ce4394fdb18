import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordCheckResults } from '../src/check/check-results.ts';
import type { CheckResult } from '../src/check/run-checks.ts';
import { createDashboard } from '../src/dashboard/dashboard.ts';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
const TOKEN = 'test-token-checks-0123456789';
const HOSTILE = '<img src=x onerror=alert(1)>';

describe('dashboard: check results', () => {
  let h: Harness;
  let app: ReturnType<typeof createDashboard>;
  const runIds: string[] = [];
  const result = (status: CheckResult['status'], failingRows: number, samples: Record<string, unknown>[] = []): CheckResult => ({
    name: 'code matches /^[A-Z]+$/', kind: 'pattern', column: 'code', status, blocking: true, failingRows, samples,
    message: `${failingRows} of 2 rows do not match /^[A-Z]+$/`,
  });
  before(async () => {
    h = await harness();
    const pipeline = definePipeline({
      name: 'checked', source: files('*.csv', { dir: 'in' }),
      destination: postgres.table('checked', { columns: { code: col.text() } }),
    });
    h.files({ 'a.csv': 'code\nAB\ncd\n' });
    runIds.push((await h.run(pipeline)).runId);
    h.files({ 'b.csv': 'code\nEF\n' });
    runIds.push((await h.run(pipeline)).runId);
    await recordCheckResults(h.database.pool, runIds[0]!, 'checked', [result('failed', 1, [{ code: HOSTILE, __source: 'a.csv', __line: 3 }])]);
    await recordCheckResults(h.database.pool, runIds[1]!, 'checked', [result('passed', 0)]);
    app = createDashboard({
      token: TOKEN, database: h.database, lake: h.lake, pipelines: [pipeline], lakePlaces: { cacheDir: h.dir }, runNow: async () => 'manual:test',
    });
  });
  after(() => h.close());
  const get = async (path: string) => (await app.request(path, { headers: { cookie: `sluice_token=${TOKEN}` } })).text();

  it('shows a run\'s checks with status, failing rows and escaped sample rows with their file and line', async () => {
    const page = await get(`/runs/${runIds[0]}`);
    const checks = page.slice(page.indexOf('<table id="checks">'), page.indexOf('</table></td></tr></table>'));
    assert.match(checks, /code matches \/\^\[A-Z\]\+\$\/<\/td><td>code<\/td><td><span class="status failed">failed<\/span><\/td>\s*<td>1<\/td><td>1 of 2 rows do not match/);
    assert.match(checks, /<summary>1 sample row\(s\)<\/summary>/);
    assert.match(checks, /<td>&lt;img src=x onerror=alert\(1\)&gt;<\/td><td>a\.csv<\/td><td>3<\/td>/);
    assert.ok(!page.includes(HOSTILE));
  });

  it('shows each check\'s history on the pipeline page, newest first, linking the runs', async () => {
    const page = await get('/pipelines/checked');
    const history = page.slice(page.indexOf('<table id="check-history">'));
    assert.match(history, /<span class="status succeeded">passed<\/span> 0 of 2 rows do not match/);
    const links = [...history.matchAll(/href="\/runs\/([^"]+)"[^>]*>(.)</g)].map((m) => [m[1], m[2]]).slice(0, 2);
    assert.deepEqual(links, [[runIds[1], '●'], [runIds[0], '✖']]);
  });

  it('counts results in /metrics by pipeline, check and status', async () => {
    const metrics = await get('/metrics');
    assert.match(metrics, /sluice_check_results\{pipeline="checked",check="code matches \/\^\[A-Z\]\+\$\/",status="failed"\} 1/);
    assert.match(metrics, /sluice_check_results\{pipeline="checked",check="code matches \/\^\[A-Z\]\+\$\/",status="passed"\} 1/);
  });
});
