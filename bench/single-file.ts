/**
 * The single-file shapes: one stock-like CSV of N rows, without a transform (raw CSV straight into COPY) and
 * through a JS transform, append and merge (fresh and all-unchanged), against `psql \copy` and `\copy` into a
 * staging table + one `INSERT ... ON CONFLICT`, and a naive row-by-row INSERT for scale.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { seeded, psql, settled, sluice, type Measured } from './bench-tools.ts';

const COLUMNS = `stock_date date NOT NULL, open_value numeric, high_value numeric, low_value numeric, close_value numeric,
  volume_traded bigint, company_name text NOT NULL`;
const KEY = 'company_name, stock_date';
const VALUES = ['open_value', 'high_value', 'low_value', 'close_value', 'volume_traded'];

/** A stock-like CSV: `rows` rows over 1000 companies, deterministic. */
function generate(file: string, rows: number): void {
  const out = fs.openSync(file, 'w');
  let chunk = 'stock_date,open_value,high_value,low_value,close_value,volume_traded,company_name\n';
  const rand = seeded(7);
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
  // A JS transform: every value parsed, checked and encoded for COPY in JS.
  const js = `transform: (row) => ({ ...row, company_name: row.company_name?.toUpperCase() }) as never,\n  `;
  const merge = `{ mode: 'merge', key: ['company_name', 'stock_date'] }`;
  const pipeline = (name: string, table: string, write: string, transform = '') => `import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: '${name}', source: files(${JSON.stringify(path.basename(csv))}, { dir: ${JSON.stringify(path.dirname(csv))} }),
  ${transform}destination: postgres.table('${table}', { columns: ${columns}, write: ${write} }) });\n`;
  const pipelines: Record<string, string> = {
    append: pipeline('append', 'sluice_append', `{ mode: 'append' }`),
    merge: pipeline('merge', 'sluice_merge', merge),
    'merge-again': pipeline('merge-again', 'sluice_merge', merge),
    'append-js': pipeline('append-js', 'sluice_append_js', `{ mode: 'append' }`, js),
    'merge-js': pipeline('merge-js', 'sluice_merge_js', merge, js),
    'merge-js-again': pipeline('merge-js-again', 'sluice_merge_js', merge, js),
  };
  for (const [name, text] of Object.entries(pipelines)) fs.writeFileSync(path.join(dir, `pipelines/${name}.ts`), text);
  fs.writeFileSync(path.join(dir, 'sluice.config.ts'), `export default { database: { url: ${JSON.stringify(url)} }, lake: 'lake' };\n`);
}

async function naive(url: string, csv: string, limit: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE TABLE naive (${COLUMNS})`);
  const fd = fs.openSync(csv, 'r');
  const head = Buffer.alloc(limit * 120);
  const lines = head.subarray(0, fs.readSync(fd, head)).toString('utf8').split('\n').slice(1, limit + 1);
  fs.closeSync(fd);
  const started = performance.now();
  for (const line of lines) await client.query('INSERT INTO naive VALUES ($1, $2, $3, $4, $5, $6, $7)', line.split(','));
  const ms = performance.now() - started;
  await client.end();
  return (lines.length / ms) * 1000;
}

/** One size's figures. References in ms; sluice runs measured. */
export interface SingleFileResult {
  readonly rows: number;
  readonly psqlCopy: number;
  readonly mergeReference: number;
  readonly mergeUnchangedReference: number;
  readonly runs: Readonly<Record<'append' | 'merge' | 'mergeUnchanged' | 'transformAppend' | 'transformMerge' | 'transformMergeUnchanged', Measured>>;
  readonly naiveRowsPerS: number;
}

/** Generates a file of `rows` rows and measures every single-file shape on database `url`. */
export async function benchSingleFile(work: string, url: string, rows: number, naiveRows: number): Promise<SingleFileResult> {
  const csv = path.join(work, `stocks-${rows}.csv`);
  generate(csv, rows);
  const dir = path.join(work, `project-${rows}`);
  project(dir, csv, url);
  process.stderr.write(`${rows.toLocaleString('en-US')} rows (${(fs.statSync(csv).size / 1e6).toFixed(0)} MB): measuring...\n`);
  psql(url, work, `CREATE TABLE ref_append (${COLUMNS});\n`);
  const psqlCopy = settled(url, () => psql(url, work, `\\copy ref_append FROM '${csv}' CSV HEADER\n`));
  const mergeScript = `BEGIN;
CREATE TEMP TABLE stage (LIKE ref_merge) ON COMMIT DROP;
\\copy stage FROM '${csv}' CSV HEADER
INSERT INTO ref_merge AS t SELECT * FROM stage ON CONFLICT (${KEY}) DO UPDATE SET
  ${VALUES.map((v) => `${v} = EXCLUDED.${v}`).join(', ')}
  WHERE (${VALUES.map((v) => `t.${v}`).join(', ')}) IS DISTINCT FROM (${VALUES.map((v) => `EXCLUDED.${v}`).join(', ')});
COMMIT;
`;
  psql(url, work, `CREATE TABLE ref_merge (${COLUMNS}, PRIMARY KEY (${KEY}));\n`);
  const mergeReference = settled(url, () => psql(url, work, mergeScript));
  const mergeUnchangedReference = settled(url, () => psql(url, work, mergeScript));
  const run = (name: string) => settled(url, () => sluice(dir, name));
  const runs = {
    append: run('append'),
    merge: run('merge'),
    mergeUnchanged: run('merge-again'),
    transformAppend: run('append-js'),
    transformMerge: run('merge-js'),
    transformMergeUnchanged: run('merge-js-again'),
  };
  const naiveRowsPerS = await naive(url, csv, naiveRows);
  fs.rmSync(csv);
  fs.rmSync(path.join(dir, 'lake'), { recursive: true, force: true });
  return { rows, psqlCopy, mergeReference, mergeUnchangedReference, runs, naiveRowsPerS };
}
