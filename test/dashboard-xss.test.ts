import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createDashboard } from '../src/dashboard/dashboard.ts';
import { serveDashboard } from '../src/dashboard/serve-dashboard.ts';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import { launchChromium } from './browser.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
const TOKEN = 'xss-test-token-0123456789';
// Each would set window.__xss if the page ran it: as markup in text, and breaking out of an attribute.
const VALUE = `<script>window.__xss='value'</script><img src=x onerror="window.__xss='value'">`;
const DESCRIPTION = `"><img src=x onerror="window.__xss='description'"><script>window.__xss='description'</script>`;
const COLUMN = `"><img src=x onerror=window.__xss=1>`;
const FILE = `<img src=x onerror=window.__xss=2>.csv`;

describe('hostile names and values in a real browser', () => {
  let h: Harness;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveDashboard>>;
  let base: string;
  let runId: string;
  const dialogs: string[] = [];

  before(async () => {
    h = await harness();
    const pipeline = definePipeline({
      name: 'hostile', description: DESCRIPTION, source: files('*.csv', { dir: 'in' }),
      transform: (row: Record<string, string | null>) => ({ day: row.day, label: row.label, [COLUMN]: Number(row.v) }),
      destination: postgres.table('hostile', { columns: { day: col.date(), label: col.text(), [COLUMN]: col.double() } }),
      dashboards: [{ title: VALUE, table: 'hostile', x: 'day', y: [COLUMN] }],
    });
    h.files({ [FILE]: `day,label,v\n2026-01-01,"${VALUE.replaceAll('"', '""')}",1\n2026-01-02,x,2\n2026-01-03,y\n` });
    const result = await h.run(pipeline);
    assert.equal(result.status, 'succeeded', result.error ?? '');
    assert.equal(result.counts.rejected, 1);
    runId = result.runId;
    const app = createDashboard({ token: TOKEN, database: h.database, lake: h.lake, pipelines: [pipeline], lakePlaces: { cacheDir: h.dir }, runNow: async () => 'x' });
    server = await serveDashboard(app, { port: 0, host: '127.0.0.1', token: TOKEN });
    base = new URL(server.url).origin;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  /** Opens `route`, waits for the page (and htmx) to settle, and returns the page. */
  async function open(route: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
    await page.goto(`${base}/?token=${TOKEN}`);
    await page.goto(`${base}${route}`, { waitUntil: 'networkidle' }).catch(() => {});
    await page.waitForLoadState('load');
    return page;
  }

  async function ranNothing(page: Page, route: string) {
    assert.equal(await page.evaluate(() => (window as { __xss?: unknown }).__xss), undefined, `a script ran on ${route}`);
    assert.deepEqual(dialogs, [], `a dialog opened on ${route}`);
    assert.equal(await page.locator('img[src=x]').count(), 0, `an injected element on ${route}`);
  }

  it('shows a hostile pipeline description as text on the overview and the pipeline page', async () => {
    for (const route of ['/', '/pipelines/hostile']) {
      const page = await open(route);
      await ranNothing(page, route);
      assert.ok((await page.innerText('body')).includes(DESCRIPTION), `the description is not shown as text on ${route}`);
      await page.close();
    }
  });

  it('shows a hostile file name as text on the run page (raw objects and rejects)', async () => {
    const route = `/runs/${runId}`;
    const page = await open(route);
    // The live log names the file too, and is fetched after the page loads.
    await page.waitForFunction(() => (document.querySelector('#log')?.textContent ?? '').includes('run finished'));
    await ranNothing(page, route);
    assert.ok((await page.innerText('body')).includes(FILE), 'the file name is not shown as text');
    assert.ok((await page.innerText('#log')).includes(FILE), 'the log does not show the file name as text');
    await page.close();
  });

  it('shows a hostile column name and chart title as text on the data pages', async () => {
    for (const [route, chart] of [['/data', false], [`/data/public/hostile?x=day&y=${encodeURIComponent(COLUMN)}`, true], ['/pipelines/hostile', true]] as const) {
      const page = await open(route);
      // The chart is drawn in the browser (uPlot) from the hostile column's series and the hostile title.
      if (chart) await page.waitForSelector('div.chart[data-drawn="true"]', { timeout: 15_000 });
      await ranNothing(page, route);
      await page.close();
    }
    const page = await open('/data/public/hostile');
    assert.ok((await page.innerText('body')).includes(COLUMN), 'the column name is not shown as text');
    await page.close();
  });

  it('shows hostile values and column names as text in SQL results', async () => {
    const page = await open('/sql');
    await page.fill('textarea[name=sql]', 'select * from hostile order by day');
    await page.click('button:has-text("Run")');
    await page.waitForSelector('#result table');
    await ranNothing(page, '/sql');
    const result = await page.innerText('#result');
    assert.ok(result.includes(VALUE) && result.includes(COLUMN), `the SQL result does not show them as text: ${result}`);
    await page.close();
  });

  it('the checks above would see a script that ran', async () => {
    // The same checks on a page that does run one: they are not blind.
    const page = await open('/sql');
    await page.evaluate((payload) => { document.body.insertAdjacentHTML('beforeend', payload); }, `<img src=x onerror="window.__xss='probe'">`);
    await page.waitForFunction(() => (window as { __xss?: unknown }).__xss === 'probe');
    await assert.rejects(ranNothing(page, 'a probe page'));
    await page.close();
  });
});
