/** One HTTP request of a source: guarded, never retried here, its failures classified, its URL shown without secrets. */
import { RetryableError, TerminalError } from '../errors.ts';
import { checkUrl, type Guard } from './ssrf-guard.ts';

const MAX_REDIRECTS = 5;

/** What came back: the bytes exactly as received, and the parsed JSON. */
export interface Answer {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Buffer;
}

/** A URL for messages: no query string (it may carry keys) and no credentials. */
export function shownUrl(url: string | URL): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
}

/** The server said 401: the caller may refresh its token once. */
export class Unauthorized extends TerminalError {}

/** Who may receive a request's credentials (headers such as Authorization, Cookie, API keys, and key query parameters). */
export interface CredentialScope {
  /** The origin the credentials are for; default: the request URL's. */
  readonly origin?: string | URL;
  /** Other origins (`https://api2.example.com`) that may receive them too. */
  readonly allowTo?: readonly string[];
  /** Query parameters that carry a credential (an API key in the URL). */
  readonly query?: readonly string[];
  /** Headers that carry a credential, besides Authorization, Proxy-Authorization, Cookie and names with key/token/secret/auth/session/password/credential/signature. */
  readonly headers?: readonly string[];
}

/** One request: `timeoutMs` bounds all of it (redirects and the body included). */
export interface RequestOptions {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly credentials?: CredentialScope;
}

// Any name with "key" in it: API keys go by many names (Ocp-Apim-Subscription-Key, x-functions-key, X-Key).
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie)$|key|token|secret|auth|session|password|credential|signature/i;

/**
 * Sends one request, following redirects by hand so each hop is checked; throws classified errors. As browsers
 * do, a hop to another origin (scheme, host, port) than the credentials' gets none of them, and a 303 (or a
 * 301/302 after a POST) goes on as a GET without the body.
 */
export async function request(url: URL, init: RequestOptions, guard: Guard): Promise<Answer> {
  const scope = init.credentials ?? {};
  const trusted = new Set([new URL(scope.origin ?? url).origin, ...(scope.allowTo ?? []).map((o) => new URL(o).origin)]);
  const secretHeaders = new Set((scope.headers ?? []).map((h) => h.toLowerCase()));
  // One deadline for the whole request: a server that sends headers and then stalls the body fails within it too.
  const deadline = AbortSignal.timeout(init.timeoutMs);
  let current = url;
  let { method, body } = init;
  let headers = init.headers;
  // Loaded once per request (not per hop), and outside the hops' try: a module that fails to load is a broken
  // install, not a network failure to retry.
  const [{ default: ky }, dispatcher] = await Promise.all([import('ky'), guard.agent()]);
  for (let hop = 0; ; hop++) {
    if (!trusted.has(current.origin)) {
      current = new URL(current);
      for (const name of scope.query ?? []) current.searchParams.delete(name);
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !SECRET_HEADER.test(name) && !secretHeaders.has(name.toLowerCase())));
    }
    checkUrl(current, guard.allowed);
    // fetch refuses a URL with a user name or password in it: a mistake to fix, not a failure to retry.
    if (current.username || current.password) throw new TerminalError(`${method} ${shownUrl(current)}: the URL holds a user name or password; use auth: { kind: 'basic', ... } instead`);
    let response: Response;
    try {
      response = await ky(current, {
        method, headers, body, timeout: false, signal: deadline, retry: 0, throwHttpErrors: false, redirect: 'manual',
        fetch: (input, options) => fetch(input, { ...options, dispatcher } as RequestInit),
      });
    } catch (error) {
      throw classifyFailure(error, current, method, deadline, init.timeoutMs);
    }
    const where = `${method} ${shownUrl(current)}`;
    if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
      if (hop >= MAX_REDIRECTS) throw new TerminalError(`${where}: more than ${MAX_REDIRECTS} redirects`);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
      }
      current = new URL(response.headers.get('location')!, current);
      await response.body?.cancel();
      continue;
    }
    if (response.status === 401) throw new Unauthorized(`${where}: 401 Unauthorized (check the credentials)`);
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      const wait = retryAfter(response.headers.get('retry-after')) ?? rateLimitReset(response.headers.get('x-ratelimit-reset'));
      throw new RetryableError(`${where}: ${response.status} ${response.statusText}${wait !== undefined ? ` (retry after ${Math.round(wait / 1000)} s)` : ''}`, wait);
    }
    if (response.status >= 400) {
      await response.body?.cancel();
      throw new TerminalError(`${where}: ${response.status} ${response.statusText}`);
    }
    try {
      return { url: current.toString(), status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
    } catch (error) {
      throw classifyFailure(error, current, method, deadline, init.timeoutMs);
    }
  }
}

function classifyFailure(error: unknown, url: URL, method: string, deadline: AbortSignal, timeoutMs: number): Error {
  // fetch and ky wrap what went wrong; the SSRF guard's refusal may sit several causes deep.
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 8; e = (e as { cause?: unknown }).cause) chain.push(e);
  const refused = chain.find((e) => e instanceof TerminalError);
  if (refused) return refused as TerminalError;
  const where = `${method} ${shownUrl(url)}`;
  if (deadline.aborted) return new RetryableError(`${where}: timed out after ${timeoutMs} ms`);
  const code = chain.map((e) => (e as { code?: string }).code).find((c) => typeof c === 'string');
  return new RetryableError(`${where}: ${code ?? 'the connection failed'}`);
}

/** Retry-After as milliseconds: seconds, or an HTTP date. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * `x-ratelimit-reset` as milliseconds, for APIs that send it instead of Retry-After: seconds until the window
 * resets (Reddit), or the reset time in Unix seconds (GitHub) when the number is that large.
 */
function rateLimitReset(header: string | null): number | undefined {
  const value = Number(header ?? NaN);
  if (!header || !Number.isFinite(value) || value < 0) return undefined;
  return Math.max(0, Math.ceil(value > 1e9 ? value * 1000 - Date.now() : value * 1000));
}
