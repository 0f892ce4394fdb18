/** A finished run as the runner returns it: what the CLI prints, alerts render and the dashboard shows. */
import type { CheckResult } from '../check/run-checks.ts';
import type { Counts } from './counts.ts';
import type { RunRecord } from './run-store.ts';

/** A finished run: the run record plus what the CLI prints. */
export interface RunResult extends RunRecord {
  readonly counts: Counts & Record<string, number>;
  readonly durationMs: number;
  /** Rejected files and the first rejected rows, for the summary. */
  readonly rejects: { readonly key?: string; readonly objects: number; readonly first: readonly { source: string; line: number; reason: string }[] };
  /** The failure may pass if the run is tried again (timeout, 429, 5xx...); how long the server asked to wait. */
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** The data-quality checks' results (also for a failed run: they decided before COMMIT). */
  readonly checks: readonly CheckResult[];
}
