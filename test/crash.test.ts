import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { generateStocks } from '../examples/stocks/generate.ts';
import { freshDatabase, query, ROOT, sluice, sluiceProcess, tempDir } from './helpers.ts';

describe('a run killed during its load', () => {
  it('leaves no partial rows, and the next run loads everything exactly once', async () => {
    const url = await freshDatabase();
    const input = tempDir();
    const env = { DATABASE_URL: url, SLUICE_LAKE: tempDir() };
    const { rows } = generateStocks(input, { tickers: 40, days: 6000, unlisted: 0 });
    const args = ['run', 'stocks', '--project', path.join(ROOT, 'examples/stocks'), '--json', '--param', `input=${input}`];

    const child = sluiceProcess(args, env);
    // Wait until the COPY is streaming, then kill the process without warning.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const copying = await query(url, `SELECT 1 FROM pg_stat_activity WHERE query LIKE 'COPY %historical_stocks_data%' AND state <> 'idle'`);
      if (copying.length) break;
      assert.ok(Date.now() < deadline, 'the load never started');
      assert.equal(child.exitCode, null, 'the run ended before it could be killed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));

    const table = await query(url, `SELECT to_regclass('public.historical_stocks_data') AS t`);
    const visible = table[0]!.t ? (await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM historical_stocks_data'))[0]!.n : 0;
    assert.equal(visible, 0, 'no row of the killed load is visible');
    assert.deepEqual(await query(url, 'SELECT * FROM sluice.loaded_objects'), []);

    const rerun = sluice(args, env);
    const json = JSON.parse(rerun.stdout);
    assert.equal(json.status, 'succeeded', rerun.stderr);
    const expected = rows - 1; // the malformed row is quarantined
    assert.equal(json.counts.loaded, expected);
    const [count] = await query<{ n: number; distinct: number }>(url,
      'SELECT count(*)::int AS n, count(DISTINCT (company_name, stock_date))::int AS distinct FROM historical_stocks_data');
    assert.deepEqual(count, { n: expected, distinct: expected });
    const ledger = await query(url, 'SELECT run_key FROM sluice.ledger');
    assert.equal(ledger.length, 1);
  });
});
