import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDashboard } from '../src/dashboard/dashboard.ts';
import { csrfToken } from '../src/dashboard/dashboard-token.ts';
import { localLake } from '../src/lake/local-lake.ts';
import { harness, sluiceAsync, tempDir } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
const TOKEN = 'test-token-0123456789';

describe('SQL for people on the lake (sluice query --lake, the SQL page) only reads the curated Parquet', () => {
  let h: Harness;
  let app: ReturnType<typeof createDashboard>;
  const project = tempDir();
  const lake = path.join(project, 'lake');
  const partition = path.join(lake, 'curated/t/dt=2026-11-23');
  const outside = path.join(project, 'outside.csv');
  before(async () => {
    h = await harness();
    fs.mkdirSync(partition, { recursive: true });
    fs.writeFileSync(outside, 'secret\nhunter2\n');
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    await connection.run(`COPY (SELECT 1 AS id, 'real' AS v) TO '${partition}/a.parquet'`);
    connection.closeSync();
    duck.closeSync();
    app = createDashboard({
      token: TOKEN, database: h.database, lake: localLake(lake), pipelines: [], runNow: async () => 'x',
      lakePlaces: { folder: path.join(lake, 'curated'), cacheDir: path.join(project, 'cache') },
    });
  });
  after(() => h.close());

  async function both(sql: string) {
    const cli = await sluiceAsync(['query', sql, '--lake', '--json', '--project', project], { SLUICE_LAKE: lake, DATABASE_URL: h.url });
    const page = await app.request('/sql', {
      method: 'POST', headers: { cookie: `sluice_token=${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sql, lake: '1', csrf: csrfToken(TOKEN) }).toString(),
    });
    return { cli: { ok: cli.status === 0, text: cli.stdout + cli.stderr }, page: { ok: page.status === 200, text: await page.text() } };
  }

  async function refusedOnBoth(sql: string, reason: RegExp) {
    const { cli, page } = await both(sql);
    assert.equal(cli.ok, false, `sluice query --lake ran ${sql}: ${cli.text}`);
    assert.match(cli.text, reason, sql);
    assert.equal(page.ok, false, `the SQL page ran ${sql}: ${page.text}`);
    assert.match(page.text, reason, sql);
  }

  it('answers one SELECT over the curated tables', async () => {
    const { cli, page } = await both('select id, v, dt from t');
    assert.deepEqual(JSON.parse(cli.text), [{ id: 1, v: 'real', dt: '2026-11-23' }]);
    assert.match(page.text, /<td>real<\/td>/);
  });

  it('refuses a second statement, so nothing can be planted in the curated zone', async () => {
    await refusedOnBoth(`select 1; copy (select 999 as id, 'FORGED' as v) to '${partition}/forged.parquet'`, /exactly one SELECT.*2 statements/);
    await refusedOnBoth(`copy (select 999 as id, 'FORGED' as v) to '${partition}/forged.parquet'`, /read-only queries only/);
    await refusedOnBoth(`copy (select 999 as id) to '${path.join(lake, 'curated/t/forged.parquet')}'`, /read-only queries only/);
    assert.deepEqual(fs.readdirSync(partition), ['a.parquet']);
    assert.deepEqual(fs.readdirSync(path.join(lake, 'curated/t')), ['dt=2026-11-23']);
    assert.deepEqual(JSON.parse((await both('select v from t')).cli.text), [{ v: 'real' }]);
  });

  it('reads no file outside the curated zone', async () => {
    for (const sql of [`select * from read_text('/etc/passwd')`, `select * from read_csv('${outside}')`, `select * from read_text('${outside}')`,
      `select * from read_csv('${partition}/../../../../outside.csv')`, `select * from glob('${project}/*')`]) {
      await refusedOnBoth(sql, /Permission Error/);
    }
  });

  it('refuses ATTACH, INSTALL, LOAD and changing its settings', async () => {
    await refusedOnBoth(`attach '${path.join(project, 'x.db')}'`, /read-only queries only/);
    await refusedOnBoth(`attach ':memory:' as m`, /read-only queries only/);
    await refusedOnBoth('install httpfs', /read-only queries only/);
    await refusedOnBoth('load httpfs', /read-only queries only/);
    await refusedOnBoth('set enable_external_access = true', /read-only queries only/);
    await refusedOnBoth(`select set_config('enable_external_access', 'true')`, /Catalog Error|locked/);
    assert.equal(fs.existsSync(path.join(project, 'x.db')), false);
  });
});
