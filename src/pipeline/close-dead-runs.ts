/** Closes runs recorded as running whose process died (kill -9, a lost machine, Postgres stopped under them). */
import type { Database } from '../database/database.ts';
import { abandonDeadRuns, pipelinesRunning } from '../runs/run-store.ts';
import { withPipelineLock } from './pipeline-lock.ts';

/**
 * A live run holds its pipeline's lock from before it is recorded as running until after it is recorded as
 * ended, and the lock dies with its connection. So a pipeline whose lock is free has no live run: every run of
 * it still recorded as running is dead, and is closed as `abandoned`. Returns how many were closed.
 */
export async function closeDeadRuns(database: Database, reason: string, pipelines?: readonly string[]): Promise<number> {
  let closed = 0;
  // One query first: only a pipeline with a run recorded as running has anything to close (no lock to try for the rest).
  const running = await pipelinesRunning(database.pool);
  for (const pipeline of pipelines ? running.filter((p) => pipelines.includes(p)) : running) {
    closed += (await withPipelineLock(database, pipeline, 'skip', () => abandonDeadRuns(database.pool, pipeline, reason))) ?? 0;
  }
  return closed;
}
