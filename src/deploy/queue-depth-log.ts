/**
 * The scaling signal of a deployed stack: every minute, the runs waiting in the queue (the `sluice_queue_depth`
 * gauge of /metrics, read through the same registry) as one JSON line on stdout, which a CloudWatch metric
 * filter turns into the `sluice/QueueDepth` metric the worker service scales on.
 * Run by the scheduler task's sidecar as `sluice deploy aws --queue-depth-log --project <dir>`.
 */
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { metricsRegistry } from '../dashboard/metrics.ts';
import { connectionConfig } from '../database/database.ts';
import { openProject } from '../pipeline/project.ts';
import { redact } from '../secrets/redact.ts';

/** Runs waiting in all queues, as /metrics reports them. */
export async function queueDepth(pool: pg.Pool): Promise<number> {
  const gauge = metricsRegistry(pool).getSingleMetric('sluice_queue_depth');
  const { values } = await gauge!.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}

/** The line the metric filter reads: `{"stack":..., "sluice_queue_depth": n}`. */
export function queueDepthLine(stack: string, depth: number): string {
  return `${JSON.stringify({ stack, sluice_queue_depth: depth })}\n`;
}

/** Logs the queue depth every minute until the process is stopped. */
export async function logQueueDepth(projectDir: string): Promise<never> {
  const project = await openProject(projectDir);
  if (!project.databaseUrl) throw new Error('queue depth: no database configured (SLUICE_DATABASE_SECRET or DATABASE_URL)');
  const pool = new pg.Pool({ ...connectionConfig(project.databaseUrl), max: 1, application_name: 'sluice-queue-depth' });
  pool.on('error', () => {});
  const stack = process.env.SLUICE_STACK ?? 'sluice';
  for (;;) {
    try {
      process.stdout.write(queueDepthLine(stack, await queueDepth(pool)));
    } catch (error) {
      process.stderr.write(`queue depth: ${redact((error as Error).message)}\n`);
    }
    await sleep(60_000);
  }
}
