/**
 * `node bench/checks.ts [--rows 5000000] [--mode merge|append] [--repeat 2]`: what data-quality checks add to a load.
 * The same stock-like file is loaded by the same pipeline without checks and with them (not null on every column,
 * a unique key, a range, a pattern), alternately, each into its own empty table; the figure is the ratio of the
 * best times. A third variant declares one row-count check only: what exposing the staged rows costs by itself. Writes bench/results/checks.json. Needs `psql` (Debian: postgresql-client).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres } from '../src/database/embedded-postgres.ts';
import { psql, sluice, type Measured } from './bench-tools.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const arg = (name: string) => process.argv.find((_, i) => process.argv[i - 1] === `--${name}`);
const rows = Number(arg('rows') ?? 5_000_000);
const mode = arg('mode') ?? 'merge';
const repeat = Number(arg('repeat') ?? 2);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-checks-'));
fs.chmodSync(work, 0o755);

const server = await ensureEmbeddedPostgres(path.join(work, '.sluice'));
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS bench_checks');
await admin.query('CREATE DATABASE bench_checks');
await admin.end();
const url = Object.assign(new URL(server.url), { pathname: '/bench_checks' }).toString();

// The input, written by Postgres: 1,000 companies, one row per company and day, prices with 4 decimals.
const csv = path.join(work, 'stocks.csv');
const perCompany = Math.ceil(rows / 1000);
// \\copy takes one line.
psql(url, work, `\\copy (SELECT date '1990-01-01' + (i % ${perCompany})::int AS stock_date, round(10 + (i * 7919 % 50000) / 100.0, 4) AS open_value,
  round(12 + (i * 7919 % 50000) / 100.0, 4) AS high_value, round(9 + (i * 7919 % 50000) / 100.0, 4) AS low_value,
  round(11 + (i * 104729 % 50000) / 100.0, 4) AS close_value, i * 31 % 10000000 AS volume_traded,
  'c' || lpad((i / ${perCompany})::text, 4, '0') AS company_name FROM generate_series(0::bigint, ${rows - 1}) AS i) TO '${csv}' CSV HEADER`.replace(/\s*\n\s*/g, ' ') + '\n');

const dir = path.join(work, 'project');
fs.mkdirSync(path.join(dir, 'pipelines'), { recursive: true });
const checks = `checks: [
    { kind: 'notNull', column: ['stock_date', 'open_value', 'high_value', 'low_value', 'close_value', 'volume_traded', 'company_name'] },
    { kind: 'uniqueKey', key: ['company_name', 'stock_date'] },
    { kind: 'range', column: 'open_value', min: 0 },
    { kind: 'pattern', column: 'company_name', regex: '^c[0-9]{4}$' },
  ],`;
const columns = `{ stock_date: col.date({ nullable: false }), open_value: col.numeric(), high_value: col.numeric(), low_value: col.numeric(),
    close_value: col.numeric(), volume_traded: col.bigint(), company_name: col.text({ nullable: false }) }`;
const write = mode === 'merge' ? `{ mode: 'merge', key: ['company_name', 'stock_date'] }` : `{ mode: 'append' }`;
// 'staged': one check that reads nothing but the row count, to tell the cost of exposing the staged rows from the checks' own SQL.
const VARIANTS = { plain: '', staged: `checks: [{ kind: 'rowCount', min: 0 }],`, checked: checks } as const;
for (let i = 0; i < repeat; i++) {
  for (const [variant, declared] of Object.entries(VARIANTS)) {
    const name = `${variant}-${i}`;
    fs.writeFileSync(path.join(dir, `pipelines/${name}.ts`), `import { col, definePipeline, files, postgres } from 'sluice';
export default definePipeline({ name: '${name}', source: files(${JSON.stringify(path.basename(csv))}, { dir: ${JSON.stringify(work)} }),
  destination: postgres.table('${name.replace('-', '_')}', { columns: ${columns}, write: ${write} }),
  ${declared}
});\n`);
  }
}
fs.writeFileSync(path.join(dir, 'sluice.config.ts'), `export default { database: { url: ${JSON.stringify(url)} }, lake: 'lake' };\n`);

process.stderr.write(`${rows.toLocaleString('en-US')} rows (${(fs.statSync(csv).size / 1e6).toFixed(0)} MB), ${mode}: measuring ${repeat} x (without, with checks)...\n`);
const plain: Measured[] = [];
const staged: Measured[] = [];
const checked: Measured[] = [];
for (let i = 0; i < repeat; i++) {
  plain.push(sluice(dir, `plain-${i}`));
  staged.push(sluice(dir, `staged-${i}`));
  checked.push(sluice(dir, `checked-${i}`));
  process.stderr.write(`  round ${i + 1}: without ${(plain.at(-1)!.ms / 1000).toFixed(1)} s, rows staged for checks ${(staged.at(-1)!.ms / 1000).toFixed(1)} s, with checks ${(checked.at(-1)!.ms / 1000).toFixed(1)} s\n`);
}
execFileSync(process.execPath, [path.join(ROOT, 'bin/sluice.js'), 'db', 'stop', '--project', work]);
fs.rmSync(work, { recursive: true, force: true });

const best = (runs: Measured[]) => Math.min(...runs.map((r) => r.ms));
const overhead = (best(checked) / best(plain) - 1) * 100;
const stagingOverhead = (best(staged) / best(plain) - 1) * 100;
const result = {
  date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, rows, mode,
  withoutChecksMs: plain.map((r) => Math.round(r.ms)), stagedOnlyMs: staged.map((r) => Math.round(r.ms)), withChecksMs: checked.map((r) => Math.round(r.ms)),
  overheadPercent: +overhead.toFixed(1), stagingOverheadPercent: +stagingOverhead.toFixed(1), target: 'less than 25%', loadAverage: os.loadavg()[0] ?? 0,
};
console.log(`${rows.toLocaleString('en-US')}-row ${mode} load: best without checks ${(best(plain) / 1000).toFixed(1)} s, with checks ${(best(checked) / 1000).toFixed(1)} s: checks add ${overhead.toFixed(1)}% (target < 25%); `
  + `of it, exposing the staged rows (a row-count-only check) ${stagingOverhead.toFixed(1)}%; load average ${(os.loadavg()[0] ?? 0).toFixed(1)} on ${os.cpus().length} cores`);
fs.writeFileSync(path.join(ROOT, 'bench/results/checks.json'), JSON.stringify(result, null, 2) + '\n');
