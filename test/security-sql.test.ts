import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createDashboard } from '../src/dashboard/dashboard.ts';
import { csrfToken } from '../src/dashboard/dashboard-token.ts';
import { openDatabase } from '../src/database/database.ts';
import { readOnlyQuery } from '../src/database/read-only-query.ts';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import { harness, sluiceAsync, tempDir } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
const TOKEN = 'test-token-0123456789';

describe('SQL for people on Postgres (sluice query, the SQL page) only reads', () => {
  let h: Harness;
  let app: ReturnType<typeof createDashboard>;
  let project: string;
  const marker = path.join(tempDir(), 'program-ran');
  before(async () => {
    h = await harness();
    project = tempDir();
    const pipeline = definePipeline({
      name: 'target', source: files('*.csv', { dir: 'in' }),
      destination: postgres.table('target', { columns: { id: col.integer(), v: col.text() } }),
    });
    h.files({ 'a.csv': 'id,v\n1,a\n2,b\n' });
    assert.equal((await h.run(pipeline)).status, 'succeeded');
    app = createDashboard({ token: TOKEN, database: h.database, lake: h.lake, pipelines: [pipeline], lakePlaces: { cacheDir: h.dir }, runNow: async () => 'x' });
  });
  after(() => h.close());

  /** The same SQL on both surfaces: the CLI's exit status and output, and the SQL page's status and text. */
  async function both(sql: string, env: Record<string, string> = {}) {
    const cli = await sluiceAsync(['query', sql, '--json', '--project', project], { DATABASE_URL: h.url, ...env });
    const page = await app.request('/sql', {
      method: 'POST', headers: { cookie: `sluice_token=${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sql, csrf: csrfToken(TOKEN) }).toString(),
    });
    return { cli: { ok: cli.status === 0, text: cli.stdout + cli.stderr }, page: { ok: page.status === 200, text: await page.text() } };
  }

  async function refusedOnBoth(sql: string, reason: RegExp) {
    const { cli, page } = await both(sql);
    assert.equal(cli.ok, false, `sluice query ran ${sql}: ${cli.text}`);
    assert.match(cli.text, reason, sql);
    assert.equal(page.ok, false, `the SQL page ran ${sql}: ${page.text}`);
    assert.match(page.text, reason, sql);
  }

  it('refuses several statements in one string, with a clear message', async () => {
    await refusedOnBoth('set transaction read write; create table pwned(x int); commit', /exactly one SQL statement/);
    await refusedOnBoth('commit; delete from target where id=1', /exactly one SQL statement/);
    await refusedOnBoth('set local statement_timeout=0; select pg_sleep(15)', /exactly one SQL statement/);
    assert.deepEqual(await h.rows(`SELECT to_regclass('pwned') AS t`), [{ t: null }]);
    assert.deepEqual(await h.rows('SELECT count(*)::int AS n FROM target'), [{ n: 2 }]);
  });

  it('cannot write, even as one statement that first makes its transaction read-write', async () => {
    await refusedOnBoth('delete from target where id = 1', /read-only transaction|permission denied/);
    await refusedOnBoth('create table pwned(x int)', /read-only transaction|permission denied/);
    await refusedOnBoth('select lo_create(0)', /read-only transaction|permission denied/);
    assert.deepEqual(await h.rows('SELECT count(*)::int AS n FROM target'), [{ n: 2 }]);
  });

  it('cannot read server files, run programs or import large objects', async () => {
    await refusedOnBoth(`select pg_read_file('/etc/passwd')`, /permission denied/);
    await refusedOnBoth(`select pg_read_binary_file('/etc/passwd')`, /permission denied/);
    await refusedOnBoth(`select lo_import('/etc/passwd')`, /permission denied|read-only transaction/);
    await refusedOnBoth(`copy (select 1) to program 'id > ${marker}'`, /permission denied|read-only transaction/);
    await refusedOnBoth(`copy target to '${marker}'`, /permission denied|read-only transaction/);
    assert.equal(fs.existsSync(marker), false, 'the program ran');
  });

  it('cannot switch to another role, nor reset to sluice\'s own', async () => {
    const owner = new URL(h.url).username;
    await refusedOnBoth(`set role ${owner}`, /permission denied/);
    await refusedOnBoth(`set session authorization ${owner}`, /permission denied/);
    // A lone reset is harmless (each query has a connection of its own); it leaves the query's role the reader.
    const reset = await both('reset role');
    assert.ok(reset.cli.ok && reset.page.ok);
    const { cli, page } = await both('select current_user as who, session_user as session');
    assert.deepEqual(JSON.parse(cli.text), [{ who: 'sluice_reader', session: 'sluice_reader' }]);
    assert.match(page.text, /<td>sluice_reader<\/td>/);
  });

  it('cannot signal sluice\'s own connections', async () => {
    // One of sluice's own connections, held open so that there is one to aim at.
    const held = new pg.Client({ connectionString: h.url });
    await held.connect();
    try {
      const [{ pid }] = (await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
      await refusedOnBoth(`select pg_terminate_backend(${pid})`, /permission denied|must be a (superuser|member)/);
      await refusedOnBoth(`select pg_cancel_backend(${pid})`, /permission denied|must be a (superuser|member)/);
      assert.deepEqual((await held.query('SELECT 1 AS ok')).rows, [{ ok: 1 }]);
    } finally {
      await held.end();
    }
  });

  it('reads the pipelines\' tables and sluice\'s run tables, including tables created after the migration', async () => {
    const { cli, page } = await both('select id, v from target order by id');
    assert.deepEqual(JSON.parse(cli.text), [{ id: 1, v: 'a' }, { id: 2, v: 'b' }]);
    assert.match(page.text, /<td>2<\/td><td>b<\/td>/);
    const runs = await both(`select pipeline, status from sluice.runs`);
    assert.deepEqual(JSON.parse(runs.cli.text), [{ pipeline: 'target', status: 'succeeded' }]);
    await h.database.pool.query('CREATE SCHEMA later; CREATE TABLE later.t AS SELECT 42 AS answer');
    assert.deepEqual(JSON.parse((await both('select answer from later.t')).cli.text), [{ answer: 42 }]);
  });

  it('stops a statement at the time limit from outside, whatever the statement sets', async () => {
    for (const sql of ['select pg_sleep(15)', `select set_config('statement_timeout', '0', false), pg_sleep(15)`]) {
      const started = Date.now();
      await assert.rejects(readOnlyQuery(h.database, sql, 1000), /ran past 1 s and was stopped/);
      assert.ok(Date.now() - started < 10_000, `${sql} outlived its limit`);
    }
    const sleeping = await h.rows(`SELECT pid FROM pg_stat_activity WHERE query LIKE '%pg_sleep(15)%' AND pid <> pg_backend_pid()`);
    assert.deepEqual(sleeping, []);
  });

  it('refuses to serve SQL as a superuser', async () => {
    const { cli } = await both('select 1', { SLUICE_READER_URL: h.url });
    assert.equal(cli.ok, false);
    assert.match(cli.text, /refusing to run people's SQL as .*: it is a superuser/);
    assert.ok(!cli.text.includes(new URL(h.url).password), 'the password was printed');
  });

  it('says which statements an administrator runs when sluice may not create the role', async () => {
    const user = `limited_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: h.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${user} LOGIN PASSWORD 'limited-pw'`);
    await admin.query(`CREATE DATABASE ${user} OWNER ${user}`);
    await admin.end();
    const url = new URL(h.url);
    url.username = user;
    url.password = 'limited-pw';
    url.pathname = `/${user}`;
    const database = await openDatabase({ url: url.toString(), stateDir: tempDir() });
    try {
      const refusal = await readOnlyQuery(database, 'select 1', 5000).then(() => '', (error: Error) => error.message);
      assert.match(refusal, new RegExp(`${user} may not create roles`));
      for (const statement of ['CREATE ROLE sluice_reader LOGIN', 'ALTER ROLE sluice_reader SET default_transaction_read_only = on',
        `GRANT CONNECT ON DATABASE "${user}" TO sluice_reader`, 'GRANT SELECT ON ALL TABLES IN SCHEMA sluice, public TO sluice_reader',
        `ALTER DEFAULT PRIVILEGES FOR ROLE "${user}" GRANT SELECT ON TABLES TO sluice_reader`, 'SLUICE_READER_URL=']) {
        assert.ok(refusal.includes(statement), `missing: ${statement}\n${refusal}`);
      }
    } finally {
      await database.close();
    }
  });
});
