/**
 * `npm run bench [-- --quick] [-- --rows 1000000,5000000] [-- --files 1000] [-- --input DIR] [-- --repeat 2]`: sluice's load speed
 * and memory on the shapes users run, each as a ratio against its reference run in the same bench run on the same
 * database, with the peak RSS of the sluice process:
 * - the stock batch: 1,000 per-company files (generated in the Kaggle layout, or `--input` a folder holding
 *   Stocks/ and top_companies.txt) through the stocks example's pipeline and transform, against `psql \copy` of
 *   the same output rows as CSV and as binary, and `\copy` + one `INSERT ... ON CONFLICT` for merge;
 * - one file of 1M and 5M rows, without a transform and through a JS transform, append and merge (fresh and
 *   all-unchanged), against `psql \copy` and `\copy` + one `INSERT ... ON CONFLICT`.
 * Each shape and its reference run `--repeat` times (2; 1 with `--quick`), the fastest of each counting.
 * `--quick` runs small sizes, for iterating. Needs `psql` (Debian: postgresql-client). Writes bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres } from '../src/database/embedded-postgres.ts';
import type { Measured } from './bench-tools.ts';
import { benchSingleFile, type SingleFileResult } from './single-file.ts';
import { benchStockBatch, generateStockBatch, type StockBatchResult } from './stock-batch.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const arg = (name: string) => process.argv.find((_, i) => process.argv[i - 1] === `--${name}`);
const quick = process.argv.includes('--quick');
const sizes = (arg('rows') ?? (quick ? '100000,300000' : '1000000,5000000')).split(',').map(Number);
const files = Number(arg('files') ?? (quick ? 100 : 1000));
const input = arg('input');
const repeat = Number(arg('repeat') ?? (quick ? 1 : 2));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
fs.chmodSync(work, 0o755);

const server = await ensureEmbeddedPostgres(path.join(work, '.sluice'));
async function database(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return Object.assign(new URL(server.url), { pathname: `/${name}` }).toString();
}

/**
 * The better of two rounds' figures, key by key: the lower time, the higher peak RSS (the bar is a maximum), the
 * higher rate of the naive INSERT; counts (`rows`, `files`) as they are.
 */
function fastest<T>(a: T | undefined, b: T): T {
  if (a === undefined) return b;
  const pick = (x: unknown, y: unknown, key: string): unknown => {
    if (typeof x === 'number' && typeof y === 'number') {
      return key === 'rows' || key === 'files' ? y : key === 'peakRssMb' || key === 'naiveRowsPerS' ? Math.max(x, y) : Math.min(x, y);
    }
    if (x && y && typeof x === 'object') return Object.fromEntries(Object.keys(y).map((k) => [k, pick((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], k)]));
    return y;
  };
  return pick(a, b, '') as T;
}

let stocks: StockBatchResult | undefined;
const single: SingleFileResult[] = [];
try {
  const folder = input ? path.resolve(input) : path.join(work, 'stocks-input');
  const generated = input ? undefined : generateStockBatch(folder, files, quick ? 3000 : 10_000);
  const count = generated?.files ?? fs.readdirSync(path.join(folder, 'Stocks')).length;
  // Every shape and its reference are measured `repeat` times, each time on a database of its own; the fastest
  // time of each counts (and the highest peak RSS): the machine's speed drifts, and a slow spell is not the code.
  for (let round = 1; round <= repeat; round++) {
    process.stderr.write(`round ${round} of ${repeat}: stock batch: ${count} files${generated ? ` (${generated.rows.toLocaleString('en-US')} rows, generated)` : ` from ${folder}`}: measuring...\n`);
    stocks = fastest(stocks, benchStockBatch(work, folder, await database(`bench_stocks_${round}`), count));
    for (const [i, rows] of sizes.entries()) single[i] = fastest(single[i], await benchSingleFile(work, await database(`bench_${rows}_${round}`), rows, quick ? 2000 : 10_000));
  }
} finally {
  execFileSync(process.execPath, [path.join(ROOT, 'bin/sluice.js'), 'db', 'stop', '--project', work]);
  fs.rmSync(work, { recursive: true, force: true });
}

const rate = (rows: number, ms: number) => Math.round((rows / ms) * 1000);
const ratio = (referenceMs: number, m: Measured) => +(referenceMs / m.ms).toFixed(2);
const mb = (m: Measured) => Math.round(m.peakRssMb);
/** One printed line: shape, rows, reference, its rate, sluice's rate, the ratio, the target, peak RSS. */
const lines: (string | number)[][] = [];
const line = (shape: string, rows: number, reference: string, referenceMs: number, m: Measured, target: string) =>
  lines.push([shape, rows, reference, rate(rows, referenceMs), rate(rows, m.ms), ratio(referenceMs, m), target, mb(m)]);

