/** The AlertChannel interface, and the rule that says when a channel is used. */

/** What happened to a run, as alerts name it. */
/** `warning`: a run that succeeded but needs attention (extracted nothing, everything rejected, header or check warnings). */
export type AlertEvent = 'success' | 'failure' | 'recovery' | 'skip' | 'warning';

/** One alert, rendered. `text` is the plain-text body (it never holds a secret). */
export interface AlertMessage {
  readonly event: AlertEvent;
  readonly pipeline: string;
  readonly runId: string;
  readonly status: string;
  readonly subjectValues: Readonly<Record<string, string>>;
  readonly text: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Settings channels share, from the project's config and environment. */
export interface AlertSettings {
  /** SMTP server, e.g. `smtp://user:pass@mail.example.com:587` (or `smtps://`). */
  readonly smtpUrl?: string;
  readonly from: string;
  /** Base URL of the dashboard, for links to runs. */
  readonly dashboardUrl?: string;
}

/** A channel. `send` is called once per alert; it throws when the alert did not go (the caller records it). */
export interface AlertChannel {
  readonly kind: string;
  /** Where it sends, for run records and logs: never a secret (a webhook's path, a password). */
  describe(): string;
  send(message: AlertMessage, settings: AlertSettings): Promise<void>;
}

/** A channel with the events it is used for. */
export interface AlertRule {
  readonly channel: AlertChannel;
  readonly on: readonly AlertEvent[];
  /** For failures: alert when this many runs in a row have failed (once per streak). Default 1: every failure. */
  readonly afterFailures: number;
}

/** The options every channel takes. */
export interface RuleOptions {
  readonly on?: readonly AlertEvent[];
  readonly afterFailures?: number;
}

export function rule(channel: AlertChannel, options: RuleOptions): AlertRule {
  const afterFailures = options.afterFailures ?? 1;
  if (!Number.isInteger(afterFailures) || afterFailures < 1) throw new Error(`${channel.kind} alert: afterFailures must be a whole number >= 1`);
  return { channel, on: options.on ?? ['failure', 'recovery', 'warning'], afterFailures };
}
