import assert from 'node:assert/strict';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import S3rver from 's3rver';
import { col, definePipeline, files, http, httpFile, postgres } from '../src/index.ts';
import { openLake } from '../src/lake/open-lake.ts';
import { fixtureServer } from './http-fixture.ts';
import { harness, tempDir } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;

describe('sources: files over HTTP, bucket prefixes, links, changed files', () => {
  let h: Harness;
  let csv = 'date,cases\n2020-01-21,1\n2020-01-22,1\n';
  let version = 1;
  let server: Awaited<ReturnType<typeof fixtureServer>>;
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-')) });

  before(async () => {
    h = await harness();
    server = await fixtureServer({
      '/us.csv': (req, res) => {
        const etag = `"v${version}"`;
        if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
        res.writeHead(200, { etag, 'content-type': 'text/csv' }).end(csv);
      },
    });
    const { port } = (await s3.run()) as { port: number };
    Object.assign(process.env, { SLUICE_S3_ENDPOINT: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' });
  });
  after(async () => {
    await h.close();
    await server.close();
    await s3.close();
  });

  it('downloads a file over HTTP only when it changed (ETag), and merges its rows', async () => {
    const p = definePipeline({
      name: 'covid-http', source: httpFile(`${server.base}/us.csv`, { allowPrivateNetwork: ['127.0.0.1'] }),
      destination: postgres.table('covid_http', { columns: { date: col.date(), cases: col.bigint() }, write: { mode: 'merge', key: ['date'] } }),
    });
    assert.equal((await h.run(p)).counts.inserted, 2);
    const unchanged = await h.run(p);
    assert.deepEqual([unchanged.status, unchanged.counts.extracted, unchanged.rawObjects.length], ['succeeded', 0, 0]);
    assert.equal(server.requests.at(-1)!.headers['if-none-match'], '"v1"');
    csv += '2020-01-23,2\n';
    version = 2;
    const changed = await h.run(p);
    assert.deepEqual([changed.counts.inserted, changed.counts.unchanged], [1, 2]);
  });

  it('reads files under a bucket prefix, and lands the raw zone in a bucket', async () => {
    const client = new S3Client({ region: 'us-east-1', endpoint: process.env.SLUICE_S3_ENDPOINT, forcePathStyle: true });
    for (const bucket of ['source', 'lake']) await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'drops/2026/a.csv', Body: 'id\n1\n2\n' }));
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'drops/2026/b.txt', Body: 'not matched' }));
    const p = definePipeline({
      name: 'from-bucket', source: files('2026/*.csv', { dir: 's3://source/drops' }),
      destination: postgres.table('from_bucket', { columns: { id: col.integer() } }),
    });
    const lake = openLake('s3://lake/team', h.dir);
    const { runPipeline } = await import('../src/pipeline/run-pipeline.ts');
    const result = await runPipeline(p, { projectDir: h.dir, database: h.database, lake });
    assert.equal(result.status, 'succeeded', result.error ?? '');
    assert.equal(result.counts.loaded, 2);
    const keys: string[] = [];
    for await (const o of lake.list('raw/from-bucket/')) keys.push(o.key);
    assert.deepEqual(keys.map((k) => k.split('/').slice(4).join('/')), ['2026/a.csv', '_manifest.json']);
  });

  it('loads many objects into a bucket lake each once, with its own lines (read ahead of the parsing)', async () => {
    const client = new S3Client({ region: 'us-east-1', endpoint: process.env.SLUICE_S3_ENDPOINT, forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: 'many' }));
    const inputs = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`m${i}.csv`, `id,v\n${i * 10 + 1},a\n${i * 10 + 2},b\nx${i},c\n${i * 10 + 3},d\n`]));
    h.files(inputs);
    const p = definePipeline({
      name: 'many', source: files('m*.csv', { dir: 'in' }), transform: (row) => ({ id: row.id, v: `${row.v}` }),
      destination: postgres.table('many_t', { columns: { id: col.integer(), v: col.text() } }),
    });
    const { runPipeline } = await import('../src/pipeline/run-pipeline.ts');
    const result = await runPipeline(p, { projectDir: h.dir, database: h.database, lake: openLake('s3://many', h.dir) });
    assert.equal(result.status, 'succeeded', result.error ?? '');
    assert.deepEqual([result.counts.loaded, result.counts.rejected], [27, 9]);
    assert.deepEqual((await h.rows<{ id: number }>('SELECT id FROM many_t ORDER BY id')).map((r) => r.id),
      Array.from({ length: 9 }, (_, i) => [i * 10 + 1, i * 10 + 2, i * 10 + 3]).flat());
    // Each file's bad row is named with its own file and line.
    assert.deepEqual(await h.rows('SELECT source, line FROM sluice.rejects WHERE run_id = $1 ORDER BY source', [result.runId]),
      Array.from({ length: 9 }, (_, i) => ({ source: `m${i}.csv`, line: 4 })));
  });

  it('never follows a link out of the source folder', async () => {
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'secret.csv'), 'id\n42\n');
    h.files({ 'ok.csv': 'id\n1\n' });
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(h.dir, 'in/link.csv'));
    const p = definePipeline({ name: 'links', source: files('*.csv', { dir: 'in' }), destination: postgres.table('links', { columns: { id: col.integer() } }) });
    const result = await h.run(p);
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /link\.csv is a link to a file outside .*; sluice does not follow it/);
  });

  it('reads JSON lines, quarantining a line that is not a JSON object', async () => {
    h.files({ 'e.jsonl': '{"id": 1, "tags": ["a"]}\n\n{"id": 2, "tags": []}\nnot json\n[1]\n' });
    const p = definePipeline({
      name: 'jsonl', source: files('*.jsonl', { dir: 'in', format: 'jsonl' }),
      destination: postgres.table('jsonl_t', { columns: { id: col.integer(), tags: col.jsonb() } }),
    });
    const result = await h.run(p);
    assert.deepEqual([result.counts.loaded, result.counts.rejected], [2, 2]);
    assert.deepEqual(await h.rows('SELECT line FROM sluice.rejects WHERE run_id = $1 ORDER BY line', [result.runId]), [{ line: 4 }, { line: 5 }]);
    assert.deepEqual(await h.rows('SELECT id, tags FROM jsonl_t ORDER BY id'), [{ id: 1, tags: ['a'] }, { id: 2, tags: [] }]);
  });

  it('loads nothing when a later page of an API fails, and lands nothing half-fetched', async () => {
    let calls = 0;
    const api = await fixtureServer({
      '/items': (_req, res, u) => {
        calls++;
        if (u.searchParams.get('page') === '2') return void res.writeHead(503).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ id: 1 }]));
      },
    });
    try {
      const p = definePipeline({
        name: 'half', source: http({ url: `${api.base}/items`, pagination: { kind: 'page', param: 'page', start: 1 }, allowPrivateNetwork: ['127.0.0.1'] }),
        destination: postgres.table('half_t', { columns: { id: col.integer() } }),
      });
      const result = await h.run(p);
      assert.deepEqual([result.status, result.retryable, result.rawObjects.length, calls], ['failed', true, 0, 2]);
      assert.deepEqual(await h.rows(`SELECT to_regclass('half_t') AS t`), [{ t: null }]);
    } finally {
      await api.close();
    }
  });

  it("leaves a changed file alone with onChange: 'ignore', and loads it again by default", async () => {
    const make = (onChange: 'reload' | 'ignore') => definePipeline({
      name: `change-${onChange}`, source: files('*.csv', { dir: 'in', onChange }),
      destination: postgres.table(`change_${onChange}`, { columns: { id: col.integer() } }),
    });
    h.files({ 'a.csv': 'id\n1\n' });
    await h.run(make('ignore'));
    await h.run(make('reload'));
    h.files({ 'a.csv': 'id\n1\n2\n' });
    assert.equal((await h.run(make('ignore'))).counts.loaded, 0);
    assert.equal((await h.run(make('reload'))).counts.loaded, 2);
  });
});
