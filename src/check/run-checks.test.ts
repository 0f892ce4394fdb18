import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import pg from 'pg';
import { freshDatabase, tempDir } from '../../test/helpers.ts';
import { col } from '../transform/columns.ts';
import { parseChecks, type CheckDeclaration } from './check-config.ts';
import { recordCheckResults, runCheckResults, checkHistory } from './check-results.ts';
import { ChecksFailed } from './checks-failed.ts';
import { runChecks, type CheckResult } from './run-checks.ts';
import type { StagedRows } from '../load/destination.ts';
import { openDatabase, type Database } from '../database/database.ts';

const COLUMNS = {
  id: col.bigint(), name: col.text(), status: col.text(), amount: col.numeric(12, 2), day: col.date(), at: col.timestamptz(), nation: col.integer(),
};
const NOW = new Date('2026-06-15T12:00:00Z');
const HEADER = 'id,name,status,amount,day,at,nation,__source,__line';
// Every check passes on these rows.
const GOOD = `${HEADER}
1,Ann,open,10,2026-01-05,2026-06-15T10:00:00Z,1,good.csv,2
2,Bea,closed,20.5,2026-01-06,2026-06-14T00:00:00Z,2,good.csv,3
3,Cy,open,0,2026-01-07,2026-06-01T00:00:00Z,3,good.csv,4
`;
// Every check fails on these rows (see each expectation below).
const BAD = `${HEADER}
4,Dee,open,10,2026-01-05,2026-06-01T00:00:00Z,1,bad.csv,2
5,,gone,150,2025-12-01,2026-06-01T00:00:00Z,99,bad.csv,3
6,Eve,open,5,2099-01-01,2026-06-01T00:00:00Z,3,bad.csv,4
6,bob,closed,7,2026-01-06,2026-06-01T00:00:00Z,2,bad.csv,5
7,Zachary,open,-1,2026-01-06,2026-06-01T00:00:00Z,2,bad.csv,6
`;
// The table before this load: id 4 was loaded before.
const TARGET = `${HEADER}\n4,Dee,open,10,2026-01-05,2026-06-01T00:00:00Z,1,old.csv,2\n`;

const DECLARED: CheckDeclaration<keyof typeof COLUMNS & string>[] = [
  { kind: 'notNull', column: 'name' },
  { kind: 'unique', column: 'id' },
  { kind: 'accepted', column: 'status', values: ['open', 'closed'] },
  { kind: 'range', column: 'amount', min: 0, max: 100 },
  { kind: 'range', column: 'day', min: '2026-01-01', max: 'now' },
  { kind: 'pattern', column: 'name', regex: /^[A-Z]/ },
  { kind: 'maxLength', column: 'name', max: 5 },
  { kind: 'rowCount', min: 2, max: 4 },
  { kind: 'rowCount', withinPercent: 10, warn: true },
  { kind: 'uniqueKey', key: ['day', 'nation'] },
  { kind: 'freshness', column: 'at', maxAge: '1 day' },
  { kind: 'references', column: 'nation', to: { table: 'nations', column: 'n_nationkey' } },
  { kind: 'sql', name: 'no id loaded before', query: 'SELECT s.id, s.__source, s.__line FROM {{staged}} AS s WHERE s.id IN (SELECT id FROM {{target}});', warn: true },
];
const CHECKS = parseChecks('pipeline "t"', DECLARED, COLUMNS);

/** What each check finds in BAD: status, failing rows, and where the failing rows are (source line). */
const EXPECTED_BAD: Record<string, [CheckResult['status'], number | null, number[]]> = {
  'name not null': ['failed', 1, [3]],
  'id unique': ['failed', 2, [4, 5]],
  'status in (open, closed)': ['failed', 1, [3]],
  'amount in 0..100': ['failed', 2, [3, 6]],
  'day in 2026-01-01..now': ['failed', 2, [3, 4]],
  'name matches /^[A-Z]/': ['failed', 1, [5]],
  'name at most 5 characters': ['failed', 1, [6]],
  'row count in 2..4': ['failed', null, []],
  'row count within 10% of the previous load': ['warned', null, []],
  'unique key (day, nation)': ['failed', 2, [5, 6]],
  'at newer than 1 day': ['failed', null, []],
  'nation in nations.n_nationkey': ['failed', 1, [3]],
  'no id loaded before': ['warned', 1, [2]],
};

type Engine = { name: string; staged(csv: 'good' | 'bad', target?: boolean): StagedRows; pool: pg.Pool };

