/** Runs a pipeline with its retry policy: retryable failures are tried again after a backoff, under one run key. */
import { markSkipped, newRunId } from '../runs/run-store.ts';
import type { Pipeline } from './define-pipeline.ts';
import { runPipeline, type RunEnvironment, type RunOptions } from './run-pipeline.ts';
import type { RunResult } from '../runs/run-result.ts';
import { setTimeout as wait } from 'node:timers/promises';

/** The wait before attempt `attempt + 1`: exponential with jitter (or fixed), at least what the server asked for. */
export function backoffMs(policy: Pipeline['retry'], attempt: number, retryAfterMs = 0, random = Math.random): number {
  const base = policy.backoff === 'fixed' ? policy.delayMs : policy.delayMs * 2 ** (attempt - 1);
  const jittered = policy.backoff === 'fixed' ? base : base * (0.5 + random() / 2);
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs));
}

/**
 * Runs `pipeline`, trying again while the failure is retryable and attempts remain. Every attempt is its own
 * run record with the same run key, so a committed attempt is never loaded twice. The last result is returned;
 * with `then: 'skip'`, a run whose attempts ran out is recorded as skipped instead of failed.
 */
export async function runWithRetry(pipeline: Pipeline, env: RunEnvironment, options: RunOptions = {}): Promise<RunResult> {
  const policy = pipeline.retry;
  const runKey = options.runKey ?? newRunId();
  for (let attempt = 1; ; attempt++) {
    const result = await runPipeline(pipeline, env, { ...options, runKey });
    if (result.status === 'succeeded' || !result.retryable || options.signal?.aborted) return result;
    if (attempt >= policy.attempts) {
      if (policy.then !== 'skip') return result;
      const reason = `skipped after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${result.error}`;
      await markSkipped(env.database.pool, result.runId, reason);
      return { ...result, status: 'skipped', error: reason };
    }
    // A stop asked for during the wait ends it: the failed attempt is the result.
    const stopped = await wait(backoffMs(policy, attempt, result.retryAfterMs), { signal: options.signal }).then(() => false, () => true);
    if (stopped) return result;
  }
}
