import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startCovidFixture } from '../examples/covid/fixture.ts';
import { launchChromium } from './browser.ts';
import { freshDatabase, ROOT, sluiceProcess, tempDir } from './helpers.ts';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');

describe('the dashboard in a real browser', () => {
  let fixture: Awaited<ReturnType<typeof startCovidFixture>>;
  let server: ChildProcess;
  let browser: Browser;
  let url: string;
  let serverLog = '';

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fixture = await startCovidFixture(0, { days: 90 });
    server = sluiceProcess(['start', '--project', path.join(ROOT, 'examples/covid'), '--port', '0'], {
      DATABASE_URL: await freshDatabase(), SLUICE_LAKE: tempDir(), COVID_BASE: fixture.base,
    });
    server.stderr!.setEncoding('utf8').on('data', (chunk: string) => { serverLog += chunk; });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const m = /dashboard: (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      server.once('exit', (code) => reject(new Error(`sluice start exited with ${code}`)));
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    if (server) await new Promise((resolve) => (server.exitCode === null ? server.once('exit', resolve) : resolve(null)));
    await fixture?.close();
  });

  it('opens with the token, runs a pipeline live, shows its run and charts the loaded data', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    assert.equal(new URL(page.url()).search, '', 'the token left the address bar for a cookie');
    await page.waitForSelector('tr[data-pipeline="covid"]');
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview.png') });

    // The run's row refreshes itself on the run events (SSE): no reload.
    for (const pipeline of ['covid']) {
      await page.click(`tr[data-pipeline="${pipeline}"] button:has-text("Run now")`);
      await page.waitForSelector(`tr[data-pipeline="${pipeline}"] .status.succeeded`, { timeout: 30_000 }).catch(async (error: Error) => {
        await page.screenshot({ path: path.join(ARTIFACTS, 'failure.png') });
        throw new Error(`${error.message}\nrow: ${await page.textContent(`tr[data-pipeline="${pipeline}"]`)}\nserver: ${serverLog.slice(-3000)}`);
      });
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview-after-run.png') });

    await page.click('tr[data-pipeline="covid"] .status.succeeded');
    await page.waitForSelector('.accounting');
    assert.match(await page.textContent('.accounting') ?? '', /extracted 179 = loaded 89 \+ rejected 0 \+ filtered 90/);
    await page.waitForFunction(() => (document.querySelector('#log')?.textContent ?? '').includes('run finished'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'run.png'), fullPage: true });

    await page.click('h1 a');
    await page.waitForSelector('div.chart[data-drawn="true"]', { timeout: 15_000 });
    assert.ok(await page.isVisible('div.chart canvas'));
    assert.match(await page.textContent('div.chart') ?? '', /cases.*deaths.*recovered/s);
    await page.screenshot({ path: path.join(ARTIFACTS, 'covid-chart.png'), fullPage: true });
    await page.close();
  });
});
