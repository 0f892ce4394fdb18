/** Options of the `http()` source, validated once here. */
import { z } from 'zod';

/** A value given directly, or a function read at run time (e.g. `secret('API_KEY')`), so it is never kept in the definition. */
const value = z.union([z.string(), z.custom<() => string>((v) => typeof v === 'function', 'expected a string or a function returning one')]);

const auth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('apiKey'), value, header: z.string().optional(), query: z.string().optional() }).strict()
    .refine((a) => Boolean(a.header) !== Boolean(a.query), 'set exactly one of header or query'),
  z.object({ kind: z.literal('bearer'), token: value }).strict(),
  z.object({ kind: z.literal('basic'), username: value, password: value }).strict(),
  /** OAuth2 client credentials: the token is cached until it expires and fetched again once on a 401. */
  z.object({ kind: z.literal('oauth2'), tokenUrl: z.url(), clientId: value, clientSecret: value, scope: z.string().optional() }).strict(),
]);

const pagination = z.discriminatedUnion('kind', [
  /** A cursor from the answer (Reddit's `data.after`) sent back as a query parameter. */
  z.object({ kind: z.literal('cursor'), param: z.string(), path: z.string() }).strict(),
  /** Page numbers; stops at a page with no records. */
  z.object({ kind: z.literal('page'), param: z.string().default('page'), start: z.number().int().default(1) }).strict(),
  /** Offset and limit; stops at a short page. */
  z.object({ kind: z.literal('offset'), param: z.string().default('offset'), limitParam: z.string().default('limit'), limit: z.number().int().positive() }).strict(),
  /** The `Link: <...>; rel="next"` header. */
  z.object({ kind: z.literal('link') }).strict(),
  /** The next page's URL in the answer. */
  z.object({ kind: z.literal('next-url'), path: z.string() }).strict(),
]);

export const httpConfig = z.object({
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['GET', 'POST']).default('GET'),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  /** A JSON body, for POST. */
  body: z.unknown().optional(),
  auth: auth.optional(),
  /** Where the records are in each answer, e.g. `data.children[].data`; empty: the answer itself (an array spreads). */
  records: z.string().default(''),
  pagination: pagination.optional(),
  /** At most this many pages per run. */
  maxPages: z.number().int().positive().default(100),
  timeoutMs: z.number().int().positive().default(30_000),
  userAgent: z.string().default('sluice/0.1 (data pipeline)'),
  /**
   * Other origins that may receive the credentials (auth, API-key headers and parameters, cookies) when a redirect or
   * a pagination link leads there, e.g. ['https://api2.example.com']. Without it they go to the origin of `url` only.
   */
  allowCredentialsTo: z.array(z.url()).default([]),
  /** Let requests reach non-public addresses: true, or a list such as ['127.0.0.1']. Off by default (SSRF guard). */
  allowPrivateNetwork: z.union([z.boolean(), z.array(z.string())]).default(false),
}).strict();

export type HttpOptions = z.input<typeof httpConfig>;
export type HttpConfig = z.output<typeof httpConfig>;
export type HttpAuth = z.output<typeof auth>;
