/** `webhook()`: alerts as a JSON POST with a Slack-compatible `text`. */
import { request, shownUrl } from '../extract/http/http-fetch.ts';
import { requestGuard, type AllowedAddresses } from '../extract/http/ssrf-guard.ts';
import { rule, type AlertChannel, type AlertRule, type RuleOptions } from './alert-channel.ts';

/** Options of `webhook()`. */
export interface WebhookOptions extends RuleOptions {
  /** The URL; usually a secret (a Slack webhook URL is a credential): `secret('SLACK_WEBHOOK_URL')`. */
  readonly url: string | (() => string);
  /** Extra headers, e.g. `{ authorization: secret('HOOK_TOKEN') }`: sent to the URL's origin only, never after a redirect elsewhere. */
  readonly headers?: Readonly<Record<string, string | (() => string)>>;
  /** Other origins that may receive those headers and the URL's query parameters when a redirect leads there. */
  readonly allowCredentialsTo?: readonly string[];
  readonly allowPrivateNetwork?: AllowedAddresses;
  readonly timeoutMs?: number;
}

/**
 * Webhook alerts: `{ text, pipeline, event, status, runId, counts, durationMs, error, url }`.
 * @example
 * alerts: webhook({ url: secret('SLACK_WEBHOOK_URL'), on: ['failure', 'recovery'], afterFailures: 2 })
 */
export function webhook(options: WebhookOptions): AlertRule {
  const allowed = options.allowPrivateNetwork ?? false;
  const guard = requestGuard(allowed);
  const url = () => (typeof options.url === 'function' ? options.url() : options.url);
  const channel: AlertChannel = {
    kind: 'webhook',
    // The path of a webhook URL is its secret: only the origin is shown.
    describe: () => {
      try {
        return `webhook ${new URL(url()).origin}/…`;
      } catch {
        return 'webhook (URL not set)';
      }
    },
    async send(message) {
      const body = JSON.stringify({ text: message.text, ...message.details });
      const target = new URL(url());
      const headers = { ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k, typeof v === 'function' ? v() : v])), 'content-type': 'application/json' };
      // The URL's query (a token, often) and the extra headers are credentials: another origin gets none of them.
      const credentials = { allowTo: options.allowCredentialsTo, query: [...target.searchParams.keys()], headers: Object.keys(options.headers ?? {}) };
      await request(target, { method: 'POST', body, timeoutMs: options.timeoutMs ?? 10_000, headers, credentials }, guard)
        .catch((error: Error) => { throw new Error(error.message.replace(shownUrl(url()), channel.describe())); });
    },
  };
  return rule(channel, options);
}
