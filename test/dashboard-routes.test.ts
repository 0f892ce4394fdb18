import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDashboard } from '../src/dashboard/dashboard.ts';
import { csrfToken } from '../src/dashboard/dashboard-token.ts';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
const TOKEN = 'test-token-0123456789';
const HOSTILE = '<script>alert(1)</script>';

describe('dashboard routes', () => {
  let h: Harness;
  let app: ReturnType<typeof createDashboard>;
  let runId: string;
  const ran: string[] = [];
  before(async () => {
    h = await harness();
    const pipeline = definePipeline({
      name: 'shown', description: HOSTILE, source: files('*.csv', { dir: 'in' }),
      destination: postgres.table('shown', { columns: { day: col.date(), v: col.double(), label: col.text() } }),
      dashboards: [{ title: 'v by day', table: 'shown', x: 'day', y: ['v'] }],
    });
    h.files({ 'a.csv': `day,v,label\n2026-01-01,1.5,"${HOSTILE}"\n2026-01-02,2.5,x\nbad,1,y\n` });
    runId = (await h.run(pipeline)).runId;
    app = createDashboard({
      token: TOKEN, database: h.database, lake: h.lake, pipelines: [pipeline], lakePlaces: { cacheDir: h.dir },
      runNow: async (p) => { ran.push(p.name); return 'manual:test'; },
    });
  });
  after(() => h.close());
  const get = (path: string) => app.request(path, { headers: { cookie: `sluice_token=${TOKEN}` } });

  it('answers 401 on every route without the token', async () => {
    for (const path of ['/', '/pipelines/shown', `/runs/${runId}`, `/runs/${runId}/log`, '/data', '/data/public/shown', '/api/series/public/shown?x=day&y=v',
      '/sql', '/metrics', '/healthz', '/events', '/assets/htmx.min.js']) {
      assert.equal((await app.request(path)).status, 401, path);
      assert.equal((await app.request(path, { headers: { cookie: 'sluice_token=wrong' } })).status, 401, path);
    }
    assert.equal((await app.request('/pipelines/shown/run', { method: 'POST' })).status, 401);
  });

  it('takes the token from the printed link once, then from a cookie', async () => {
    const first = await app.request(`/pipelines/shown?token=${TOKEN}`);
    assert.equal(first.status, 302);
    assert.equal(first.headers.get('location'), '/pipelines/shown');
    assert.match(first.headers.get('set-cookie')!, /sluice_token=.*HttpOnly.*SameSite=Strict/);
    assert.equal((await get('/pipelines/shown')).status, 200);
  });

  it('refuses Run now without the CSRF token, and queues a run with it', async () => {
    const refused = await app.request('/pipelines/shown/run', { method: 'POST', headers: { cookie: `sluice_token=${TOKEN}` } });
    assert.equal(refused.status, 403);
    const accepted = await app.request('/pipelines/shown/run', { method: 'POST', headers: { cookie: `sluice_token=${TOKEN}`, 'x-csrf-token': csrfToken(TOKEN) } });
    assert.equal(accepted.status, 202);
    assert.deepEqual(ran, ['shown']);
  });

  it('escapes what it shows: a hostile description or value renders as text', async () => {
    const overview = await (await get('/')).text();
    assert.ok(!overview.includes(HOSTILE) && overview.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    const sql = await app.request('/sql', {
      method: 'POST', headers: { cookie: `sluice_token=${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sql: 'select label from shown order by day', csrf: csrfToken(TOKEN) }).toString(),
    });
    const body = await sql.text();
    assert.equal(sql.status, 200);
    assert.ok(!body.includes(HOSTILE) && body.includes('&lt;script&gt;'));
  });

  it('shows a run with its accounting, rejects and raw objects, and serves only its own raw objects', async () => {
    const page = await (await get(`/runs/${runId}`)).text();
    assert.match(page, /extracted 3 = loaded 2 \+ rejected 1 \+ filtered 0/);
    assert.match(page, /column &quot;day&quot;: &quot;bad&quot; is not a date/);
    const raw = page.match(/href="(\/runs\/[^"]+\/raw\?key=[^"]+)"/)![1]!.replaceAll('&amp;', '&');
    const download = await get(raw);
    assert.equal(download.status, 200);
    assert.match(await download.text(), /^day,v,label/);
    assert.equal((await get(`/runs/${runId}/raw?key=${encodeURIComponent('../../../etc/passwd')}`)).status, 404);
  });

  it('serves chart series, read-only SQL, metrics and health', async () => {
    const series = await (await get('/api/series/public/shown?x=day&y=v')).json() as { x: number[]; series: number[][]; time: boolean };
    assert.deepEqual([series.x.length, series.series[0], series.time], [2, [1.5, 2.5], true]);
    assert.equal((await get('/api/series/public/shown?x=day&y=label')).status, 400, 'only numeric columns are plotted');
    const write = await app.request('/sql', {
      method: 'POST', headers: { cookie: `sluice_token=${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sql: 'drop table shown', csrf: csrfToken(TOKEN) }).toString(),
    });
    assert.equal(write.status, 400);
    assert.match(await write.text(), /read-only transaction/);
    const csv = await app.request('/sql.csv', {
      method: 'POST', headers: { cookie: `sluice_token=${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sql: 'select day, v from shown order by day', csrf: csrfToken(TOKEN) }).toString(),
    });
    assert.match(csv.headers.get('content-disposition')!, /attachment; filename="query.csv"/);
    assert.equal((await csv.text()).replace(/\r/g, ''), 'day,v\n2026-01-01,1.5\n2026-01-02,2.5');
    const metrics = await get('/metrics');
    assert.match(metrics.headers.get('content-type')!, /text\/plain/);
    assert.match(await metrics.text(), /sluice_runs\{pipeline="shown",status="succeeded"\} 1/);
    assert.deepEqual(await (await get('/healthz')).json(), { ok: true });
  });

  it('describes a combine as the SQL that joins its sources, as text', async () => {
    const joined = definePipeline({
      name: 'joined',
      sources: {
        us: { source: files('us*.csv', { dir: 'in' }), columns: { day: col.date({ nullable: false }), v: col.double() } },
        other: { source: files('other*.csv', { dir: 'in' }), columns: { day: col.date({ nullable: false }), w: col.double() } },
      },
      combine: `SELECT day, us.v, other.w FROM us JOIN other USING (day) WHERE '${HOSTILE}' <> ''`,
      destination: postgres.table('joined', { columns: { day: col.date(), v: col.double(), w: col.double() }, write: { mode: 'merge', key: ['day'] } }),
    });
    const page = createDashboard({ token: TOKEN, database: h.database, lake: h.lake, pipelines: [joined], lakePlaces: { cacheDir: h.dir }, runNow: async () => 'manual:test' });
    const body = await (await page.request('/pipelines/joined', { headers: { cookie: `sluice_token=${TOKEN}` } })).text();
    assert.match(body, /<th>combine<\/th><td>one SQL query joins us, other before the load<pre>SELECT day, us\.v, other\.w FROM us JOIN other USING \(day\)/);
    assert.ok(!body.includes(HOSTILE), 'the SQL is escaped');
    assert.doesNotMatch(body, /<th>transform<\/th>/);
  });
});
