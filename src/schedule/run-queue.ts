/** The run queue: pg-boss on sluice's database, one queue per pipeline, LISTEN/NOTIFY so a queued run starts at once. */
import type pg from 'pg';
import { PgBoss } from 'pg-boss';
import type { Pipeline } from '../pipeline/define-pipeline.ts';

/** What a queued run carries. */
export interface RunRequest {
  readonly pipeline: string;
  readonly runKey: string;
  readonly trigger: string;
  readonly params?: Readonly<Record<string, string>>;
}

/** How long a run holds its claim without a heartbeat from its worker before another worker takes it over. */
export const LEASE_SECONDS = 10;

export function queueName(pipeline: string): string {
  return `sluice-run-${pipeline}`;
}

/** Starts pg-boss and makes sure every pipeline has its queue. */
export async function openRunQueue(url: string, pipelines: Iterable<Pipeline>, onError: (error: Error) => void): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url, schema: 'sluice_queue', application_name: 'sluice-queue', useListenNotify: true,
    // Expired leases and stale heartbeats are noticed within a few seconds, not minutes.
    monitorIntervalSeconds: 2, superviseIntervalSeconds: 2, schedule: false,
  });
  boss.on('error', onError);
  await boss.start();
  for (const pipeline of pipelines) {
    const name = queueName(pipeline.name);
    if (await boss.getQueue(name)) continue;
    await boss.createQueue(name, {
      // singleton: one run active at a time, the others wait; exclusive: a run while one waits or runs is dropped.
      policy: pipeline.concurrency === 'skip' ? 'exclusive' : 'singleton',
      heartbeatSeconds: LEASE_SECONDS,
      expireInSeconds: 24 * 3600,
      // A run whose worker died is taken over: each takeover is a new attempt, and the dead one is fenced.
      retryLimit: 5,
      retryDelay: 1,
      notify: true,
    });
  }
  return boss;
}

/** Queues a run inside the caller's transaction, so the trigger that fired it and the run commit together. */
export async function enqueueRun(boss: PgBoss, client: pg.ClientBase, request: RunRequest): Promise<void> {
  await boss.send(queueName(request.pipeline), { ...request }, { db: { executeSql: (text, values) => client.query(text, values as unknown[]) } });
}
