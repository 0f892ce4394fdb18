/** Request credentials for the http() source: API key, bearer, basic, or OAuth2 client credentials (token cached). */
import { TerminalError } from '../errors.ts';
import type { HttpAuth } from './http-config.ts';
import { request, Unauthorized } from './http-fetch.ts';
import type { Guard } from './ssrf-guard.ts';

const read = (v: string | (() => string)) => (typeof v === 'function' ? v() : v);

/** Adds credentials to a request; `refresh` drops a cached token so the next `apply` fetches a new one. */
export interface Credentials {
  apply(url: URL, headers: Record<string, string>): Promise<void>;
  refresh(): boolean;
}

export function credentials(auth: HttpAuth | undefined, guard: Guard, timeoutMs: number, userAgent: string): Credentials {
  let token: { value: string; expires: number } | undefined;
  return {
    async apply(url, headers) {
      if (!auth) return;
      switch (auth.kind) {
        case 'apiKey':
          if (auth.header) headers[auth.header] = read(auth.value);
          else url.searchParams.set(auth.query!, read(auth.value));
          return;
        case 'bearer':
          headers.authorization = `Bearer ${read(auth.token)}`;
          return;
        case 'basic':
          headers.authorization = `Basic ${Buffer.from(`${read(auth.username)}:${read(auth.password)}`).toString('base64')}`;
          return;
        case 'oauth2':
          if (!token || token.expires <= Date.now()) token = await fetchToken(auth, guard, timeoutMs, userAgent);
          headers.authorization = `Bearer ${token.value}`;
      }
    },
    refresh() {
      if (auth?.kind !== 'oauth2' || !token) return false;
      token = undefined;
      return true;
    },
  };
}

async function fetchToken(auth: Extract<HttpAuth, { kind: 'oauth2' }>, guard: Guard, timeoutMs: number, userAgent: string) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...(auth.scope ? { scope: auth.scope } : {}) }).toString();
  const basic = Buffer.from(`${read(auth.clientId)}:${read(auth.clientSecret)}`).toString('base64');
  let answer;
  try {
    answer = await request(new URL(auth.tokenUrl), {
      method: 'POST', body, timeoutMs,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent, accept: 'application/json' },
    }, guard);
  } catch (error) {
    if (error instanceof Unauthorized) throw new TerminalError('OAuth2 token request: 401 Unauthorized (check the client id and secret)');
    throw error;
  }
  const json = JSON.parse(answer.bytes.toString('utf8')) as { access_token?: string; expires_in?: number };
  if (!json.access_token) throw new TerminalError('OAuth2 token request: the answer has no access_token');
  // Refresh a little before the server's expiry.
  return { value: json.access_token, expires: Date.now() + Math.max(0, (json.expires_in ?? 3600) - 30) * 1000 };
}
