/**
 * A local stand-in for the Reddit API, answering in its shapes: the OAuth2 client-credentials token endpoint and
 * `/r/{subreddit}/hot` Listings of `t3` posts (two stickied ones first, so an answer holds 102 children).
 * Content is generated per hour, so each hour's snapshot differs. `--listing FILE` serves a recorded answer instead.
 * Usage: node examples/reddit-hot/fixture.ts [--port 4691] [--listing shared/data/reddit/popular_hot_limit100_2026-04-13.json]
 */
import fs from 'node:fs';
import http from 'node:http';

export const FIXTURE_CLIENT = { id: 'fixture-client-id', secret: 'fixture-client-secret' };

function post(sub: string, hour: number, rank: number, stickied: boolean) {
  const seed = (hour * 131 + rank * 7919) % 100_003;
  return {
    kind: 't3',
    data: {
      id: `h${hour.toString(36)}r${rank}`, name: `t3_h${hour.toString(36)}r${rank}`, subreddit: sub,
      title: `  ${stickied ? 'Weekly thread' : `Post ${rank}`}: pipelines, hour ${hour}  `, author: `user_${seed % 997}`,
      score: stickied ? 5 : Math.max(1, 5000 - rank * 40 + (seed % 300)), upvote_ratio: 0.5 + (seed % 50) / 100,
      num_comments: seed % 700, created_utc: hour * 3600 - (rank + 1) * 97, url: `https://example.com/${seed}`,
      permalink: `/r/${sub}/comments/${seed}/post_${rank}/`, is_self: rank % 3 === 0, over_18: false, stickied,
      link_flair_text: rank % 4 === 0 ? 'Discussion' : null, domain: 'example.com',
    },
  };
}

/** Starts the fixture on 127.0.0.1; `port` 0 picks a free one. */
export async function startRedditFixture(port = 4691, listingFile?: string): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://127.0.0.1');
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
    if (req.method === 'POST' && url.pathname === '/api/v1/access_token') {
      const expected = `Basic ${Buffer.from(`${FIXTURE_CLIENT.id}:${FIXTURE_CLIENT.secret}`).toString('base64')}`;
      req.resume();
      return req.headers.authorization === expected
        ? send(200, { access_token: `fixture-token-${Date.now()}`, token_type: 'bearer', expires_in: 86400, scope: '*' })
        : send(401, { message: 'Unauthorized', error: 401 });
    }
    const hot = /^\/r\/([A-Za-z0-9_]+)\/hot$/.exec(url.pathname);
    if (req.method === 'GET' && hot) {
      if (!req.headers.authorization?.startsWith('Bearer fixture-token-')) return send(401, { message: 'Unauthorized', error: 401 });
      if (!req.headers['user-agent']) return send(429, { message: 'Too Many Requests', error: 429 });
      if (listingFile) return void res.writeHead(200, { 'content-type': 'application/json' }).end(fs.readFileSync(listingFile));
      const hour = Math.floor(Date.now() / 3_600_000);
      const limit = Number(url.searchParams.get('limit') ?? 25);
      const children = [post(hot[1]!, hour, 0, true), post(hot[1]!, hour, 1, true), ...Array.from({ length: limit }, (_, i) => post(hot[1]!, hour, i + 2, false))];
      return send(200, { kind: 'Listing', data: { after: children.at(-1)!.data.name, dist: limit, modhash: null, geo_filter: null, children, before: null } });
    }
    send(404, { message: 'Not Found', error: 404 });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { base, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

if (import.meta.main) {
  const arg = (name: string) => process.argv.find((_, i) => process.argv[i - 1] === `--${name}`);
  const { base } = await startRedditFixture(Number(arg('port') ?? 4691), arg('listing'));
  console.log(`Reddit API fixture on ${base} (client id ${FIXTURE_CLIENT.id}); Ctrl-C to stop`);
}
