/** Never two runs of one pipeline at once, whoever starts them (a worker, `sluice run`, the dashboard). */
import type pg from 'pg';
import { cancelOnAbort, isCancelled } from '../database/cancel-on-abort.ts';
import { connectAs, type Database } from '../database/database.ts';
import { TerminalError } from '../extract/errors.ts';

/**
 * Runs `work` holding the pipeline's lock (a Postgres advisory lock, released if the process dies). With `queue`
 * it waits for a running run to end (unless `signal` aborts first); with `skip` it returns undefined at once when one is running.
 * The lock has its own connection, not one of the pool's: a run holding a pool connection for its whole length
 * while its own queries wait for the pool would deadlock once every pool connection is held that way.
 */
export async function withPipelineLock<T>(database: Database, pipeline: string, concurrency: 'queue' | 'skip', work: () => Promise<T>,
  signal?: AbortSignal): Promise<T | undefined> {
  const client = await connectAs(database.url, 'sluice-lock');
  try {
    const take = async () => (await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('sluice.pipeline'), hashtext($1)) AS ok`, [pipeline])).rows[0]?.ok;
    // People's SQL (sluice_reader) may call pg_advisory_lock too: a reader holding this lock is ended, not waited for.
    const got = (await take()) || ((await endReaders(client, pipeline)) && (await take()));
    if (!got) {
      if (concurrency === 'skip') return undefined;
      // Asked to stop while queued, the wait is cancelled: nothing of the run has started.
      const stopCancelling = await cancelOnAbort(signal, database.pool, client);
      try {
        await client.query(`SELECT pg_advisory_lock(hashtext('sluice.pipeline'), hashtext($1))`, [pipeline]);
      } catch (error) {
        if (signal?.aborted && isCancelled(error)) {
          throw new TerminalError(`stopped by ${String(signal.reason)} while it waited for another run of ${pipeline} to end; nothing was run`);
        }
        throw error;
      } finally {
        await stopCancelling();
      }
    }
    try {
      return await work();
    } finally {
      // If the connection died (a database restart), the lock died with it.
      await client.query(`SELECT pg_advisory_unlock(hashtext('sluice.pipeline'), hashtext($1))`, [pipeline]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Ends the backends of sluice_reader holding `pipeline`'s lock; true if there were any. */
async function endReaders(client: pg.Client, pipeline: string): Promise<boolean> {
  const { rows } = await client.query<{ ended: boolean }>(
    `SELECT pg_terminate_backend(l.pid, 2000) AS ended FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = hashtext('sluice.pipeline')::oid AND l.objid = hashtext($1)::oid
       AND l.objsubid = 2 AND a.usename = 'sluice_reader'`, [pipeline]).catch(() => ({ rows: [] as { ended: boolean }[] }));
  return rows.some((r) => r.ended);
}
