/** `npm start`: generates the examples' sample data, runs them on the embedded defaults, and says where to look. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { generateStocks } from './stocks/generate.ts';

const root = path.resolve(import.meta.dirname, '..');
const sluice = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/sluice.js'), ...args], { stdio: 'inherit', cwd: root });

const sample = path.join(root, 'examples/stocks/sample');
if (!fs.existsSync(sample)) {
  const { files, rows } = generateStocks(sample);
  console.log(`generated ${files} stock files (${rows.toLocaleString('en-US')} rows) in examples/stocks/sample\n`);
}
const run = sluice('run', 'stocks', '--project', 'examples/stocks');
console.log(`
Look at the loaded table:
  npx sluice query "select company_name, count(*), min(stock_date), max(stock_date) from historical_stocks_data group by 1 order by 1 limit 10" --project examples/stocks
  npx sluice runs --project examples/stocks
Run it on the real data set:
  npx sluice run stocks --project examples/stocks --param input=/path/to/folder-with-Stocks-and-top_companies.txt
`);
process.exitCode = run.status ?? 1;
