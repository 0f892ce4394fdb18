import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { combineInto } from '../src/combine/combine-into.ts';
import { combinedSource } from '../src/combine/combined-source.ts';
import { stageSources } from '../src/combine/source-stages.ts';
import type { Source } from '../src/extract/source.ts';
import { col, definePipeline, httpFile, postgres } from '../src/index.ts';
import { freshDatabase } from './helpers.ts';

const US = { date: col.date({ nullable: false }), cases: col.bigint(), deaths: col.bigint() };
const RECOVERED = { date: col.date({ nullable: false }), recovered: col.bigint() };
const DAILY = { date: col.date({ nullable: false }), cases: col.bigint(), deaths: col.bigint(), recovered: col.bigint() };
const JOIN = 'SELECT date, cases, deaths, recovered FROM us JOIN recovered USING (date)';

describe('combine: sources staged in the load transaction, joined in SQL into the destination stage', () => {
  let client: pg.Client;
  before(async () => {
    client = new pg.Client({ connectionString: await freshDatabase() });
    await client.connect();
  });
  after(() => client.end());
  // The destination's side, as postgres.table's load does it: the join's rows into its stage, as one statement.
  const TARGET = {
    columns: DAILY, describe: 'postgres public.covid_us_daily (merge on date)',
    insertSelect: async (columns: readonly string[], select: string) => {
      const list = columns.map((c) => `"${c}"`).join(', ');
      return (await client.query({ text: `INSERT INTO pg_temp.sluice_stage (${list}) SELECT ${list} FROM (${select}) AS combined`, queryMode: 'extended' } as pg.QueryConfig)).rowCount ?? 0;
    },
  };

  /** A load transaction with the destination's stage (as postgres.table makes it) and the two COVID sources staged. */
  const staged = async () => {
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE sluice_stage (date date NOT NULL, cases bigint, deaths bigint, recovered bigint, __source integer, __line integer) ON COMMIT DROP');
    const stages = await stageSources(client, { us: US, recovered: RECOVERED });
    await stages.write('us', [['2020-01-21', '1', '0'], ['2020-01-22', '1', '0']]);
    await stages.write('recovered', [['2020-01-22', '0']]);
    await stages.write('us', [['2020-01-23', '5', '1']]); // a source's rows may come in several runs of COPY
    await stages.write('recovered', [['2020-01-23', '2'], ['2020-01-24', '3']]);
    return stages.end();
  };

  it('inserts the join of the staged sources into the stage, and leaves nothing behind on rollback', async () => {
    try {
      assert.deepEqual(await staged(), { us: 3, recovered: 3 });
      assert.equal(await combineInto(client, JOIN, TARGET), 2);
      const { rows } = await client.query('SELECT date::text, cases::int, deaths::int, recovered::int FROM sluice_stage ORDER BY date');
      assert.deepEqual(rows, [{ date: '2020-01-22', cases: 1, deaths: 0, recovered: 0 }, { date: '2020-01-23', cases: 5, deaths: 1, recovered: 2 }]);
    } finally {
      await client.query('ROLLBACK');
    }
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname IN ('us', 'recovered', 'sluice_stage') AND relpersistence = 't'`);
    assert.equal(rows[0].n, 0);
  });

  it('refuses a join whose columns do not fit the destination, saying which and why, before inserting anything', async () => {
    const refused = async (sql: string, pattern: RegExp) => {
      await staged();
      try {
        await assert.rejects(combineInto(client, sql, TARGET), pattern);
        // A query Postgres refused aborts the transaction (the run fails); a mismatch is found before any write.
        if (!pattern.source.includes('SQL failed')) assert.equal((await client.query('SELECT count(*)::int AS n FROM sluice_stage')).rows[0].n, 0);
      } finally {
        await client.query('ROLLBACK');
      }
    };
    await refused('SELECT date, cases::text AS cases, deaths, recovered FROM us JOIN recovered USING (date)',
      /combine: the join does not fit postgres public\.covid_us_daily .*column "cases" is text, the destination's is bigint \(cast it in the SQL\)/);
    await refused('SELECT date, cases::numeric / 2 AS cases, deaths, recovered FROM us JOIN recovered USING (date)', /column "cases" is numeric, the destination's is bigint/);
    await refused('SELECT cases, deaths, recovered FROM us JOIN recovered USING (date)', /it does not return "date", which the destination requires/);
    await refused('SELECT date, cases, deaths, recovered, 1 AS extra FROM us JOIN recovered USING (date)', /it returns "extra", not a column of the destination/);
    await refused('SELECT us.date, recovered.date, cases, deaths, recovered FROM us JOIN recovered USING (date)', /it returns "date" more than once/);
    await refused('SELECT date, cases, deaths, recovered FROM us JOIN recoverd USING (date)', /combine: the join's SQL failed: relation "recoverd" does not exist/);
  });

  it('accepts types that widen implicitly, and reports a null in a required column as not fitting', async () => {
    await staged();
    try {
      assert.equal(await combineInto(client, 'SELECT date, cases::int AS cases, NULL::bigint AS deaths, recovered::smallint AS recovered FROM us JOIN recovered USING (date)', TARGET), 2);
    } finally {
      await client.query('ROLLBACK');
    }
    await staged();
    try {
      await assert.rejects(combineInto(client, 'SELECT u.date, cases, deaths, recovered FROM us u RIGHT JOIN recovered r ON false', TARGET),
        /combine: the joined rows do not fit postgres public\.covid_us_daily .*null value in column "date"/);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('runs the SQL as one read-only query: no second statement, no data-modifying statement', async () => {
    for (const sql of [`${JOIN}) AS x; DROP TABLE us; SELECT * FROM (${JOIN}`, 'WITH gone AS (DELETE FROM us RETURNING date) SELECT date, 1::bigint AS cases, 1::bigint AS deaths, 1::bigint AS recovered FROM gone']) {
      await staged();
      try {
        await assert.rejects(combineInto(client, sql, TARGET), /combine: the join's SQL failed: (cannot insert multiple commands|WITH clause containing a data-modifying statement must be at the top level)/);
      } finally {
        await client.query('ROLLBACK');
      }
    }
  });
});

describe('combinedSource: several sources as one', () => {
  const source = (kind: string, objects: Record<string, string>, asked: string[]): Source<{ kind: string; line: string }> => ({
    kind,
    describe: () => `${kind} fixture`,
    async list(ctx) {
      for (const name of Object.keys(objects)) if (await ctx.previous(name)) asked.push(name);
      return Object.entries(objects).map(([name, body]) => ({ name, open: async () => Readable.from([body]) }));
    },
    async *parse(body, name) {
      const lines = (await text(body)).split('\n');
      yield { source: name, records: lines.map((line) => ({ kind, line })), lines: lines.map((_, i) => i + 1), rejects: [{ source: name, line: 9, reason: 'bad' }] };
    },
  });

  it('lists every source in full under a folder named after it, and parses each object with its own source', async () => {
    const asked: string[] = [];
    const both = combinedSource({ us: source('nyt', { 'us.csv': 'a\nb' }, asked), recovered: source('jhu', { 'recovered.csv': 'c' }, asked) });
    const listed = await both.list({ projectDir: '.', runId: 'r', previous: async () => ({ sha256: 'x', meta: { etag: '"1"' } }) });
    assert.deepEqual(listed.map((o) => o.name), ['us/us.csv', 'recovered/recovered.csv']);
    assert.deepEqual(asked, [], 'a combine reads each input in full: no "changed since?" question');
    const batches = [];
    for await (const batch of both.parse(await listed[1]!.open(), 'recovered/recovered.csv')) batches.push(batch);
    assert.deepEqual(batches, [{ source: 'recovered/recovered.csv', records: [{ kind: 'jhu', line: 'c' }], lines: [1], rejects: [{ source: 'recovered/recovered.csv', line: 9, reason: 'bad' }] }]);
    await assert.rejects(async () => {
      for await (const _ of both.parse(Readable.from(['']), 'other/x.csv'));
    }, /not an object of this pipeline's sources \(us, recovered\)/);
  });
});

describe('definePipeline with sources and combine', () => {
  const csv = (name: string) => ({ source: httpFile(`https://example.com/${name}.csv`), columns: { date: col.date() } });
  const destination = postgres.table('joined', { columns: { date: col.date() } });
  const define = (extra: Record<string, unknown>) => () => definePipeline({ name: 'joined', destination, ...extra } as Parameters<typeof definePipeline>[0]);

  it('reads its sources as one, each object under its source name, and keeps the join', () => {
    const pipeline = define({ sources: { a: csv('a'), b: csv('b') }, combine: { sql: 'SELECT date FROM a JOIN b USING (date);' } })();
    assert.equal(pipeline.combine?.sql, 'SELECT date FROM a JOIN b USING (date)');
    assert.deepEqual(Object.keys(pipeline.combine!.sources), ['a', 'b']);
    assert.equal(pipeline.source({}).describe(), 'a: http-file https://example.com/a.csv (csv); b: http-file https://example.com/b.csv (csv)');
  });

  it('refuses definitions that mix or miss the parts of a combine, saying what to write', () => {
    assert.throws(define({ source: csv('a').source, sources: { a: csv('a'), b: csv('b') }, combine: 'SELECT 1' }), /source: expected exactly one of source or sources/);
    assert.throws(define({ sources: { a: csv('a'), b: csv('b') } }), /combine: sources and combine go together/);
    assert.throws(define({ sources: { a: csv('a'), b: csv('b') }, combine: 'SELECT date FROM a', transform: (r: unknown) => r }), /each source has its own transform/);
    assert.throws(define({ sources: { a: csv('a') }, combine: 'SELECT date FROM a' }), /expected at least two sources/);
    assert.throws(define({ sources: { 'US data': csv('a'), b: csv('b') }, combine: 'SELECT 1' }), /expected a lowercase SQL name such as us or recovered/);
    assert.throws(define({ sources: { sluice_stage: csv('a'), b: csv('b') }, combine: 'SELECT 1' }), /names starting with sluice are reserved/);
    assert.throws(define({ sources: { a: csv('a'), b: csv('b') }, combine: 'DELETE FROM a' }), /expected one SELECT over the sources/);
  });
});
