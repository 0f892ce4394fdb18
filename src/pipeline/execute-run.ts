/** One requested run, start to finish: the run with its retries, then its alerts. What the CLI and workers call. */
import { sendAlerts, type SentAlert } from '../alerts/send-alerts.ts';
import type { AlertSettings } from '../alerts/alert-channel.ts';
import type { Pipeline } from './define-pipeline.ts';
import type { RunEnvironment, RunOptions } from './run-pipeline.ts';
import type { RunResult } from '../runs/run-result.ts';
import { runWithRetry } from './run-with-retry.ts';
import { withPipelineLock } from './pipeline-lock.ts';
import { abandonDeadRuns } from '../runs/run-store.ts';

/**
 * Runs `pipeline` (retrying as its policy says) and sends the alerts its outcome calls for. Returns undefined
 * when the pipeline's concurrency is `skip` and another run of it is in progress.
 */
export async function executeRun(pipeline: Pipeline, env: RunEnvironment & { readonly alerts: AlertSettings }, options: RunOptions = {}):
  Promise<(RunResult & { readonly alerts: readonly SentAlert[] }) | undefined> {
  return withPipelineLock(env.database, pipeline.name, pipeline.concurrency, async () => {
    // Holding the lock: a run of this pipeline still recorded as running is dead (a live one would hold the lock).
    await abandonDeadRuns(env.database.pool, pipeline.name, 'its process stopped before the run ended; found by the next run of the pipeline');
    const result = await runWithRetry(pipeline, env, options);
    const alerts = await sendAlerts(env.database.pool, pipeline.alerts, result, env.alerts);
    return { ...result, alerts };
  }, options.signal);
}
