/**
 * A local stand-in for the Reddit API, answering in its shapes: the OAuth2 client-credentials token endpoint and
 * `/r/{subreddit}/hot` Listings of `t3` posts (two stickied ones first, so an answer holds 102 children).
 * Content is generated per hour, so each hour's snapshot differs. Recorded answers replay with their status and
 * headers: `--recorded DIR` serves the interactions listed in DIR/cassette_interactions_meta.json (e.g. a 403 for a
 * quarantined subreddit, listings with their x-ratelimit-* headers), `--listing FILE` one recorded listing for every
 * subreddit.
 * Usage: node examples/reddit-hot/fixture.ts [--port 4691] [--recorded ../shared/data/reddit] [--listing FILE]
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

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

/** A generated hot Listing: two stickied posts, then `limit` others. */
export function hotListing(sub: string, hour: number, limit: number) {
  const children = [post(sub, hour, 0, true), post(sub, hour, 1, true), ...Array.from({ length: limit }, (_, i) => post(sub, hour, i + 2, false))];
  return { kind: 'Listing', data: { after: children.at(-1)!.data.name, dist: limit, modhash: null, geo_filter: null, children, before: null } };
}

/** An answer as Reddit gave it: status, headers and body bytes. */
export interface RecordedAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/** What the fixture serves instead of generated listings. */
export interface RedditFixtureOptions {
  /** One recorded listing, answered 200 for every subreddit. */
  readonly listing?: string;
  /** Per subreddit (lowercase), the answers to its hot requests in turn; the last one repeats. */
  readonly recorded?: Readonly<Record<string, readonly RecordedAnswer[]>>;
}

/** The hot-listing interactions of a folder of recordings (`cassette_interactions_meta.json` and the bodies beside it). */
export function readRecordings(dir: string): Record<string, RecordedAnswer[]> {
  type Interaction = { file: string; request: { uri: string }; response: { status: { code: number }; headers: Record<string, string[]> } };
  const interactions = JSON.parse(fs.readFileSync(path.join(dir, 'cassette_interactions_meta.json'), 'utf8')) as Interaction[];
  const recorded: Record<string, RecordedAnswer[]> = {};
  for (const i of interactions) {
    const sub = /\/r\/([A-Za-z0-9_]+)\/hot/.exec(new URL(i.request.uri).pathname)?.[1]?.toLowerCase();
    if (!sub) continue;
    // Framing headers describe the recorded connection, not the answer: node sets its own.
    const headers = Object.fromEntries(Object.entries(i.response.headers)
      .filter(([k]) => !['content-length', 'connection', 'transfer-encoding', 'content-encoding'].includes(k.toLowerCase()))
      .map(([k, v]) => [k.toLowerCase(), v[0] ?? '']));
    // Several recordings of one subreddit (opted in, then not): the last one is what a client without opt-in gets.
    recorded[sub] = [{ status: i.response.status.code, headers, body: fs.readFileSync(path.join(dir, i.file)) }];
  }
  return recorded;
}

/** Starts the fixture on 127.0.0.1; `port` 0 picks a free one. */
export async function startRedditFixture(port = 4691, options: RedditFixtureOptions = {}): Promise<{ base: string; close(): Promise<void> }> {
  const { listing: listingFile, recorded = {} } = options;
  const served = new Map<string, number>();
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
      const answers = recorded[hot[1]!.toLowerCase()];
      if (answers?.length) {
        const turn = served.get(hot[1]!.toLowerCase()) ?? 0;
        served.set(hot[1]!.toLowerCase(), turn + 1);
        const answer = answers[Math.min(turn, answers.length - 1)]!;
        return void res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers }).end(answer.body);
      }
      if (listingFile) return void res.writeHead(200, { 'content-type': 'application/json' }).end(fs.readFileSync(listingFile));
      return send(200, hotListing(hot[1]!, Math.floor(Date.now() / 3_600_000), Number(url.searchParams.get('limit') ?? 25)));
    }
    send(404, { message: 'Not Found', error: 404 });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { base, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

if (import.meta.main) {
  const arg = (name: string) => process.argv.find((_, i) => process.argv[i - 1] === `--${name}`);
  const recorded = arg('recorded') ? readRecordings(arg('recorded')!) : {};
  const { base } = await startRedditFixture(Number(arg('port') ?? 4691), { listing: arg('listing'), recorded });
  for (const [sub, [answer]] of Object.entries(recorded)) console.log(`  /r/${sub}/hot answers ${answer!.status} (recorded)`);
  console.log(`Reddit API fixture on ${base} (client id ${FIXTURE_CLIENT.id}); Ctrl-C to stop`);
}
