import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TerminalError } from '../src/extract/errors.ts';
import { http as httpSource } from '../src/index.ts';
import { fixtureServer, json } from './http-fixture.ts';
import { records } from './security-helpers.ts';

const LOCAL = ['127.0.0.1'];
const SECRET = 'canary-secret-77aa';
type Fixture = Awaited<ReturnType<typeof fixtureServer>>;

describe('credentials stay with their origin, whatever they are called and however the origin is spelled', () => {
  let a: Fixture;
  let b: Fixture;
  before(async () => {
    b = await fixtureServer({ '/data': (_req, res) => json(res, [{ from: 'b' }]) });
    const port = new URL((b.base)).port;
    a = await fixtureServer({
      '/moved': (_req, res) => void res.writeHead(302, { location: `${b.base}/data` }).end(),
      // Same host and port as b but spelled as another host: another origin all the same.
      '/moved-by-name': (_req, res) => void res.writeHead(302, { location: `http://localhost:${port}/data` }).end(),
      '/moved-home-upper': (_req, res) => void res.writeHead(302, { location: `HTTP://127.0.0.1:${new URL(a.base).port}/data` }).end(),
      '/data': (_req, res) => json(res, [{ from: 'a' }]),
    });
  });
  after(async () => { await a.close(); await b.close(); });
  const leaked = (requests: Fixture['requests']) => requests.filter((r) => JSON.stringify(r.headers).includes(SECRET)).map((r) => r.headers);

  it('drops key headers whose names do not say "api key" (Azure\'s Ocp-Apim-Subscription-Key, x-functions-key, X-Key)', async () => {
    b.requests.splice(0);
    const headers = { 'Ocp-Apim-Subscription-Key': SECRET, 'x-functions-key': SECRET, 'X-Key': SECRET, 'X-Access-Key-Id': SECRET };
    assert.deepEqual(await records(httpSource({ url: `${a.base}/moved`, headers, allowPrivateNetwork: LOCAL })), [{ from: 'b' }]);
    assert.deepEqual(leaked(b.requests.splice(0)), []);
  });

  it('treats another spelling of a host as another origin, and an upper-case scheme as the same one', async () => {
    b.requests.splice(0);
    await records(httpSource({ url: `${a.base}/moved-by-name`, auth: { kind: 'bearer', token: SECRET }, allowPrivateNetwork: ['127.0.0.1', '::1'] }));
    const atB = b.requests.splice(0);
    assert.equal(atB.length, 1);
    assert.deepEqual(leaked(atB), []);
    a.requests.splice(0);
    await records(httpSource({ url: `${a.base.replace('http:', 'HTTP:')}/moved-home-upper`, auth: { kind: 'bearer', token: SECRET }, allowPrivateNetwork: LOCAL }));
    assert.equal(a.requests.at(-1)!.headers.authorization, `Bearer ${SECRET}`);
  });

  it('a URL with a password in it is a terminal mistake named without the password, not a connection failure to retry', async () => {
    const url = new URL(`${a.base}/data`);
    url.username = 'bob';
    url.password = SECRET;
    const failure = await records(httpSource({ url: url.toString(), allowPrivateNetwork: LOCAL })).then(() => undefined, (error: Error) => error);
    assert.ok(failure instanceof TerminalError, `${failure?.constructor.name}: ${failure?.message}`);
    assert.match(failure.message, /user name or password.*auth: \{ kind: 'basic'/);
    assert.doesNotMatch(failure.message, new RegExp(SECRET));
  });
});
