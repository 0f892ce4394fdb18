import assert from 'node:assert/strict';
import http from 'node:http';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { text } from 'node:stream/consumers';
import { webhook } from '../src/alerts/webhook.ts';
import { col, definePipeline, http as httpSource, httpFile, postgres } from '../src/index.ts';
import { runWithRetry } from '../src/pipeline/run-with-retry.ts';
import { fixtureServer, json } from './http-fixture.ts';
import { harness } from './helpers.ts';
import { records } from './security-helpers.ts';

const LOCAL = ['127.0.0.1'];
const SECRET = 'canary-secret-4c1d';
type Fixture = Awaited<ReturnType<typeof fixtureServer>>;

describe('credentials stay with their origin', () => {
  // Two origins on loopback: the API (a) and another host (b) that a redirect or a pagination link points to.
  let a: Fixture;
  let b: Fixture;
  before(async () => {
    b = await fixtureServer({
      '/data': (_req, res) => json(res, [{ from: 'b' }]),
      '/hook': (_req, res) => json(res, { ok: true }),
    });
    a = await fixtureServer({
      '/moved': (_req, res, url) => void res.writeHead(302, { location: `${b.base}/data${url.search}` }).end(),
      '/moved-here': (_req, res) => void res.writeHead(302, { location: '/data' }).end(),
      '/data': (_req, res) => json(res, [{ from: 'a' }]),
      '/paged': (_req, res) => json(res, { items: [{ from: 'a' }], next: `${b.base}/data` }),
      '/file.csv': (_req, res) => void res.writeHead(302, { location: `${b.base}/data` }).end(),
      '/hook': (_req, res, url) => void res.writeHead(307, { location: `${b.base}/hook${url.search}` }).end(),
      '/token': (_req, res) => json(res, { access_token: SECRET, expires_in: 3600 }),
    });
  });
  after(async () => { await a.close(); await b.close(); });
  const atB = () => b.requests.splice(0);
  const leaked = (requests: Fixture['requests']) => requests.filter((r) => JSON.stringify({ h: r.headers, q: [...r.query], body: r.body }).includes(SECRET));

  it('drops Authorization on a redirect to another origin, and keeps it on the same origin', async () => {
    atB();
    assert.deepEqual(await records(httpSource({ url: `${a.base}/moved`, auth: { kind: 'bearer', token: SECRET }, allowPrivateNetwork: LOCAL })), [{ from: 'b' }]);
    const requests = atB();
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.headers.authorization, undefined);
    a.requests.splice(0);
    await records(httpSource({ url: `${a.base}/moved-here`, auth: { kind: 'bearer', token: SECRET }, allowPrivateNetwork: LOCAL }));
    assert.equal(a.requests.at(-1)!.headers.authorization, `Bearer ${SECRET}`);
  });

  it('drops API-key headers and query parameters, cookies and OAuth2 tokens on the way to another origin', async () => {
    atB();
    await records(httpSource({ url: `${a.base}/moved`, auth: { kind: 'apiKey', query: 'api_key', value: SECRET }, headers: { cookie: `session=${SECRET}`, 'x-api-key': SECRET }, allowPrivateNetwork: LOCAL }));
    await records(httpSource({ url: `${a.base}/moved`, auth: { kind: 'apiKey', header: 'x-weather-key', value: SECRET }, allowPrivateNetwork: LOCAL }));
    await records(httpSource({ url: `${a.base}/moved`, auth: { kind: 'oauth2', tokenUrl: `${a.base}/token`, clientId: 'id', clientSecret: 'shh' }, allowPrivateNetwork: LOCAL }));
    const requests = atB();
    assert.equal(requests.length, 3);
    assert.deepEqual(leaked(requests), []);
    assert.equal(requests[0]!.query.has('api_key'), false);
  });

  it('drops them when a pagination link leads to another origin', async () => {
    atB();
    const source = httpSource({ url: `${a.base}/paged`, auth: { kind: 'bearer', token: SECRET }, records: 'items[]', pagination: { kind: 'next-url', path: 'next' }, maxPages: 2, allowPrivateNetwork: LOCAL });
    assert.equal((await records(source)).length, 1);
    const requests = atB();
    assert.equal(requests.length, 1);
    assert.deepEqual(leaked(requests), []);
  });

  it('sends them to the other origins listed in allowCredentialsTo', async () => {
    atB();
    await records(httpSource({ url: `${a.base}/moved`, auth: { kind: 'bearer', token: SECRET }, allowCredentialsTo: [b.base], allowPrivateNetwork: LOCAL }));
    assert.equal(atB()[0]!.headers.authorization, `Bearer ${SECRET}`);
  });

  it('httpFile() and webhook alerts keep their credentials at home too', async () => {
    atB();
    const file = httpFile(`${a.base}/file.csv`, { format: 'json', headers: { authorization: `Bearer ${SECRET}` }, allowPrivateNetwork: LOCAL });
    const [object] = await file.list({ projectDir: os.tmpdir(), runId: 'r', previous: async () => undefined });
    assert.match(await text(await object!.open()), /"from":"b"/);
    const hook = webhook({ url: `${a.base}/hook?token=${SECRET}`, headers: { authorization: `Bearer ${SECRET}` }, allowPrivateNetwork: LOCAL });
    await hook.channel.send({ text: "run failed", details: {} } as never, {} as never);
    const requests = atB();
    assert.deepEqual(requests.map((r) => r.path), ['/data', '/hook']);
    assert.deepEqual(leaked(requests), []);
    assert.match(requests[1]!.body, /run failed/, 'a 307 keeps the method and the body');
  });
});

describe('timeoutMs bounds the whole request', () => {
  let server: http.Server;
  let base: string;
  let requests = 0;
  const h = harness();
  before(async () => {
    // Headers at once, then a body that never comes.
    server = http.createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[{"station":');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await (await h).close();
  });

  it('fails a stalled body within timeoutMs as retryable, and the retry policy tries again', async () => {
    const env = await h;
    const pipeline = definePipeline({
      name: 'stalled', source: httpSource({ url: `${base}/v1`, timeoutMs: 300, allowPrivateNetwork: LOCAL }),
      transform: (o: Record<string, unknown>) => ({ station: String(o.station) }),
      destination: postgres.table('stalled', { columns: { station: col.text() } }),
      retry: { attempts: 2, delayMs: 10, then: 'fail' },
    });
    const started = Date.now();
    const result = await runWithRetry(pipeline, { projectDir: env.dir, database: env.database, lake: env.lake });
    assert.deepEqual([result.status, result.attempt, requests], ['failed', 2, 2]);
    assert.match(result.error!, /timed out after 300 ms/);
    assert.ok(Date.now() - started < 20_000, 'a stalled body held the run');
  });
});
