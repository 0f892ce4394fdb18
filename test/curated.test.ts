import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { col, definePipeline, files, parquet, postgres } from '../src/index.ts';
import { harness, sluice, tempDir } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;

describe('the curated zone', () => {
  let h: Harness;
  let project: string;
  before(async () => {
    h = await harness();
    project = tempDir();
  });
  after(() => h.close());
  const lakeQuery = (sql: string) => sluice(['query', sql, '--lake', '--json', '--project', project], { SLUICE_LAKE: path.join(h.dir, 'lake'), DATABASE_URL: h.url });

  it('writes each load as Parquet under curated/<table>/dt=<date>/<runId>.parquet, queryable with SQL', async () => {
    const p = definePipeline({
      name: 'weather', source: files('*.csv', { dir: 'in' }),
      destination: parquet.table('weather', { columns: { city: col.text(), at: col.timestamptz(), temp_c: col.numeric(5, 1), raw: col.jsonb() } }),
    });
    h.files({ 'a.csv': 'city,at,temp_c,raw\nOslo,2026-01-01T10:00:00Z,-3.5,"{""wind"":4}"\nRome,2026-01-01T10:00:00Z,12.0,\n' });
    const first = await h.run(p);
    h.files({ 'b.csv': 'city,at,temp_c,raw\nLima,2026-01-01T10:00:00Z,22.5,\n' });
    const second = await h.run(p);
    assert.deepEqual([first.status, second.status], ['succeeded', 'succeeded']);
    const date = new Date().toISOString().slice(0, 10);
    assert.ok(fs.existsSync(path.join(h.dir, 'lake/curated/weather', `dt=${date}`, `${first.runId}.parquet`)));
    const out = lakeQuery(`select city, temp_c, raw->>'wind' as wind, dt from weather order by city`);
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), [
      { city: 'Lima', temp_c: '22.5', wind: null, dt: date },
      { city: 'Oslo', temp_c: '-3.5', wind: '4', dt: date },
      { city: 'Rome', temp_c: '12.0', wind: null, dt: date },
    ]);
  });

  it('mirrors a Postgres load into Parquet with curated: true', async () => {
    const p = definePipeline({
      name: 'mirror', source: files('*.csv', { dir: 'in' }),
      destination: postgres.table('mirror', { columns: { id: col.integer(), v: col.text() }, write: { mode: 'merge', key: ['id'] }, curated: true }),
    });
    h.files({ 'm.csv': 'id,v\n1,a\n2,b\n' });
    const result = await h.run(p);
    assert.equal(result.status, 'succeeded', result.error ?? '');
    assert.match(result.notes.join('\n'), /wrote curated\/mirror\/dt=.*\.parquet/);
    assert.deepEqual(await h.rows('SELECT count(*)::int AS n FROM mirror'), [{ n: 2 }]);
    assert.deepEqual(JSON.parse(lakeQuery('select count(*)::int as n from mirror').stdout), [{ n: 2 }]);
  });

  it('answers only read-only queries, and reads nothing outside the curated zone', () => {
    const write = lakeQuery(`copy (select 1) to '/tmp/x.csv'`);
    assert.equal(write.status, 1);
    assert.match(write.stderr, /read-only queries only/);
    const escape = lakeQuery(`select * from read_csv('/etc/passwd')`);
    assert.equal(escape.status, 1);
    assert.match(escape.stderr, /Permission Error/);
  });
});
