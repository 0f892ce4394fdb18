/** `http()`: JSON from an HTTP API, page by page; each answer is landed as received, then its records are read. */
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { parseOptions } from '../../config/parse-options.ts';
import { RetryableError } from '../errors.ts';
import type { RecordBatch, Source, SourceObject } from '../source.ts';
import { credentials } from './http-auth.ts';
import { httpConfig, type HttpConfig, type HttpOptions } from './http-config.ts';
import { request, shownUrl, Unauthorized, type Answer } from './http-fetch.ts';
import { selectRecords, valueAt } from './record-path.ts';
import { requestGuard } from './ssrf-guard.ts';

/**
 * An HTTP JSON API.
 * @example
 * source: http({
 *   url: 'https://oauth.reddit.com/r/dataengineering/hot', query: { limit: 100, raw_json: 1 },
 *   auth: { kind: 'oauth2', tokenUrl: 'https://www.reddit.com/api/v1/access_token', clientId: secret('REDDIT_ID'), clientSecret: secret('REDDIT_SECRET') },
 *   records: 'data.children[].data', maxPages: 1,
 * })
 */
export function http<Row = Record<string, unknown>>(options: HttpOptions): Source<Row> {
  const config = parseOptions('http()', httpConfig, options);
  const guard = requestGuard(config.allowPrivateNetwork);
  const auth = credentials(config.auth, guard, config.timeoutMs, config.userAgent);
  return {
    kind: 'http',
    describe: () => `http ${config.method} ${shownUrl(config.url)}${config.records ? ` (records at ${config.records})` : ''}`,

    async list(): Promise<readonly SourceObject[]> {
      const pages: SourceObject[] = [];
      let url: URL | undefined = firstUrl(config);
      for (let page = 1; url && page <= config.maxPages; page++) {
        const answer = await fetchPage(url, config, auth, guard);
        const json = parseJson(answer);
        const count = selectRecords(json, config.records).length;
        const bytes = answer.bytes;
        pages.push({ name: `page-${String(page).padStart(4, '0')}.json`, open: async () => Readable.from([bytes]) });
        url = nextUrl(config, url, answer, json, count, page);
      }
      return pages;
    },

    async *parse(body: Readable, name: string): AsyncIterable<RecordBatch<Row>> {
      const records = selectRecords(JSON.parse(await text(body)), config.records) as Row[];
      yield { source: name, records, lines: records.map((_, i) => i + 1), rejects: [] };
    },
  };
}

function firstUrl(config: HttpConfig): URL {
  const url = new URL(config.url);
  for (const [k, v] of Object.entries(config.query)) url.searchParams.set(k, String(v));
  if (config.pagination?.kind === 'page') url.searchParams.set(config.pagination.param, String(config.pagination.start));
  if (config.pagination?.kind === 'offset') {
    url.searchParams.set(config.pagination.param, '0');
    url.searchParams.set(config.pagination.limitParam, String(config.pagination.limit));
  }
  return url;
}

async function fetchPage(url: URL, config: HttpConfig, auth: ReturnType<typeof credentials>, guard: Parameters<typeof request>[2]): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    const signed = new URL(url);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': config.userAgent, ...config.headers };
    await auth.apply(signed, headers);
    const body = config.body === undefined ? undefined : JSON.stringify(config.body);
    if (body) headers['content-type'] = 'application/json';
    try {
      return await request(signed, { method: config.method, headers, body, timeoutMs: config.timeoutMs, credentials: credentialScope(config) }, guard);
    } catch (error) {
      // An expired OAuth2 token: fetch a new one, once. Any other failure goes to the runner, classified.
      if (error instanceof Unauthorized && attempt === 0 && auth.refresh()) continue;
      throw error;
    }
  }
}

/** The credentials of every page are for the origin of `url` (and `allowCredentialsTo`), wherever pagination leads. */
function credentialScope(config: HttpConfig) {
  const auth = config.auth?.kind === 'apiKey' ? config.auth : undefined;
  return { origin: config.url, allowTo: config.allowCredentialsTo, query: auth?.query ? [auth.query] : [], headers: auth?.header ? [auth.header] : [] };
}

function parseJson(answer: Answer): unknown {
  try {
    return JSON.parse(answer.bytes.toString('utf8'));
  } catch {
    throw new RetryableError(`${shownUrl(answer.url)}: the answer is not complete JSON (${answer.bytes.length} bytes; truncated?)`);
  }
}

function nextUrl(config: HttpConfig, url: URL, answer: Answer, json: unknown, count: number, page: number): URL | undefined {
  const p = config.pagination;
  if (!p) return undefined;
  const next = new URL(url);
  switch (p.kind) {
    case 'cursor': {
      const cursor = valueAt(json, p.path);
      if (cursor === null || cursor === undefined || cursor === '') return undefined;
      next.searchParams.set(p.param, String(cursor));
      return next;
    }
    case 'page':
      if (!count) return undefined;
      next.searchParams.set(p.param, String(p.start + page));
      return next;
    case 'offset':
      if (count < p.limit) return undefined;
      next.searchParams.set(p.param, String(page * p.limit));
      return next;
    case 'link': {
      const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(answer.headers.get('link') ?? '')?.[1];
      return link ? new URL(link, answer.url) : undefined;
    }
    case 'next-url': {
      const target = valueAt(json, p.path);
      return typeof target === 'string' && target ? new URL(target, answer.url) : undefined;
    }
  }
}
