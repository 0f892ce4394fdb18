/** Writes sample input in the stock-batch system's original layout: `Stocks/<ticker>.us.txt` files and `top_companies.txt`. */
import fs from 'node:fs';
import path from 'node:path';

export interface StocksSample {
  /** How many ticker files (2 of them empty, as in the real data set). */
  readonly tickers?: number;
  /** Trading days per ticker. */
  readonly days?: number;
  /** Tickers left out of top_companies.txt, so the pipeline must skip them. */
  readonly unlisted?: number;
  readonly seed?: number;
}

/** Generates a deterministic sample into `dir`: the same options always write the same bytes. */
export function generateStocks(dir: string, options: StocksSample = {}): { files: number; rows: number } {
  const { tickers = 40, days = 1000, unlisted = 5, seed = 42 } = options;
  const random = mulberry32(seed);
  const stocks = path.join(dir, 'Stocks');
  fs.mkdirSync(stocks, { recursive: true });
  const names = Array.from({ length: tickers }, (_, i) => `t${String.fromCharCode(97 + (i % 26))}${i.toString(36)}`);
  let rows = 0;
  names.forEach((ticker, i) => {
    const file = path.join(stocks, `${ticker}.us.txt`);
    if (i < 2) return fs.writeFileSync(file, ''); // the real data set has empty files
    const lines = ['Date,Open,High,Low,Close,Volume,OpenInt'];
    let price = 5 + random() * 200;
    const day = new Date(Date.UTC(2013, 0, 2));
    for (let d = 0; d < days; d++) {
      while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
      const open = price * (1 + (random() - 0.5) * 0.02);
      const close = open * (1 + (random() - 0.5) * 0.04);
      const high = Math.max(open, close) * (1 + random() * 0.01);
      const low = Math.min(open, close) * (1 - random() * 0.01);
      const fixed = (n: number) => n.toFixed(4);
      // One row with Open = 0 (as in the real data) and one malformed row, so quarantine and null handling show.
      if (i === 2 && d === 10) lines.push(`${day.toISOString().slice(0, 10)},0,${fixed(high)},0,${fixed(close)},0,0`);
      else if (i === 3 && d === 20) lines.push(`${day.toISOString().slice(0, 10)},${fixed(open)},${fixed(high)}`);
      else lines.push(`${day.toISOString().slice(0, 10)},${fixed(open)},${fixed(high)},${fixed(low)},${fixed(close)},${Math.floor(random() * 5e6)},0`);
      rows++;
      price = close;
      day.setUTCDate(day.getUTCDate() + 1);
    }
    fs.writeFileSync(file, lines.join('\n') + '\n');
  });
  // The original list: ONE line of quoted names ending in .us.csv, comma-separated, the last separator without a space.
  const listed = names.slice(0, tickers - unlisted).map((t) => `'${t}.us.csv'`);
  fs.writeFileSync(path.join(dir, 'top_companies.txt'), `${listed.slice(0, -1).join(', ')},${listed.at(-1)}\n`);
  return { files: tickers, rows };
}

/** A small seeded PRNG, so samples are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (import.meta.main) {
  const dir = process.argv[2] ?? path.join(import.meta.dirname, 'sample');
  const { files, rows } = generateStocks(dir, { tickers: Number(process.argv[3] ?? 40), days: Number(process.argv[4] ?? 1000) });
  console.log(`wrote ${files} ticker files (${rows.toLocaleString('en-US')} rows) and top_companies.txt to ${dir}`);
}
