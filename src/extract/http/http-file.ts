/** `httpFile()`: one CSV or JSON file over HTTP, fetched only when it changed (ETag / Last-Modified). */
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { z } from 'zod';
import { parseOptions } from '../../config/parse-options.ts';
import { readCsv } from '../formats/csv-reader.ts';
import type { RecordBatch, Source, SourceContext, SourceObject } from '../source.ts';
import { request, shownUrl } from './http-fetch.ts';
import { selectRecords } from './record-path.ts';
import { requestGuard } from './ssrf-guard.ts';

const httpFileConfig = z.object({
  format: z.enum(['csv', 'json']).default('csv'),
  /** The object's name in the raw zone and the ledger; default: the last part of the URL's path. */
  name: z.string().regex(/^[\w.-]+$/).optional(),
  /** JSON: where the records are, as for http(). */
  records: z.string().default(''),
  delimiter: z.string().min(1).default(','),
  nullValue: z.string().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().positive().default(60_000),
  userAgent: z.string().default('sluice/0.1 (data pipeline)'),
  /** Other origins that may receive `headers` credentials (Authorization, Cookie, API keys) when a redirect leads there. */
  allowCredentialsTo: z.array(z.url()).default([]),
  allowPrivateNetwork: z.union([z.boolean(), z.array(z.string())]).default(false),
}).strict();

/** Options of `httpFile()`. */
export type HttpFileOptions = z.input<typeof httpFileConfig>;

/**
 * A file over HTTP. The next run asks the server whether it changed since the last load (If-None-Match,
 * If-Modified-Since); an unchanged file is not downloaded or loaded again.
 * @example
 * source: httpFile('https://raw.githubusercontent.com/nytimes/covid-19-data/master/us.csv')
 */
export function httpFile(url: string, options: HttpFileOptions = {}): Source<Record<string, string | null>> {
  const config = parseOptions(`httpFile(${JSON.stringify(shownUrl(url))})`, httpFileConfig, options);
  const name = config.name ?? (path.posix.basename(new URL(url).pathname) || 'index');
  const guard = requestGuard(config.allowPrivateNetwork);
  const layout = { delimiter: config.delimiter, quote: '"', header: true, nullValue: config.nullValue, trailingDelimiter: false, gzip: false, maxFieldChars: 16 << 20 };
  return {
    kind: 'http-file',
    describe: () => `http-file ${shownUrl(url)} (${config.format})`,

    async list(ctx: SourceContext): Promise<readonly SourceObject[]> {
      const previous = await ctx.previous(name);
      const headers: Record<string, string> = { 'user-agent': config.userAgent, ...config.headers };
      if (previous?.meta.etag) headers['if-none-match'] = previous.meta.etag;
      if (previous?.meta.lastModified) headers['if-modified-since'] = previous.meta.lastModified;
      const answer = await request(new URL(url), { method: 'GET', headers, timeoutMs: config.timeoutMs, credentials: { allowTo: config.allowCredentialsTo } }, guard);
      if (answer.status === 304) return [];
      const meta: Record<string, string> = { url: shownUrl(url) };
      const etag = answer.headers.get('etag');
      const lastModified = answer.headers.get('last-modified');
      if (etag) meta.etag = etag;
      if (lastModified) meta.lastModified = lastModified;
      return [{ name, meta, open: async () => Readable.from([answer.bytes]) }];
    },

    parse(body: Readable, object: string): AsyncIterable<RecordBatch<Record<string, string | null>>> {
      if (config.format === 'csv') return readCsv(body, object, layout);
      return (async function* () {
        const records = selectRecords(JSON.parse(await text(body)), config.records) as Record<string, string | null>[];
        yield { source: object, records, lines: records.map((_, i) => i + 1), rejects: [] };
      })();
    },

    csvLayout: () => (config.format === 'csv' ? { delimiter: config.delimiter, quote: '"', nullValue: config.nullValue, gzip: false } : undefined),
  };
}
