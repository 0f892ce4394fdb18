import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { generateSuppliers } from '../examples/tpch-supplier/generate.ts';
import { prepare } from '../examples/tpch-supplier/prepare.ts';
import { freshDatabase, query, ROOT, sluice, tempDir } from './helpers.ts';

const PROJECT = path.join(ROOT, 'examples/tpch-supplier');
const CONFIG = path.join(PROJECT, 'supplier.ini');

describe('the TPC-H supplier example', () => {
  let url: string;
  let input: string;
  let env: Record<string, string>;
  const run = (pipeline: string, ...params: string[]) => {
    const out = sluice(['run', pipeline, '--project', PROJECT, '--json', ...params.flatMap((p) => ['--param', p])], env);
    return JSON.parse(out.stdout);
  };
  const snapshots = () => query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM supplier_data GROUP BY load_ts ORDER BY min(load_ts)');

  before(async () => {
    url = await freshDatabase();
    input = tempDir();
    env = { DATABASE_URL: url, SLUICE_LAKE: tempDir() };
  });

  it('loads a drop of pipe-delimited .tbl files (trailing |) as one snapshot stamped with load_ts', async () => {
    await generateSuppliers(input, { sf: 0.1, format: 'tbl', date: '20260101', files: 2 });
    const result = run('supplier', `input=${input}`);
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(result.counts.loaded, 1000);
    assert.deepEqual(await snapshots(), [{ n: 1000 }]);
    const [row] = await query(url, `SELECT s_suppkey::int AS k, s_name, s_nationkey, s_phone, s_acctbal::text AS bal FROM supplier_data WHERE s_suppkey = 1`);
    assert.equal(row!.s_name, 'Supplier#000000001');
    assert.match(String(row!.s_phone), new RegExp(`^${Number(row!.s_nationkey) + 10}-\\d{3}-\\d{3}-\\d{4}$`));
    const types = await query(url, `SELECT column_name, data_type, character_maximum_length AS len FROM information_schema.columns
      WHERE table_name = 'supplier_data' ORDER BY ordinal_position`);
    assert.deepEqual(types.map((t) => `${t.column_name} ${t.data_type}${t.len ? `(${t.len})` : ''}`), [
      's_suppkey bigint', 's_name character varying(100)', 's_address character varying(100)', 's_nationkey integer',
      's_phone character varying(40)', 's_acctbal numeric', 's_comment text', 'load_ts timestamp with time zone']);
  });

  it('loads gzip CSV with a header and a null marker, and Parquet, at SF 1, each as its own snapshot', async () => {
    await generateSuppliers(input, { sf: 1, format: 'csv-header', gzip: true, source: 'supplier_csv', date: '20260102', nullValue: 'NULL' });
    const csv = run('supplier', `input=${input}`, 'source=supplier_csv', `config=${CONFIG}`);
    assert.equal(csv.counts.loaded, 10_000, csv.error);
    await generateSuppliers(input, { sf: 1, format: 'parquet', source: 'supplier_parquet', date: '20260103', files: 3 });
    const parquet = run('supplier', `input=${input}`, 'source=supplier_parquet');
    assert.equal(parquet.counts.loaded, 10_000, parquet.error);
    assert.deepEqual(await snapshots(), [{ n: 1000 }, { n: 10_000 }, { n: 10_000 }]);
    assert.deepEqual(await query(url, 'SELECT count(*)::int AS n FROM supplier_data WHERE s_comment IS NULL'), [{ n: 20 }]);
    assert.deepEqual(await query(url, 'SELECT count(*)::int AS n FROM supplier_stage'), [{ n: 10_000 }], 'the stage holds the last load');
  });

  it('prepares a drop into gzip part files and loads them (the serverless process)', async () => {
    const prepared = tempDir();
    const parts = await prepare({ input, out: prepared, source: 'supplier', date: '20260101', config: CONFIG });
    assert.equal(parts.length, 4);
    assert.ok(parts.every((p) => fs.readFileSync(p)[0] === 0x1f), 'parts are gzip');
    const result = run('supplier-parts', `prepared=${prepared}`);
    assert.equal(result.counts.loaded, 1000, result.error);
    assert.equal((await snapshots()).length, 4);
  });

  it('fails a drop with a bad row without touching supplier_data or supplier_stage', async () => {
    const dir = await generateSuppliers(input, { sf: 0.01, format: 'tbl', date: '20260104' });
    fs.appendFileSync(path.join(dir, 'supplier.0.tbl'), '999|Supplier#999|addr|not-a-nation|10-1|1.00|x|\n');
    const result = run('supplier', `input=${input}`);
    assert.equal(result.status, 'failed');
    assert.match(result.error, /rejects\.maxRows: 0/);
    assert.equal((await snapshots()).length, 4);
    assert.deepEqual(await query(url, 'SELECT count(*)::int AS n FROM supplier_stage'), [{ n: 1000 }]);
  });
});
