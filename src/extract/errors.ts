/** Errors classified where they are raised: the runner retries only the retryable ones. */

/** A failure that may pass: a timeout, 429, 5xx, a reset connection, a truncated answer. */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  /** How long the server asked us to wait (Retry-After), if it did. */
  readonly retryAfterMs?: number;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

/** A failure that will not pass by trying again: 400/401/403/404, a refused address, bad configuration. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

/** Whether the runner may try `error` again. */
export function isRetryable(error: unknown): error is RetryableError {
  return error instanceof RetryableError;
}
