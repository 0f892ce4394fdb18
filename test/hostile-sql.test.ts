import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readOnlyQuery } from '../src/database/read-only-query.ts';
import { localLake } from '../src/lake/local-lake.ts';
import { withPipelineLock } from '../src/pipeline/pipeline-lock.ts';
import { queryLake } from '../src/publish/lake-query.ts';
import { harness, tempDir } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;

describe('people\'s SQL cannot get in the way of sluice\'s own work', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  it('a reader holding a pipeline\'s advisory lock is ended, so it cannot make that pipeline\'s runs wait or be skipped', async () => {
    // Reproduced by hand: `sluice query "select pg_advisory_lock(...sluice.pipeline, orders), pg_sleep(20)"` made
    // `sluice run orders` wait 16 s, and with concurrency 'skip' a run is skipped ("nothing was run").
    const held = readOnlyQuery(h.database, `select pg_advisory_lock(hashtext('sluice.pipeline'), hashtext('orders')), pg_sleep(20)`, 30_000)
      .then(() => 'held to the end', (e: Error) => e.message);
    let holding = false;
    for (let i = 0; i < 50 && !holding; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      holding = (await h.rows(`SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND a.usename = 'sluice_reader'`)).length > 0;
    }
    assert.ok(holding, 'the reader never took the lock');
    assert.equal(await withPipelineLock(h.database, 'orders', 'skip', async () => 'ran'), 'ran');
    assert.match(await held, /terminat|connection/i);
    // sluice's own locks still work for a role created after migrating (revoking the functions from PUBLIC broke that).
    assert.equal(await withPipelineLock(h.database, 'orders', 'queue', async () => 'ran'), 'ran');
  });

  it('people\'s SQL cannot take every connection of the server: the reader role has a connection limit', async () => {
    // 120 queries sent at once from one process ran 96 and left sluice the 3 slots a superuser keeps (reproduced by
    // hand); flooding the role here would fail other test files' queries on the shared test cluster, so this checks
    // the limit itself, and that sluice still gets connections of its own past it.
    const [role] = await h.rows<{ limit: number }>(`SELECT rolconnlimit AS limit FROM pg_roles WHERE rolname = 'sluice_reader'`);
    assert.ok(role!.limit >= 1 && role!.limit <= 32, `sluice_reader may open ${role!.limit === -1 ? 'any number of' : role!.limit} connections`);
    const { rows: [max] } = await h.database.pool.query<{ n: number }>(`SELECT setting::int AS n FROM pg_settings WHERE name = 'max_connections'`);
    assert.ok(max!.n - role!.limit >= 50, `${max!.n - role!.limit} connections left for sluice`);
  });

  it('refuses COPY ... TO STDOUT instead of showing a table with rows as "0 rows"', async () => {
    await assert.rejects(readOnlyQuery(h.database, 'copy (select 1 union all select 2) to stdout', 5_000), /not a COPY: write it as a SELECT/);
  });

  it('the SQL page stops reading a huge answer at its row limit, instead of holding it all in the process that runs the scheduler', async () => {
    // 400 rows of 1 MB: 400 MB if read whole; the page shows 1,000 rows at most, so a limit of 3 reads 3 (and one more, to know).
    const sql = `select n, repeat('x', 1000000) as pad from generate_series(1, 400) n`;
    const heap = process.memoryUsage().heapUsed;
    const answer = await readOnlyQuery(h.database, sql, 20_000, { maxRows: 3 });
    assert.deepEqual(answer.rows.map((r) => r[0]), [1, 2, 3, 4]);
    assert.equal(answer.truncated, true);
    assert.ok(process.memoryUsage().heapUsed - heap < 100_000_000, `heap grew by ${process.memoryUsage().heapUsed - heap} bytes`);
    // Rows of any size: the answer also stops at a byte budget.
    const wide = await readOnlyQuery(h.database, `select repeat('y', 10000000) from generate_series(1, 100)`, 20_000, { maxRows: 1000 });
    assert.ok(wide.rows.length < 100 && wide.truncated, `${wide.rows.length} rows of 10 MB`);
    // The server stopped the statement: the reader's connection is gone.
    let active = -1;
    for (let i = 0; i < 50 && active !== 0; i++) {
      if (i) await new Promise((resolve) => setTimeout(resolve, 100));
      active = (await h.rows<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'sluice_reader' AND state = 'active'`))[0]!.n;
    }
    assert.equal(active, 0, 'the reader\'s statement still runs');
  });
});

describe('lake SQL reads no file but the curated ones, not even DuckDB\'s temp folder', () => {
  it('refuses a file in ./.tmp (DuckDB\'s default temp directory, which it allows by itself)', async () => {
    const project = tempDir();
    const before = process.cwd();
    process.chdir(project);
    const cwd = process.cwd();
    fs.mkdirSync(path.join(cwd, '.tmp'), { recursive: true });
    const secret = path.join(cwd, '.tmp', `hostile-${process.pid}.txt`);
    fs.writeFileSync(secret, 'hunter2\n');
    try {
      const options = { folder: path.join(project, 'lake', 'curated'), cacheDir: path.join(project, 'cache') };
      await assert.rejects(queryLake(localLake(path.join(project, 'lake')), `select content from read_text('${secret}')`, options), /Permission Error/);
      await assert.rejects(queryLake(localLake(path.join(project, 'lake')), `select * from glob('${path.join(cwd, '.tmp')}/*')`, options).then((r) => {
        if (r.rows.length) throw new Error(`listed ${JSON.stringify(r.rows)}`);
        throw new Error('Permission Error: listed nothing');
      }), /Permission Error/);
    } finally {
      process.chdir(before);
    }
  });
});

describe('lake SQL on the SQL page makes only the rows it shows', () => {
  it('a query of 300 million rows is not made whole before the first 1,001 are read', async () => {
    const project = tempDir();
    const options = { folder: path.join(project, 'lake', 'curated'), cacheDir: path.join(project, 'cache'), maxRows: 1001 };
    const rss = process.memoryUsage().rss;
    // Materialized, 300 M BIGINTs are 2.4 GB in DuckDB before a row is returned.
    const answer = await queryLake(localLake(path.join(project, 'lake')), 'select n from range(300000000) t(n)', options);
    const grown = process.memoryUsage().rss - rss;
    assert.ok(answer.rows.length >= 1001 && answer.rows.length < 10_000, `${answer.rows.length} rows`);
    assert.ok(grown < 1_000_000_000, `the process grew by ${Math.round(grown / 1e6)} MB`);
  });
});
