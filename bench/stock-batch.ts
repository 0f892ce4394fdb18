/**
 * The stock-batch shape: 1,000 per-company files in the Kaggle layout through the stocks example's own pipeline
 * and transform, against `psql \copy` of the very same output rows (CSV and binary) and `\copy` + one
 * `INSERT ... ON CONFLICT` for the merge.
 */
import fs from 'node:fs';
import path from 'node:path';
import { seeded, psql, settled, sluice, type Measured } from './bench-tools.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const TABLE = 'historical_stocks_data';
const KEY = 'company_name, stock_date';
const VALUES = ['open_value', 'high_value', 'low_value', 'close_value', 'volume_traded', 'value_change', 'daily_percent_change'];

/**
 * Writes `Stocks/<ticker>.us.txt` files as the Kaggle set has them (header Date,Open,High,Low,Close,Volume,OpenInt;
 * a few hundred to ~10,000 trading days each, prices with up to 4 decimals) and a `top_companies.txt` listing all.
 */
export function generateStockBatch(dir: string, files: number, maxDays: number): { files: number; rows: number } {
  const random = seeded(13);
  fs.mkdirSync(path.join(dir, 'Stocks'), { recursive: true });
  const names: string[] = [];
  let rows = 0;
  for (let f = 0; f < files; f++) {
    const ticker = `s${f.toString(36).padStart(3, '0')}`;
    names.push(ticker);
    // Skewed like the real set: most companies have a few thousand days, a few have ten thousand.
    const days = Math.round(maxDays * 0.03 + maxDays * 0.97 * random() ** 3);
    const day = new Date(Date.UTC(2017, 10, 10) - days * 1.45 * 86_400_000);
    let close = 1 + random() * 150;
    const lines = ['Date,Open,High,Low,Close,Volume,OpenInt'];
    const p = (n: number) => String(+n.toFixed(4));
    for (let d = 0; d < days; d++) {
      // Weekdays only, as markets trade.
      do day.setUTCDate(day.getUTCDate() + 1); while (day.getUTCDay() % 6 === 0);
      const [open, next] = [close * (0.99 + random() * 0.02), close * (0.97 + random() * 0.06)];
      const spread = [Math.max(open, next) * (1 + random() / 100), Math.min(open, next) * (1 - random() / 100)];
      lines.push([day.toISOString().slice(0, 10), p(open), p(spread[0]!), p(spread[1]!), p(next), Math.floor(random() * 5e6), 0].join(','));
      close = next;
    }
    const text = lines.join('\n') + '\n';
    rows += days;
    fs.writeFileSync(path.join(dir, 'Stocks', `${ticker}.us.txt`), text);
  }
  fs.writeFileSync(path.join(dir, 'top_companies.txt'), names.map((t) => `'${t}.us.csv'`).join(', ') + '\n');
  return { files, rows };
}

/** A project running the example's pipeline as shipped, and the same pipeline merging into another table. */
function stockProject(dir: string, url: string): void {
  fs.mkdirSync(path.join(dir, 'pipelines'), { recursive: true });
  const example = JSON.stringify(path.join(ROOT, 'examples/stocks/pipelines/stocks.ts'));
  fs.writeFileSync(path.join(dir, 'pipelines/stocks.ts'), `export { default } from ${example};\n`);
  // The same definition (source, transform, columns), merging on its natural key; two names, so the second run's
  // content is not skipped as already loaded and every row comes back unchanged.
  for (const name of ['stocks-merge', 'stocks-merge-again']) {
    fs.writeFileSync(path.join(dir, `pipelines/${name}.ts`), `import { postgres } from 'sluice';
import stocks from ${example};
export default Object.freeze({ ...stocks, name: '${name}', destination: postgres.table('stocks_merge', {
  columns: stocks.destination.columns, write: { mode: 'merge', key: ['company_name', 'stock_date'] } }) });\n`);
  }
  fs.writeFileSync(path.join(dir, 'sluice.config.ts'), `export default { database: { url: ${JSON.stringify(url)} }, lake: 'lake' };\n`);
}

/** The stock batch's figures: each sluice run and its reference, measured in this run. */
export interface StockBatchResult {
  readonly files: number;
  readonly rows: number;
  readonly psqlCopyCsv: number;
  readonly psqlCopyBinary: number;
  readonly mergeReference: number;
  readonly mergeUnchangedReference: number;
  readonly append: Measured;
  readonly merge: Measured;
  readonly mergeUnchanged: Measured;
}

/** Runs the stock batch from `input` (a folder with Stocks/ and top_companies.txt) into database `url`. */
export function benchStockBatch(work: string, input: string, url: string, files: number): StockBatchResult {
  const dir = path.join(work, 'stocks-project');
  stockProject(dir, url);
  const param = `input=${input}`;
  const append = settled(url, () => sluice(dir, 'stocks', [param]));
  // The reference loads exactly the rows sluice produced, as psql would from a CSV (or binary) file.
  const csv = path.join(work, 'stocks-out.csv');
  const bin = path.join(work, 'stocks-out.bin');
  psql(url, work, `\\copy ${TABLE} TO '${csv}' CSV\n\\copy ${TABLE} TO '${bin}' BINARY\n`);
  psql(url, work, `CREATE TABLE ref_csv (LIKE ${TABLE});\nCREATE TABLE ref_bin (LIKE ${TABLE});\n`);
  const psqlCopyCsv = settled(url, () => psql(url, work, `\\copy ref_csv FROM '${csv}' CSV\n`));
  const psqlCopyBinary = settled(url, () => psql(url, work, `\\copy ref_bin FROM '${bin}' BINARY\n`));
  const mergeScript = `BEGIN;
CREATE TEMP TABLE stage (LIKE ref_merge) ON COMMIT DROP;
\\copy stage FROM '${csv}' CSV
INSERT INTO ref_merge AS t SELECT * FROM stage ON CONFLICT (${KEY}) DO UPDATE SET
  ${VALUES.map((v) => `${v} = EXCLUDED.${v}`).join(', ')}
  WHERE (${VALUES.map((v) => `t.${v}`).join(', ')}) IS DISTINCT FROM (${VALUES.map((v) => `EXCLUDED.${v}`).join(', ')});
COMMIT;
`;
  psql(url, work, `CREATE TABLE ref_merge (LIKE ${TABLE}, PRIMARY KEY (${KEY}));\n`);
  const mergeReference = settled(url, () => psql(url, work, mergeScript));
  const mergeUnchangedReference = settled(url, () => psql(url, work, mergeScript));
  const merge = settled(url, () => sluice(dir, 'stocks-merge', [param]));
  const mergeUnchanged = settled(url, () => sluice(dir, 'stocks-merge-again', [param]));
  fs.rmSync(csv);
  fs.rmSync(bin);
  return { files, rows: append.rows, psqlCopyCsv, psqlCopyBinary, mergeReference, mergeUnchangedReference, append, merge, mergeUnchanged };
}