const s = stocks!;
const stockBatch = {
  files: s.files, rows: s.rows,
  psqlCopyCsvRowsPerS: rate(s.rows, s.psqlCopyCsv), psqlCopyBinaryRowsPerS: rate(s.rows, s.psqlCopyBinary),
  appendRowsPerS: rate(s.rows, s.append.ms), appendRatio: ratio(s.psqlCopyCsv, s.append), appendBinaryRatio: ratio(s.psqlCopyBinary, s.append),
  appendPeakRssMb: mb(s.append),
  mergeReferenceRowsPerS: rate(s.rows, s.mergeReference), mergeRowsPerS: rate(s.rows, s.merge.ms), mergeRatio: ratio(s.mergeReference, s.merge),
  mergePeakRssMb: mb(s.merge),
  mergeUnchangedReferenceRowsPerS: rate(s.rows, s.mergeUnchangedReference), mergeUnchangedRowsPerS: rate(s.rows, s.mergeUnchanged.ms),
  mergeUnchangedRatio: ratio(s.mergeUnchangedReference, s.mergeUnchanged), mergeUnchangedPeakRssMb: mb(s.mergeUnchanged),
};
line(`stock batch (${s.files} files), append`, s.rows, 'psql \\copy CSV', s.psqlCopyCsv, s.append, '>= 0.9');
line(`stock batch (${s.files} files), append`, s.rows, 'psql \\copy BINARY', s.psqlCopyBinary, s.append, '-');
line(`stock batch (${s.files} files), merge`, s.rows, '\\copy + ON CONFLICT', s.mergeReference, s.merge, '>= 0.9');
line(`stock batch (${s.files} files), merge unchanged`, s.rows, '\\copy + ON CONFLICT', s.mergeUnchangedReference, s.mergeUnchanged, '>= 0.9');

const singleFile = single.map((r) => {
  const { runs } = r;
  line('no transform, append', r.rows, 'psql \\copy CSV', r.psqlCopy, runs.append, '>= 0.8');
  line('no transform, merge', r.rows, '\\copy + ON CONFLICT', r.mergeReference, runs.merge, '>= 0.8');
  line('no transform, merge unchanged', r.rows, '\\copy + ON CONFLICT', r.mergeUnchangedReference, runs.mergeUnchanged, '>= 0.8');
  line('JS transform, append', r.rows, 'psql \\copy CSV', r.psqlCopy, runs.transformAppend, '>= 0.9');
  line('JS transform, merge', r.rows, '\\copy + ON CONFLICT', r.mergeReference, runs.transformMerge, '>= 0.9');
  line('JS transform, merge unchanged', r.rows, '\\copy + ON CONFLICT', r.mergeUnchangedReference, runs.transformMergeUnchanged, '>= 0.9');
  const figures: Record<string, number> = {
    rows: r.rows, psqlCopyRowsPerS: rate(r.rows, r.psqlCopy), mergeReferenceRowsPerS: rate(r.rows, r.mergeReference),
    mergeUnchangedReferenceRowsPerS: rate(r.rows, r.mergeUnchangedReference),
  };
  const reference = { append: r.psqlCopy, merge: r.mergeReference, mergeUnchanged: r.mergeUnchangedReference,
    transformAppend: r.psqlCopy, transformMerge: r.mergeReference, transformMergeUnchanged: r.mergeUnchangedReference };
  for (const [name, m] of Object.entries(runs)) {
    figures[`${name}RowsPerS`] = rate(r.rows, m.ms);
    figures[`${name}Ratio`] = ratio(reference[name as keyof typeof reference], m);
    figures[`${name}PeakRssMb`] = mb(m);
  }
  figures.naiveInsertRowsPerS = Math.round(r.naiveRowsPerS);
  figures.naiveRatio = +(r.naiveRowsPerS / rate(r.rows, r.psqlCopy)).toFixed(3);
  return figures;
});
/** Peak RSS growth from the smallest to the largest file, per shape (target < 20%). */
const rssGrowthPercent = singleFile.length > 1 ? Object.fromEntries(Object.keys(single[0]!.runs).map((name) => {
  const [first, last] = [singleFile[0]![`${name}PeakRssMb`]!, singleFile.at(-1)![`${name}PeakRssMb`]!];
  return [`${name}PeakRssGrowthPercent`, Math.round(((last - first) / first) * 100)];
})) : {};

const header = ['shape', 'rows', 'reference', 'ref rows/s', 'sluice rows/s', 'ratio', 'target', 'peak RSS MB'];
const shown = lines.map((l) => l.map((v) => (typeof v === 'number' && v >= 10_000 ? v.toLocaleString('en-US') : String(v))));
const widths = header.map((h, i) => Math.max(h.length, ...shown.map((l) => l[i]!.length)));
console.log(`sluice against its reference in the same run (ratio = reference time / sluice time); peak RSS of the sluice process (target < 200 MB)`);
for (const l of [header, ...shown]) console.log(l.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
for (const [name, growth] of Object.entries(rssGrowthPercent)) console.log(`${name} (${sizes[0]} -> ${sizes.at(-1)} rows): ${growth}% (target < 20%)`);

const json = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, quick, repeat, stockBatch, singleFile, rssGrowthPercent };
fs.writeFileSync(path.join(ROOT, `bench/results/${quick ? 'quick' : 'latest'}.json`), JSON.stringify(json, null, 2) + '\n');
