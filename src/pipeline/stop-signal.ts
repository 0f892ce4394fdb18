/** A run asked to stop (SIGTERM or Ctrl-C to `sluice run`) stops at its next step, before anything commits. */
import { isCancelled } from '../database/cancel-on-abort.ts';
import { TerminalError } from '../extract/errors.ts';

/**
 * Throws, terminal (a stopped run is not retried), once `signal` is aborted; its reason names what stopped the run.
 * `failure`: what the run failed with meanwhile, named too unless it was the cancel of the stop itself.
 */
export function stopIfAsked(signal: AbortSignal | undefined, failure?: unknown): void {
  if (!signal?.aborted) return;
  const also = failure === undefined || isCancelled(failure) ? '' : ` (it had also failed: ${(failure as Error).message})`;
  throw new TerminalError(`stopped by ${String(signal.reason)} before it finished; nothing was committed${also}`);
}
