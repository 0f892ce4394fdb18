/** A run asked to stop (SIGTERM or Ctrl-C to `sluice run`) stops at its next step, before anything commits. */
import { TerminalError } from '../extract/errors.ts';

/**
 * Throws, terminal (a stopped run is not retried), once `signal` is aborted; its reason names what stopped the run.
 * `failure`: what the load failed with once stopped (most often the cancel of the stop itself, or an error wrapping
 * it: a check that could not run), kept as the error's cause.
 */
export function stopIfAsked(signal: AbortSignal | undefined, failure?: unknown): void {
  if (signal?.aborted) throw new TerminalError(`stopped by ${String(signal.reason)} before it finished; nothing was committed`, { cause: failure });
}