async function postgresEngine(url: string): Promise<Engine & { close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`BEGIN; SET LOCAL TimeZone = 'UTC'`);
  for (const [table, text] of [['good', GOOD], ['bad', BAD], ['target', TARGET]] as const) {
    await client.query(`CREATE TEMP TABLE ${table} (id bigint, name text, status text, amount numeric(12,2), day date, at timestamptz, nation integer, __source text, __line bigint)`);
    // Hand-made staging tables, filled row by row in the load's transaction.
    for (const line of text.trim().split('\n').slice(1)) {
      await client.query(`INSERT INTO ${table} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, line.split(',').map((v) => (v === '' ? null : v)));
    }
  }
  return {
    name: 'postgres',
    pool: undefined as unknown as pg.Pool,
    staged: (table, target = true) => ({
      engine: 'postgres', relation: `pg_temp.${table}`, target: target ? 'pg_temp.target' : undefined,
      query: async (sql, values) => (await client.query(sql, values as unknown[])).rows,
    }),
    close: async () => { await client.query('ROLLBACK'); await client.end(); },
  };
}

async function duckdbEngine(pool: pg.Pool): Promise<Engine & { close(): void }> {
  const dir = tempDir('sluice-checks-duck-');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const types = `{'id': 'BIGINT', 'name': 'VARCHAR', 'status': 'VARCHAR', 'amount': 'DECIMAL(12,2)', 'day': 'DATE', 'at': 'TIMESTAMPTZ', 'nation': 'INTEGER', '__source': 'VARCHAR', '__line': 'BIGINT'}`;
  for (const [name, text] of [['good', GOOD], ['bad', BAD], ['target', TARGET]] as const) {
    fs.writeFileSync(path.join(dir, `${name}.csv`), text);
    await connection.run(`COPY (SELECT * FROM read_csv('${dir}/${name}.csv', header = true, columns = ${types})) TO '${dir}/${name}.parquet' (FORMAT parquet)`);
  }
  await connection.run(`SET TimeZone = 'UTC'`);
  return {
    name: 'duckdb',
    pool,
    staged: (name, target = true) => ({
      engine: 'duckdb', relation: `read_parquet('${dir}/${name}.parquet')`, target: target ? `read_parquet('${dir}/target.parquet')` : undefined,
      query: async (sql, values) => (await connection.runAndReadAll(sql, values as DuckDBValue[])).getRowObjectsJS() as Record<string, unknown>[],
    }),
    close: () => { connection.closeSync(); instance.closeSync(); },
  };
}

describe('data-quality checks', () => {
  let database: Database;
  const engines: (Engine & { close(): unknown })[] = [];
  before(async () => {
    const url = await freshDatabase();
    database = await openDatabase({ url, stateDir: tempDir() });
    await database.pool.query('CREATE TABLE public.nations (n_nationkey integer); INSERT INTO public.nations SELECT generate_series(0, 24)');
    engines.push(await postgresEngine(url), await duckdbEngine(database.pool));
  });
  after(async () => {
    for (const e of engines) await e.close();
    await database.close();
  });
  const context = (engine: Engine) => ({ columns: COLUMNS, previousRows: 3, now: NOW, pool: engine.pool ?? database.pool });

  for (const engineName of ['postgres', 'duckdb']) {
    const engine = () => engines.find((e) => e.name === engineName)!;

    it(`${engineName}: passes every kind of check on good rows`, async () => {
      const results = await runChecks(CHECKS, engine().staged('good'), context(engine()));
      assert.deepEqual(results.map((r) => [r.name, r.status]), CHECKS.map((c) => [c.name, 'passed']));
      assert.ok(results.every((r) => r.samples.length === 0 && (r.failingRows === null || r.failingRows === 0)));
      assert.equal(results.find((r) => r.kind === 'rowCount' && r.name.includes('%'))!.message, "3 rows, +0.0% against the previous load's 3");
    });

    it(`${engineName}: fails blocking checks and warns for warn checks, counting failing rows with samples from their source lines`, async () => {
      const results = await runChecks(CHECKS, engine().staged('bad'), context(engine()));
      const actual = Object.fromEntries(results.map((r) => [r.name, [r.status, r.failingRows, r.samples.map((s) => Number(s.__line))]]));
      assert.deepEqual(actual, EXPECTED_BAD);
      assert.ok(results.flatMap((r) => r.samples).every((s) => s.__source === 'bad.csv'));
      const byName = new Map(results.map((r) => [r.name, r]));
      assert.equal(byName.get('amount in 0..100')!.message, '2 of 5 rows are outside 0..100');
      assert.deepEqual(byName.get('amount in 0..100')!.samples.map((s) => Number(s.amount)), [150, -1]);
      assert.equal(byName.get('id unique')!.message, '1 value appears more than once (2 rows)');
      assert.equal(byName.get('row count in 2..4')!.message, '5 rows: more than the maximum 4');
      assert.match(byName.get('row count within 10% of the previous load')!.message, /^5 rows, \+66\.7% against the previous load's 3: more than 10% away$/);
      assert.match(byName.get('at newer than 1 day')!.message, /^newest at is 2026-06-01 00:00:00(\+00)?, older than 1 day$/);
      assert.equal(byName.get('nation in nations.n_nationkey')!.message, '1 of 5 rows have a nation not in nations.n_nationkey');
      assert.deepEqual(byName.get('no id loaded before')!.samples.map((s) => Number(s.id)), [4]);
    });
  }

  it('words a failed run: each failed check with its first failing values and where they came from', async () => {
    const checks = CHECKS.filter((c) => c.name === 'amount in 0..100' || c.name === 'unique key (day, nation)' || c.kind === 'rowCount');
    const results = await runChecks(checks, engines[0]!.staged('bad'), context(engines[0]!));
    assert.equal(new ChecksFailed(results.filter((r) => r.name === 'amount in 0..100'), checks).message,
      'check "amount in 0..100" failed: 2 of 5 rows are outside 0..100 (first: 150.00 at bad.csv line 3, -1.00 at bad.csv line 6); nothing was loaded');
    assert.equal(new ChecksFailed(results, checks).message, '3 checks failed: "amount in 0..100": 2 of 5 rows are outside 0..100 (first: 150.00 at bad.csv line 3, -1.00 at bad.csv line 6); '
      + '"row count in 2..4": 5 rows: more than the maximum 4; "unique key (day, nation)": 1 key appears more than once (2 rows) (first: (2026-01-06, 2) at bad.csv line 5, (2026-01-06, 2) at bad.csv line 6); nothing was loaded');
  });

  it('postgres: a check whose query fails is failed, even a warning one, and the checks after it are not run', async () => {
    const checks = parseChecks('pipeline "t"', [
      { kind: 'sql', name: 'broken', query: 'SELECT * FROM {{staged}} WHERE no_such_column > 0', warn: true },
      { kind: 'sql', name: 'after', query: 'SELECT * FROM {{staged}} WHERE false' },
    ], COLUMNS);
    const pgEngine = await postgresEngine(await freshDatabase());
    try {
      const results = await runChecks(checks, pgEngine.staged('good'), context(pgEngine));
      assert.deepEqual(results.map((r) => r.status), ['failed', 'failed']);
      assert.match(results[0]!.message, /^could not run: column "no_such_column" does not exist/);
      assert.match(results[1]!.message, /^not run: an earlier check's query failed/);
    } finally {
      await pgEngine.close();
    }
  });

  it('passes a notNull check of a column declared NOT NULL without reading the rows (nulls never stage)', async () => {
    const columns = { id: col.bigint({ nullable: false }) };
    const unreadable = { engine: 'postgres' as const, relation: 'nowhere', query: async () => { throw new Error('read'); } };
    const [result] = await runChecks(parseChecks('pipeline "t"', [{ kind: 'notNull', column: 'id' }], columns), unreadable, { columns });
    assert.deepEqual([result!.status, result!.failingRows], ['passed', 0]);
  });

  it('a custom check that uses {{target}} fails when the destination has no table', async () => {
    const [check] = parseChecks('pipeline "t"', [{ kind: 'sql', name: 'vs target', query: 'SELECT * FROM {{target}}' }], COLUMNS);
    const [result] = await runChecks([check!], engines[1]!.staged('good', false), context(engines[1]!));
    assert.equal(result!.status, 'failed');
    assert.match(result!.message, /uses \{\{target\}\}, but this destination has no table/);
  });

  it('records results on the run, and keeps each check\'s history for the pipeline', async () => {
    const first = await runChecks(CHECKS, engines[0]!.staged('bad'), context(engines[0]!));
    await recordCheckResults(database.pool, 'run-1', 'p', first);
    const second = await runChecks(CHECKS, engines[0]!.staged('good'), context(engines[0]!));
    await recordCheckResults(database.pool, 'run-2', 'p', second);
    assert.deepEqual(await runCheckResults(database.pool, 'run-1'), first);
    const history = await checkHistory(database.pool, 'p');
    assert.deepEqual(history.map((h) => h.name), CHECKS.map((c) => c.name));
    assert.deepEqual(history.find((h) => h.name === 'id unique')!.runs.map((r) => [r.runId, r.status, r.failingRows]), [['run-2', 'passed', 0], ['run-1', 'failed', 2]]);
  });
});
