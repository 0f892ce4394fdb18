import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { NYT_PATH, nytCsv, startCovidFixture } from '../examples/covid/fixture.ts';
import { generateStocks } from '../examples/stocks/generate.ts';
import { generateSuppliers } from '../examples/tpch-supplier/generate.ts';
import { freshDatabase, query, ROOT, sluice, sluiceAsync, tempDir } from './helpers.ts';

describe("the examples' checks", () => {
  let url: string;
  let env: Record<string, string>;
  const run = (project: string, pipeline: string, ...params: string[]) =>
    JSON.parse(sluice(['run', pipeline, '--project', path.join(ROOT, 'examples', project), '--json', ...params.flatMap((p) => ['--param', p])], env).stdout);
  before(async () => {
    url = await freshDatabase();
    env = { DATABASE_URL: url, SLUICE_LAKE: tempDir() };
  });

  it('TPC-H supplier: a drop with a nation key outside 0..24 loads nothing, naming the check and the row; a drop 10x larger loads with a row-count warning', async () => {
    const input = tempDir();
    const dir = await generateSuppliers(input, { sf: 0.01, format: 'tbl', date: '20260201' });
    fs.appendFileSync(path.join(dir, 'supplier.0.tbl'), '101|Supplier#000000101|addr|31|41-100-100-1000|1.00|x|\n');
    const failed = run('tpch-supplier', 'supplier', `input=${input}`);
    assert.equal(failed.status, 'failed');
    // The example stages in its persistent supplier_stage table (as the original did), which keeps no file or line per row.
    assert.equal(failed.error, 'check "s_nationkey in 0..24" failed: 1 of 101 rows are outside 0..24 (first: 31); nothing was loaded');
    // Even the table's creation rolled back with the load.
    assert.deepEqual(await query(url, `SELECT to_regclass('public.supplier_data') AS t`), [{ t: null }]);

    fs.rmSync(path.join(input, 'supplier'), { recursive: true });
    await generateSuppliers(input, { sf: 0.01, format: 'tbl', date: '20260202' });
    const first = run('tpch-supplier', 'supplier', `input=${input}`);
    assert.equal(first.status, 'succeeded', first.error);
    assert.deepEqual(first.checks.map((c: { status: string }) => c.status), ['passed', 'passed', 'passed', 'passed', 'passed']);
    await generateSuppliers(input, { sf: 0.1, format: 'tbl', date: '20260203' });
    const larger = run('tpch-supplier', 'supplier', `input=${input}`);
    assert.equal(larger.status, 'succeeded', larger.error);
    assert.deepEqual(larger.warnings, ['check "row count within 10% of the previous load" warned: 1,000 rows, +900.0% against the previous load\'s 100: more than 10% away']);
  });

  it('stocks: a negative price or a low above the high is a warning on the run, and the rows load', async () => {
    const input = tempDir();
    generateStocks(input, { tickers: 4, days: 30, unlisted: 0 });
    const file = path.join(input, 'Stocks', fs.readdirSync(path.join(input, 'Stocks')).filter((f) => fs.statSync(path.join(input, 'Stocks', f)).size).sort().at(-1)!);
    fs.appendFileSync(file, '2014-01-02,-1.5,10,12,9,100,0\n');
    const result = run('stocks', 'stocks', `input=${input}`);
    assert.equal(result.status, 'succeeded', result.error);
    const line = fs.readFileSync(file, 'utf8').trim().split('\n').length;
    const name = path.basename(file);
    assert.ok(result.warnings.includes(`check "open_value >= 0" warned: 1 of ${result.counts.loaded} rows are outside 0..∞ (first: -1.5 at ${name} line ${line})`), result.warnings.join('\n'));
    assert.ok(result.warnings.some((w: string) => w.startsWith('check "low_value <= high_value" warned: 1 failing row')), result.warnings.join('\n'));
    assert.deepEqual(await query(url, `SELECT count(*)::int AS n FROM historical_stocks_data WHERE open_value < 0`), [{ n: 1 }]);
  });

  it('COVID: a cumulative count lower than the day before is a warning naming the day, and the days load', async () => {
    // Day 5 of the NYT file reports fewer cases than day 4.
    const lines = nytCsv(10).trim().split('\n');
    const [date, , deaths] = lines[6]!.split(',');
    const lowered = Number(lines[5]!.split(',')[1]) - 1;
    lines[6] = [date, lowered, deaths].join(',');
    const fixture = await startCovidFixture(0, { days: 10, serve: { [NYT_PATH]: lines.join('\n') + '\n' } });
    try {
      const out = await sluiceAsync(['run', 'covid', '--project', path.join(ROOT, 'examples/covid'), '--json', '--param', `base=${fixture.base}`], env);
      const result = JSON.parse(out.stdout);
      assert.equal(result.status, 'succeeded', result.error);
      const check = result.checks.find((c: { name: string }) => c.name === 'cases and deaths never decrease day over day');
      assert.deepEqual([check.status, check.failingRows, check.samples.map((r: { date: string }) => r.date)], ['warned', 1, [date]]);
      assert.ok(result.warnings.some((w: string) => w.startsWith('check "cases and deaths never decrease day over day" warned: 1 failing row (first: {')), result.warnings.join('\n'));
      assert.deepEqual(await query(url, 'SELECT cases::int FROM covid_us_daily WHERE date = $1', [date]), [{ cases: lowered }]);
    } finally {
      await fixture.close();
    }
  });
});
