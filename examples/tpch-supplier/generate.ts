/**
 * TPC-H `supplier` rows per the specification (clause 4.2.3), written in dated folders `<out>/<source>/<YYYYMMDD>/`
 * as pipe-delimited `.tbl` (trailing `|`), CSV with or without header, optionally gzip, or Parquet (DuckDB).
 * Usage: node examples/tpch-supplier/generate.ts [--sf 0.1] [--format tbl|csv|csv-header|parquet] [--gzip]
 *        [--date YYYYMMDD] [--out DIR] [--source supplier] [--files 1] [--null-value TEXT]
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export type SupplierFormat = 'tbl' | 'csv' | 'csv-header' | 'parquet';

export interface SupplierOptions {
  /** Scale factor: 10,000 suppliers per 1.0. */
  readonly sf?: number;
  readonly format?: SupplierFormat;
  readonly gzip?: boolean;
  /** YYYYMMDD */
  readonly date?: string;
  readonly source?: string;
  readonly files?: number;
  /** Written for a null s_comment every 500th row, to exercise null markers; none by default. */
  readonly nullValue?: string;
  readonly seed?: number;
}

export const SUPPLIER_COLUMNS = ['s_suppkey', 's_name', 's_address', 's_nationkey', 's_phone', 's_acctbal', 's_comment'] as const;

const ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,';
const WORDS = ['furiously', 'special', 'requests', 'deposits', 'carefully', 'final', 'accounts', 'ironic', 'packages', 'blithely',
  'regular', 'pending', 'express', 'slyly', 'bold', 'quickly', 'theodolites', 'instructions', 'foxes', 'even', 'silent', 'platelets'];

/** Supplier rows, deterministic for a seed. */
export function* suppliers(sf: number, seed = 1): Generator<(string | number | null)[]> {
  let state = seed;
  const random = () => ((state = (state * 48271) % 2147483647) / 2147483647);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const count = Math.max(1, Math.round(sf * 10_000));
  for (let key = 1; key <= count; key++) {
    const nation = int(0, 24);
    const address = Array.from({ length: int(10, 40) }, () => ALPHANUMERIC[int(0, ALPHANUMERIC.length - 1)]).join('').trim() || 'x';
    let comment = '';
    while (comment.length < int(25, 100)) comment += (comment ? ' ' : '') + WORDS[int(0, WORDS.length - 1)];
    // Per the spec, some suppliers carry "Customer ... Complaints" or "Customer ... Recommends" in their comment.
    if (key % 2000 === 7) comment = `Customer ${comment.slice(0, 20)} Complaints`;
    if (key % 2000 === 11) comment = `Customer ${comment.slice(0, 20)} Recommends`;
    yield [key, `Supplier#${String(key).padStart(9, '0')}`, address, nation,
      `${nation + 10}-${int(100, 999)}-${int(100, 999)}-${int(1000, 9999)}`, (int(-99999, 999999) / 100).toFixed(2), comment];
  }
}

/** Writes the files of one dated drop; returns the folder. */
export async function generateSuppliers(out: string, options: SupplierOptions = {}): Promise<string> {
  const { sf = 0.1, format = 'tbl', gzip = false, date = '20261123', source = 'supplier', files = 1, nullValue, seed = 1 } = options;
  const dir = path.join(out, source, date);
  fs.mkdirSync(dir, { recursive: true });
  const rows = [...suppliers(sf, seed)].map((r, i) => (nullValue !== undefined && i % 500 === 499 ? [...r.slice(0, 6), null] : r));
  if (format === 'parquet') {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE supplier (s_suppkey BIGINT, s_name VARCHAR, s_address VARCHAR, s_nationkey INTEGER,
      s_phone VARCHAR, s_acctbal DECIMAL(12,2), s_comment VARCHAR)`);
    const appender = await connection.createAppender('supplier');
    for (const r of rows) {
      appender.appendBigInt(BigInt(r[0]!)); appender.appendVarchar(String(r[1])); appender.appendVarchar(String(r[2]));
      appender.appendInteger(Number(r[3])); appender.appendVarchar(String(r[4])); appender.appendDouble(Number(r[5]));
      if (r[6] === null) appender.appendNull(); else appender.appendVarchar(String(r[6]));
      appender.endRow();
    }
    appender.closeSync();
    for (let f = 0; f < files; f++) {
      const file = path.join(dir, `supplier.${f}.parquet`).replaceAll("'", "''");
      await connection.run(`COPY (SELECT * FROM supplier WHERE s_suppkey % ${files} = ${f} ORDER BY s_suppkey) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
    }
    connection.closeSync();
    instance.closeSync();
    return dir;
  }
  const delimiter = format === 'tbl' ? '|' : ',';
  const quote = (v: string | number | null) => (v === null ? nullValue ?? '' : format !== 'tbl' && /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  for (let f = 0; f < files; f++) {
    const part = rows.filter((_, i) => i % files === f);
    const lines = part.map((r) => r.map(quote).join(delimiter) + (format === 'tbl' ? '|' : ''));
    if (format === 'csv-header') lines.unshift(SUPPLIER_COLUMNS.join(','));
    const name = `supplier.${f}.${format === 'tbl' ? 'tbl' : 'csv'}${gzip ? '.gz' : ''}`;
    const text = lines.join('\n') + '\n';
    fs.writeFileSync(path.join(dir, name), gzip ? (await import('node:zlib')).gzipSync(text) : text);
  }
  return dir;
}

if (import.meta.main) {
  const arg = (name: string) => process.argv.find((_, i) => process.argv[i - 1] === `--${name}`);
  const out = arg('out') ?? path.join(import.meta.dirname, 'sample');
  const dir = await generateSuppliers(out, {
    sf: Number(arg('sf') ?? 0.1), format: (arg('format') ?? 'tbl') as SupplierFormat, gzip: process.argv.includes('--gzip'),
    date: arg('date'), source: arg('source'), files: Number(arg('files') ?? 1), nullValue: arg('null-value'),
  });
  console.log(`wrote TPC-H supplier files to ${dir}`);
}
