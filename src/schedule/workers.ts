/** Workers: take queued runs of this project's pipelines and execute them; any number, on any machine. */
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import type { AlertSettings } from '../alerts/alert-channel.ts';
import type { Pipeline } from '../pipeline/define-pipeline.ts';
import { executeRun } from '../pipeline/execute-run.ts';
import { closeDeadRuns } from '../pipeline/close-dead-runs.ts';
import type { RunEnvironment } from '../pipeline/run-pipeline.ts';
import { queueName, type RunRequest } from './run-queue.ts';

/** How many runs one worker process executes at once (`SLUICE_WORKER_CONCURRENCY`, default 4). */
function concurrencyLimit(): number {
  const n = Number(process.env.SLUICE_WORKER_CONCURRENCY ?? 4);
  return Number.isInteger(n) && n > 0 ? n : 4;
}

/** A counting semaphore: at most `limit` holders at once, the others wait in order. */
function semaphore(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * Registers a worker per pipeline; the process runs at most a few runs at once, whatever the number of
 * pipelines. A run's failure is the run's (recorded, alerted); only a crash fails the job.
 */
export async function startWorkers(boss: PgBoss, pipelines: readonly Pipeline[], env: RunEnvironment & { readonly alerts: AlertSettings }, log: Logger): Promise<void> {
  const slot = semaphore(concurrencyLimit());
  const closed = await closeDeadRuns(env.database, 'its process stopped before the run ended; found when workers started', pipelines.map((p) => p.name));
  if (closed) log.info({ closed }, 'closed runs whose process had died as abandoned');
  for (const pipeline of pipelines) {
    // NOTIFY wakes a worker when a run is queued; the 1 s poll picks up the next queued run once one ends.
    await boss.work<RunRequest>(queueName(pipeline.name), { pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1, batchSize: 1 }, async ([job]) => {
      const request = job!.data;
      log.info({ pipeline: pipeline.name, runKey: request.runKey, job: job!.id, retry: job!.retryCount }, 'run taken');
      const result = await slot(() => executeRun(pipeline, env, { runKey: request.runKey, trigger: request.trigger, params: request.params }));
      log.info({ pipeline: pipeline.name, runKey: request.runKey, status: result?.status ?? 'skipped (another run in progress)', runId: result?.runId }, 'run ended');
      return { runId: result?.runId, status: result?.status };
    });
  }
}
