/**
 * `npm start`: runs the example pipelines offline on the embedded defaults, then serves their dashboard. It
 * generates the sample files the file-based examples read, starts local stand-ins for the APIs the others call,
 * runs each pipeline once with the `sluice` command, says where to look, and serves the dashboard until Ctrl-C.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURE_API_KEY, startWeatherFixture } from './api-to-parquet/fixture.ts';
import { startCovidFixture } from './covid/fixture.ts';
import { FIXTURE_CLIENT, startRedditFixture } from './reddit-hot/fixture.ts';
import { generateStocks } from './stocks/generate.ts';
import { generateSuppliers } from './tpch-supplier/generate.ts';

const root = path.resolve(import.meta.dirname, '..');
const [reddit, covid, weather] = await Promise.all([startRedditFixture(0), startCovidFixture(0), startWeatherFixture(0)]);
// The examples' API stand-ins and their credentials, for the runs here and for "Run now" on the dashboard.
const env = {
  ...process.env, REDDIT_CLIENT_ID: FIXTURE_CLIENT.id, REDDIT_CLIENT_SECRET: FIXTURE_CLIENT.secret, WEATHER_API_KEY: FIXTURE_API_KEY,
  REDDIT_API: reddit.base, REDDIT_AUTH: reddit.base, COVID_BASE: covid.base, WEATHER_API: weather.base,
};

/** Runs `sluice run` without blocking this process, which serves the API stand-ins. */
function sluice(args: string[], quiet: boolean): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/sluice.js'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; if (!quiet) process.stdout.write(c); });
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

const stocks = path.join(root, 'examples/stocks/sample');
if (!fs.existsSync(stocks)) {
  const { files, rows } = generateStocks(stocks);
  console.log(`generated ${files} stock files (${rows.toLocaleString('en-US')} rows) in examples/stocks/sample`);
}
const suppliers = path.join(root, 'examples/tpch-supplier/sample');
if (!fs.existsSync(suppliers)) await generateSuppliers(suppliers, { sf: 0.1 });

const runs: [string, string, string[]][] = [
  ['stocks', 'stocks', []],
  ['tpch-supplier', 'supplier', []],
  ['reddit-hot', 'reddit-hot', []],
  ['covid', 'covid', []],
  ['api-to-parquet', 'weather', []],
];
let failed = 0;
for (const [project, pipeline, params] of runs) {
  const args = ['run', pipeline, '--project', `examples/${project}`, ...params.flatMap((p) => ['--param', p])];
  if (pipeline === 'stocks') {
    failed += (await sluice(args, false)).status === 0 ? 0 : 1;
    continue;
  }
  const { status, stdout } = await sluice([...args, '--json'], true);
  const result = JSON.parse(stdout || '{}');
  const c = result.counts ?? {};
  console.log(`${pipeline}: ${result.status ?? 'did not run'} — extracted ${c.extracted}, inserted ${c.inserted}, updated ${c.updated}, unchanged ${c.unchanged}` +
    `${result.error ? ` — ${result.error}` : ''}`);
  if (status !== 0) failed++;
}
console.log(`
Look at the loaded data (all examples share one embedded Postgres and one lake in examples/.sluice):
  npx sluice query "select company_name, count(*), max(close_value) from historical_stocks_data group by 1 order by 1 limit 5" --project examples/stocks
  npx sluice query "select date, cases, deaths, recovered from covid_us_daily order by date desc limit 5" --project examples/covid
  npx sluice query "select station, temperature_c, dt from observations" --lake --project examples/api-to-parquet
  npx sluice runs --project examples/stocks
Run the stocks example on the real data set:
  npx sluice run stocks --project examples/stocks --param input=/path/to/folder-with-Stocks-and-top_companies.txt
`);

// The dashboard of every example, until Ctrl-C (the API stand-ins keep answering, so "Run now" works).
const ui = spawn(process.execPath, [path.join(root, 'bin/sluice.js'), 'ui', '--project', 'examples/all', ...(process.env.SLUICE_DEMO_PORT ? ['--port', process.env.SLUICE_DEMO_PORT] : [])],
  { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
const stop = () => ui.kill('SIGTERM');
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
await new Promise((resolve) => ui.once('exit', resolve));
await Promise.all([reddit.close(), covid.close(), weather.close()]);
process.exitCode = failed ? 1 : 0;
