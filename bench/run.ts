/**
 * `npm run bench [-- --rows 1000000,5000000]`: sluice's load speed and memory as ratios against references run
 * in the same process run on the same database: `psql \copy` (append), `psql \copy` into staging plus one
 * INSERT ... ON CONFLICT (merge), and a naive row-by-row INSERT. Needs `psql` (Debian: postgresql-client).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres } from '../src/database/embedded-postgres.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const sizes = (process.argv.find((a, i) => process.argv[i - 1] === '--rows') ?? '1000000,5000000').split(',').map(Number);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
fs.chmodSync(work, 0o755);

const COLUMNS = `stock_date date NOT NULL, open_value numeric, high_value numeric, low_value numeric, close_value numeric,
  volume_traded bigint, company_name text NOT NULL`;
const KEY = 'company_name, stock_date';

/** A stock-like CSV: `rows` rows over 1000 companies, deterministic. */
function generate(file: string, rows: number): void {
  const out = fs.openSync(file, 'w');
  let chunk = 'stock_date,open_value,high_value,low_value,close_value,volume_traded,company_name\n';
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const perCompany = Math.ceil(rows / 1000);
  for (let i = 0; i < rows; i++) {
    const company = `c${String(Math.floor(i / perCompany)).padStart(4, '0')}`;
    const day = new Date(Date.UTC(1990, 0, 1) + (i % perCompany) * 86_400_000).toISOString().slice(0, 10);
    const open = 10 + rand() * 500;
    const close = open * (0.95 + rand() * 0.1);
    chunk += `${day},${open.toFixed(4)},${(Math.max(open, close) * 1.01).toFixed(4)},${(Math.min(open, close) * 0.99).toFixed(4)},${close.toFixed(4)},${Math.floor(rand() * 1e7)},${company}\n`;
    if (chunk.length > 1 << 20) { fs.writeSync(out, chunk); chunk = ''; }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

function project(dir: string, csv: string, url: string): void {
  fs.mkdirSync(path.join(dir, 'pipelines'), { recursive: true });
  const columns = `{ stock_date: col.date({ nullable: false }), open_value: col.numeric(), high_value: col.numeric(), low_value: col.numeric(),
    close_value: col.numeric(), volume_traded: col.bigint(), company_name: col.text({ nullable: false }) }`;
  const pipeline = (name: string, table: string, write: string, transform = '') => `import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: '${name}', source: files(${JSON.stringify(path.basename(csv))}, { dir: ${JSON.stringify(path.dirname(csv))} }),
  ${transform}destination: postgres.table('${table}', { columns: ${columns}, write: ${write} }) });\n`;
  fs.writeFileSync(path.join(dir, 'pipelines/append.ts'), pipeline('append', 'sluice_append', `{ mode: 'append' }`));
  // The same load through a JS transform: every value parsed, checked and encoded to COPY text in JS.
  fs.writeFileSync(path.join(dir, 'pipelines/append-js.ts'), pipeline('append-js', 'sluice_append_js', `{ mode: 'append' }`,
    `transform: (row) => ({ ...row, company_name: row.company_name?.toUpperCase() }) as never,\n  `));
  fs.writeFileSync(path.join(dir, 'pipelines/merge.ts'), pipeline('merge', 'sluice_merge', `{ mode: 'merge', key: ['company_name', 'stock_date'] }`));
  fs.writeFileSync(path.join(dir, 'pipelines/merge-again.ts'), pipeline('merge-again', 'sluice_merge', `{ mode: 'merge', key: ['company_name', 'stock_date'] }`));
  fs.writeFileSync(path.join(dir, 'sluice.config.ts'), `export default { database: { url: ${JSON.stringify(url)} }, lake: 'lake' };\n`);
}

function sluice(dir: string, name: string): { ms: number; peakRssMb: number; rows: number } {
  const out = spawnSync(process.execPath, [path.join(ROOT, 'bench/measure-sluice.ts'), dir, name], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const result = JSON.parse(out.stdout.trim().split('\n').at(-1)!);
  if (result.status !== 'succeeded') throw new Error(`${name}: ${result.error}`);
  return { ms: result.ms, peakRssMb: result.peakRssMb, rows: result.counts.loaded };
}

function psql(url: string, script: string): number {
  const file = path.join(work, 'script.sql');
  fs.writeFileSync(file, script);
  const started = performance.now();
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-f', file], { stdio: 'pipe' });
  return performance.now() - started;
}

async function naive(url: string, csv: string, limit: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE TABLE naive (${COLUMNS})`);
  const lines = fs.readFileSync(csv, 'utf8').split('\n').slice(1, limit + 1);
  const started = performance.now();
  for (const line of lines) await client.query('INSERT INTO naive VALUES ($1, $2, $3, $4, $5, $6, $7)', line.split(','));
  const ms = performance.now() - started;
  await client.end();
  return (lines.length / ms) * 1000;
}

const server = await ensureEmbeddedPostgres(path.join(work, '.sluice'));
const results: Record<string, unknown>[] = [];
for (const rows of sizes) {
  const db = `bench_${rows}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${db}`);
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const url = Object.assign(new URL(server.url), { pathname: `/${db}` }).toString();
  const csv = path.join(work, `stocks-${rows}.csv`);
  generate(csv, rows);
  const dir = path.join(work, `project-${rows}`);
  project(dir, csv, url);
  process.stderr.write(`${rows.toLocaleString('en-US')} rows (${(fs.statSync(csv).size / 1e6).toFixed(0)} MB): measuring...\n`);

  const copyMs = psql(url, `CREATE TABLE ref_append (${COLUMNS});\n\\copy ref_append FROM '${csv}' CSV HEADER\n`);
  const append = sluice(dir, 'append');
  const appendJs = sluice(dir, 'append-js');
  const mergeRefMs = psql(url, `CREATE TABLE ref_merge (${COLUMNS}, PRIMARY KEY (${KEY}));
BEGIN;
CREATE TEMP TABLE stage (LIKE ref_merge) ON COMMIT DROP;
\\copy stage FROM '${csv}' CSV HEADER
INSERT INTO ref_merge AS t SELECT * FROM stage ON CONFLICT (${KEY}) DO UPDATE SET
  open_value = EXCLUDED.open_value, high_value = EXCLUDED.high_value, low_value = EXCLUDED.low_value,
  close_value = EXCLUDED.close_value, volume_traded = EXCLUDED.volume_traded
  WHERE (t.open_value, t.high_value, t.low_value, t.close_value, t.volume_traded)
    IS DISTINCT FROM (EXCLUDED.open_value, EXCLUDED.high_value, EXCLUDED.low_value, EXCLUDED.close_value, EXCLUDED.volume_traded);
COMMIT;
`);
  const merge = sluice(dir, 'merge');
  const mergeAgain = sluice(dir, 'merge-again');
  const naiveRate = await naive(url, csv, 20_000);
  const rate = (ms: number) => Math.round((rows / ms) * 1000);
  results.push({
    rows,
    psqlCopyRowsPerS: rate(copyMs),
    sluiceAppendRowsPerS: rate(append.ms), appendRatio: +(copyMs / append.ms).toFixed(2), appendPeakRssMb: Math.round(append.peakRssMb),
    sluiceTransformRowsPerS: rate(appendJs.ms), transformRatio: +(copyMs / appendJs.ms).toFixed(2), transformPeakRssMb: Math.round(appendJs.peakRssMb),
    mergeReferenceRowsPerS: rate(mergeRefMs),
    sluiceMergeRowsPerS: rate(merge.ms), mergeRatio: +(mergeRefMs / merge.ms).toFixed(2), mergePeakRssMb: Math.round(merge.peakRssMb),
    sluiceMergeUnchangedRowsPerS: rate(mergeAgain.ms), mergeUnchangedRatio: +(mergeRefMs / mergeAgain.ms).toFixed(2),
    naiveInsertRowsPerS: Math.round(naiveRate), naiveRatio: +((naiveRate / rate(copyMs))).toFixed(3),
  });
}
execFileSync(process.execPath, [path.join(ROOT, 'bin/sluice.js'), 'db', 'stop', '--project', work]);
fs.rmSync(work, { recursive: true, force: true });

const header = ['rows', 'psql \\copy', 'sluice append', 'ratio', 'RSS MB', 'with transform', 'ratio', 'RSS MB', 'merge ref', 'sluice merge', 'ratio', 'unchanged', 'ratio', 'RSS MB', 'naive INSERT', 'ratio'];
const table = results.map((r) => [r.rows, r.psqlCopyRowsPerS, r.sluiceAppendRowsPerS, r.appendRatio, r.appendPeakRssMb,
  r.sluiceTransformRowsPerS, r.transformRatio, r.transformPeakRssMb, r.mergeReferenceRowsPerS,
  r.sluiceMergeRowsPerS, r.mergeRatio, r.sluiceMergeUnchangedRowsPerS, r.mergeUnchangedRatio, r.mergePeakRssMb, r.naiveInsertRowsPerS, r.naiveRatio]
  .map((v) => (typeof v === 'number' && v > 1000 ? v.toLocaleString('en-US') : String(v))));
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
console.log('rows/s, and ratio of sluice to its reference (>= 0.8 is the target); RSS is the sluice process peak');
for (const row of [header, ...table]) console.log(row.map((c, i) => c.padStart(widths[i]!)).join('  '));
for (const kind of ['append', 'transform', 'merge'] as const) {
  const rss = results.map((r) => r[`${kind}PeakRssMb`] as number);
  if (rss.length > 1) console.log(`${kind} peak RSS growth from ${sizes[0]} to ${sizes.at(-1)} rows: ${(((rss.at(-1)! - rss[0]!) / rss[0]!) * 100).toFixed(0)}%`);
}
const json = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, results };
fs.writeFileSync(path.join(ROOT, 'bench/results/latest.json'), JSON.stringify(json, null, 2) + '\n');
