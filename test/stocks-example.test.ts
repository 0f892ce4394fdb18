import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { generateStocks } from '../examples/stocks/generate.ts';
import { freshDatabase, query, ROOT, sluice, tempDir } from './helpers.ts';

const PROJECT = path.join(ROOT, 'examples/stocks');

describe('the stocks example', () => {
  let url: string;
  let input: string;
  let lake: string;
  const env = () => ({ DATABASE_URL: url, SLUICE_LAKE: lake });
  const run = () => sluice(['run', 'stocks', '--project', PROJECT, '--json', '--param', `input=${input}`], env());

  before(async () => {
    url = await freshDatabase();
    input = tempDir();
    lake = tempDir();
    generateStocks(input, { tickers: 12, days: 200, unlisted: 3 });
  });

  it('loads every row of the listed files with derived values, quarantining the empty files and the malformed row', async () => {
    const result = run();
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(json), ['runId', 'pipeline', 'status', 'counts', 'rawObjects', 'durationMs', 'error', 'warnings', 'checks']);
    assert.equal(json.status, 'succeeded');
    // 12 tickers, 3 unlisted, 2 of the listed are empty: 7 files x 200 rows, one of them malformed.
    assert.deepEqual(json.counts, { extracted: 1400, loaded: 1399, rejected: 1, filtered: 0, inserted: 1399, updated: 0, unchanged: 0 });
    assert.equal(json.counts.extracted, json.counts.loaded + json.counts.rejected + json.counts.filtered);
    assert.equal(json.rawObjects.length, 9);
    for (const key of json.rawObjects) assert.ok(fs.existsSync(path.join(lake, key)), `${key} is in the raw zone`);

    const [bad] = await query(url, `SELECT count(*)::int AS n FROM historical_stocks_data
      WHERE abs(value_change - (close_value - open_value)::float8) > 1e-9
         OR (open_value <> 0 AND abs(daily_percent_change - ((close_value - open_value) / open_value * 100)::float8) > 1e-9)`);
    assert.equal(bad!.n, 0);
    const zeroOpen = await query(url, `SELECT daily_percent_change FROM historical_stocks_data WHERE open_value = 0`);
    assert.deepEqual(zeroOpen, [{ daily_percent_change: null }]);
    const companies = await query<{ company_name: string }>(url, 'SELECT DISTINCT company_name FROM historical_stocks_data ORDER BY 1');
    assert.equal(companies.length, 7);

    const rejects = await query(url, 'SELECT source, line, reason FROM sluice.rejects WHERE run_id = $1 ORDER BY seq', [json.runId]);
    assert.deepEqual(rejects, [
      { source: 'ta0.us.txt', line: 1, reason: 'file is empty: expected a header line' },
      { source: 'tb1.us.txt', line: 1, reason: 'file is empty: expected a header line' },
      { source: 'td3.us.txt', line: 22, reason: 'expected 7 fields, found 3' },
    ]);
    const quarantined = fs.readFileSync(path.join(lake, 'rejects/stocks', `${json.runId}.jsonl`), 'utf8').trim().split('\n');
    assert.equal(quarantined.length, 3);
    assert.ok(fs.existsSync(path.join(lake, 'Logs/stocks', `${json.runId}.jsonl`)), 'its log is under Logs/, as the original kept it');
  });

  it('loads nothing twice when run again on the same files', async () => {
    const before = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM historical_stocks_data');
    const json = JSON.parse(run().stdout);
    assert.equal(json.status, 'succeeded');
    assert.equal(json.counts.loaded, 0);
    const after = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM historical_stocks_data');
    assert.equal(after[0]!.n, before[0]!.n);
    const dupes = await query(url, `SELECT company_name, stock_date FROM historical_stocks_data GROUP BY 1, 2 HAVING count(*) > 1`);
    assert.deepEqual(dupes, []);
  });

  it('loads a new file that arrives later, and only that file', async () => {
    fs.writeFileSync(path.join(input, 'Stocks', 'new.us.txt'), 'Date,Open,High,Low,Close,Volume,OpenInt\n2099-01-01,1,2,0.5,1.5,100,0\n');
    fs.appendFileSync(path.join(input, 'top_companies.txt'), ",'new.us.csv'");
    const json = JSON.parse(run().stdout);
    assert.equal(json.counts.loaded, 1);
    const [row] = await query(url, `SELECT company_name, value_change, daily_percent_change FROM historical_stocks_data WHERE stock_date = '2099-01-01'`);
    assert.deepEqual(row, { company_name: 'new', value_change: 0.5, daily_percent_change: 50 });
  });

  it('records every run, readable with `sluice runs`', () => {
    const runs = JSON.parse(sluice(['runs', '--project', PROJECT, '--json'], env()).stdout);
    assert.equal(runs.length, 3);
    assert.ok(runs.every((r: { status: string; stages: unknown[] }) => r.status === 'succeeded' && r.stages.length === 3));
    const text = sluice(['runs', '--project', PROJECT], env()).stdout;
    assert.match(text, /stocks\s+succeeded/);
  });
});
