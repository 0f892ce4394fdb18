import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { buffer } from 'node:stream/consumers';
import { fixtureServer, json } from '../../../test/http-fixture.ts';
import { records } from '../../../test/security-helpers.ts';
import { RetryableError, TerminalError } from '../errors.ts';
import { sourceContract } from '../source-contract.ts';
import { http } from './http-source.ts';
import type { HttpOptions } from './http-config.ts';

const LOCAL = ['127.0.0.1'];
type Fixture = Awaited<ReturnType<typeof fixtureServer>>;

const posts = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ kind: 't3', data: { id: `p${from + i}` } }));
let server: Fixture;
let tokens = 0;
let protectedCalls = 0;

before(async () => {
  server = await fixtureServer({
    '/listing': (_req, res, url) => {
      const after = url.searchParams.get('after');
      const page = after ? Number(after.slice(1)) : 0;
      json(res, { kind: 'Listing', data: { after: page < 2 ? `c${page + 1}` : null, children: posts(page * 3, 3) } });
    },
    '/pages': (_req, res, url) => json(res, Number(url.searchParams.get('page')) <= 2 ? [{ n: Number(url.searchParams.get('page')) }] : []),
    '/offset': (_req, res, url) => {
      const offset = Number(url.searchParams.get('offset'));
      json(res, { items: Array.from({ length: offset < 4 ? 2 : 1 }, (_, i) => ({ i: offset + i })) });
    },
    '/linked': (_req, res, url) => {
      const n = Number(url.searchParams.get('n') ?? 1);
      json(res, [{ n }], n < 3 ? { link: `<${server.base}/linked?n=${n + 1}>; rel="next", <${server.base}/linked?n=1>; rel="first"` } : {});
    },
    '/nexturl': (_req, res, url) => {
      const n = Number(url.searchParams.get('n') ?? 1);
      json(res, { results: [{ n }], next: n < 2 ? `/nexturl?n=${n + 1}` : null });
    },
    '/token': (req, res) => {
      tokens++;
      const ok = req.headers.authorization === `Basic ${Buffer.from('id:shh').toString('base64')}`;
      if (!ok) return void res.writeHead(401).end();
      json(res, { access_token: `tok${tokens}`, token_type: 'bearer', expires_in: 3600 });
    },
    '/protected': (req, res) => {
      protectedCalls++;
      // The first token "expires" after its first use: the source must fetch a new one, once.
      if (req.headers.authorization !== `Bearer tok${tokens}` || (tokens === 1 && protectedCalls > 1)) return void res.writeHead(401).end('{"error":"secret details"}');
      json(res, [{ ok: true, user: req.headers['user-agent'] }]);
    },
    '/keyed': (req, res, url) => json(res, [{ header: req.headers['x-api-key'] ?? null, query: url.searchParams.get('api_key') }]),
    '/basic': (req, res) => json(res, [{ auth: req.headers.authorization }]),
    '/busy': (_req, res) => void res.writeHead(429, { 'retry-after': '7' }).end('slow down'),
    '/down': (_req, res) => void res.writeHead(503).end('maintenance'),
    '/missing': (_req, res) => void res.writeHead(404).end('gone: internal details'),
    '/slow': (_req, res) => { setTimeout(() => json(res, []), 2000).unref(); },
    '/truncated': (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": [1, 2'),
    '/cut': (_req, res) => { res.writeHead(200, { 'content-length': '1000' }); res.write('{"data": ['); setTimeout(() => res.destroy(), 20); },
    '/to-metadata': (_req, res) => void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/to-loopback-v6': (_req, res) => void res.writeHead(302, { location: `http://[::1]:${new URL(server.base).port}/pages` }).end(),
  });
});
after(() => server.close());

const source = (path: string, options: Partial<HttpOptions> = {}) => http({ url: `${server.base}${path}`, allowPrivateNetwork: LOCAL, ...options });

sourceContract('http', async () => ({ source: source('/listing', { records: 'data.children[].data', pagination: { kind: 'cursor', param: 'after', path: 'data.after' } }), projectDir: os.tmpdir() }));

describe('http() source', () => {
  it('follows a cursor from the answer, lands each page as received, and stops at the page bound', async () => {
    const s = source('/listing', { query: { limit: 3 }, records: 'data.children[].data', pagination: { kind: 'cursor', param: 'after', path: 'data.after' } });
    const pages = await s.list({ projectDir: os.tmpdir(), runId: 'r', previous: async () => undefined });
    assert.deepEqual(pages.map((p) => p.name), ['page-0001.json', 'page-0002.json', 'page-0003.json']);
    assert.match((await buffer(await pages[0]!.open())).toString(), /^\{"kind":"Listing"/);
    assert.deepEqual((await records(s)).map((r) => (r as { id: string }).id), ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8']);
    const bounded = source('/listing', { records: 'data.children[].data', pagination: { kind: 'cursor', param: 'after', path: 'data.after' }, maxPages: 2 });
    assert.equal((await records(bounded)).length, 6);
  });

  it('pages by number, by offset, by Link header and by a next URL in the answer', async () => {
    assert.deepEqual(await records(source('/pages', { pagination: { kind: 'page', param: 'page', start: 1 } })), [{ n: 1 }, { n: 2 }]);
    assert.deepEqual(await records(source('/offset', { records: 'items[]', pagination: { kind: 'offset', param: 'offset', limitParam: 'limit', limit: 2 } })),
      [{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }]);
    assert.deepEqual(await records(source('/linked', { pagination: { kind: 'link' } })), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.deepEqual(await records(source('/nexturl', { records: 'results[]', pagination: { kind: 'next-url', path: 'next' } })), [{ n: 1 }, { n: 2 }]);
  });

  it('sends an API key in a header or the query, a bearer token, or basic credentials', async () => {
    assert.deepEqual(await records(source('/keyed', { auth: { kind: 'apiKey', header: 'x-api-key', value: () => 'k1' } })), [{ header: 'k1', query: null }]);
    assert.deepEqual(await records(source('/keyed', { auth: { kind: 'apiKey', query: 'api_key', value: 'k2' } })), [{ header: null, query: 'k2' }]);
    assert.deepEqual(await records(source('/basic', { auth: { kind: 'basic', username: 'u', password: 'p' } })), [{ auth: `Basic ${Buffer.from('u:p').toString('base64')}` }]);
    assert.deepEqual(await records(source('/basic', { auth: { kind: 'bearer', token: 't' } })), [{ auth: 'Bearer t' }]);
  });

  it('gets an OAuth2 client-credentials token, reuses it, and fetches a new one once on a 401', async () => {
    const s = source('/protected', { auth: { kind: 'oauth2', tokenUrl: `${server.base}/token`, clientId: 'id', clientSecret: () => 'shh' }, userAgent: 'sluice-test/1.0' });
    assert.deepEqual(await records(s), [{ ok: true, user: 'sluice-test/1.0' }]);
    assert.equal(tokens, 1);
    assert.deepEqual(await records(s), [{ ok: true, user: 'sluice-test/1.0' }]);
    assert.equal(tokens, 2, 'the token the server refused was replaced once');
    const wrong = source('/protected', { auth: { kind: 'oauth2', tokenUrl: `${server.base}/token`, clientId: 'id', clientSecret: 'wrong' } });
    await assert.rejects(records(wrong), (e: unknown) => e instanceof TerminalError && /401 Unauthorized \(check the client id and secret\)/.test((e as Error).message));
  });

  it('classifies failures: 429 (with Retry-After), 503, a timeout, truncated or cut answers are retryable', async () => {
    const retryable = async (path: string, pattern: RegExp, options: Partial<HttpOptions> = {}) => {
      await assert.rejects(records(source(path, options)), (e: unknown) => e instanceof RetryableError && pattern.test((e as Error).message));
    };
    await assert.rejects(records(source('/busy')), (e: unknown) => e instanceof RetryableError && e.retryAfterMs === 7000);
    await retryable('/down', /GET http:\/\/127\.0\.0\.1:\d+\/down: 503 Service Unavailable/);
    await retryable('/slow', /timed out/, { timeoutMs: 200 });
    await retryable('/truncated', /not complete JSON/);
    await retryable('/cut', /\/cut: /);
  });

  it('fails terminally on 401 and 404, naming the URL without its query and never the answer body', async () => {
    const fails = (path: string, options: Partial<HttpOptions>) => assert.rejects(records(source(path, options)), (e: unknown) => {
      const message = (e as Error).message;
      return e instanceof TerminalError && !message.includes('secret') && !message.includes('details') && !message.includes('k-secret');
    });
    await fails('/missing', { query: { api_key: 'k-secret' } });
    await assert.rejects(records(source('/missing', { query: { api_key: 'k-secret' } })), /GET http:\/\/127\.0\.0\.1:\d+\/missing\?…: 404 Not Found$/);
    await fails('/protected', { auth: { kind: 'bearer', token: 'k-secret' } });
  });

  it('refuses loopback, link-local, metadata and private addresses unless allowed, also after a redirect', async () => {
    const port = new URL(server.base).port;
    const refused = (url: string, allow: HttpOptions['allowPrivateNetwork'] = false) =>
      assert.rejects(records(http({ url, allowPrivateNetwork: allow })), (e: unknown) => e instanceof TerminalError && /not a public address/.test((e as Error).message), url);
    await refused(`${server.base}/pages`);
    await refused(`http://localhost:${port}/pages`);
    await refused('http://169.254.169.254/latest/meta-data/');
    await refused(`http://[::1]:${port}/pages`);
    await refused(`http://[::ffff:127.0.0.1]:${port}/pages`);
    await refused('http://10.0.0.1/x');
    await refused(`${server.base}/to-metadata`, LOCAL);
    await refused(`${server.base}/to-loopback-v6`, LOCAL);
  });
});
