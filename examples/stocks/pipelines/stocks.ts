/**
 * The stock-batch system (SEED-SYSTEMS.md #3): per-company daily price files into one typed table.
 * Original: S3 + AWS Data Pipeline + EC2 + RDS Postgres + SNS + Lambda, started by a `.SUCCESS` marker.
 * Offline: generated sample files. Real: the Kaggle "Huge Stock Market Dataset" folder (Stocks/*.us.txt and
 * top_companies.txt): npx sluice run stocks --project examples/stocks --param input=/path/to/stocks
 */
import fs from 'node:fs';
import path from 'node:path';
import { col, definePipeline, email, files, onFile, postgres } from 'sluice';

const PROJECT = path.resolve(import.meta.dirname, '..');

/** Tickers named in `top_companies.txt`: one line of quoted names like `'aapl.us.csv'` (while the files end in `.us.txt`). */
export function listedTickers(file: string): Set<string> {
  if (!fs.existsSync(file)) throw new Error(`the company list ${file} does not exist`);
  const names = [...fs.readFileSync(file, 'utf8').matchAll(/'([^']+)'/g)].map((m) => ticker(m[1]!));
  return new Set(names);
}

/** `AAPL.us.txt` -> `aapl` */
export function ticker(fileName: string): string {
  return path.basename(fileName).trim().toLowerCase().replace(/\.us\.(csv|txt)$/, '');
}

export default definePipeline({
  name: 'stocks',
  description: 'Daily prices of the listed companies, with the day change and percent change',
  // `input` holds Stocks/*.us.txt and top_companies.txt; point it at your own: --param input=/data/stocks
  // (or STOCKS_INPUT=/data/stocks, which `sluice start` also watches).
  params: { input: process.env.STOCKS_INPUT ?? 'sample' },
  // Under `sluice start`: a `.SUCCESS` marker uploaded into the monitored folder releases the batch, once a day.
  trigger: onFile('.SUCCESS', { dir: path.resolve(PROJECT, process.env.STOCKS_INPUT ?? 'sample'), atMost: '1/day' }),
  // The original kept its logs in a Logs/ folder of the bucket.
  logsPrefix: 'Logs',
  source: ({ input }) => {
    const folder = path.resolve(PROJECT, input);
    const wanted = listedTickers(path.join(folder, 'top_companies.txt'));
    return files('*.us.txt', {
      dir: path.join(folder, 'Stocks'),
      select: (file) => wanted.has(ticker(file.name)),
      columns: {
        Date: col.date({ nullable: false }), Open: col.double(), High: col.double(), Low: col.double(),
        Close: col.double(), Volume: col.bigint(), OpenInt: col.bigint(),
      },
    });
  },
  transform: (row, ctx) => ({
    stock_date: row.Date,
    open_value: row.Open,
    high_value: row.High,
    low_value: row.Low,
    close_value: row.Close,
    volume_traded: row.Volume,
    value_change: row.Close === null || row.Open === null ? null : row.Close - row.Open,
    // An Open of 0 has no percent change: null, not Infinity.
    daily_percent_change: row.Close === null || !row.Open ? null : ((row.Close - row.Open) / row.Open) * 100,
    company_name: ticker(ctx.file.name),
  }),
  destination: postgres.table('historical_stocks_data', {
    columns: {
      stock_date: col.date({ nullable: false }),
      open_value: col.numeric(),
      high_value: col.numeric(),
      low_value: col.numeric(),
      close_value: col.numeric(),
      volume_traded: col.bigint(),
      value_change: col.double(),
      daily_percent_change: col.double(),
      company_name: col.text({ nullable: false }),
    },
    write: { mode: 'append' },
  }),
  // An email on every attempted run, as the original sent: set SLUICE_SMTP_URL (smtp://user:pass@host:port) and
  // STOCKS_ALERT_TO to turn it on.
  // The original warned that input files may be corrupted: these say so on the run, without refusing the load.
  checks: [
    { kind: 'range', column: ['open_value', 'high_value', 'low_value', 'close_value', 'volume_traded'], min: 0, warn: true },
    { kind: 'range', column: 'stock_date', max: 'now', name: 'stock_date not in the future', warn: true },
    { kind: 'sql', name: 'low_value <= high_value', query: 'SELECT * FROM {{staged}} AS s WHERE s.low_value > s.high_value', warn: true },
  ],
  dashboards: [{ title: 'Close price by company', table: 'historical_stocks_data', x: 'stock_date', y: ['close_value'], group: 'company_name' }],
  alerts: process.env.STOCKS_ALERT_TO
    ? email({ to: process.env.STOCKS_ALERT_TO, subject: 'Stocks_Team_Pipeline_{{Status}}', on: ['success', 'failure'] })
    : [],
});
