/** Never two runs of one pipeline at once, whoever starts them (a worker, `sluice run`, the dashboard). */
import { checkout } from '../database/database.ts';
import type pg from 'pg';

/**
 * Runs `work` holding the pipeline's lock (a Postgres advisory lock, released if the process dies). With `queue`
 * it waits for a running run to end; with `skip` it returns undefined at once when one is running.
 */
export async function withPipelineLock<T>(pool: pg.Pool, pipeline: string, concurrency: 'queue' | 'skip', work: () => Promise<T>): Promise<T | undefined> {
  const client = await checkout(pool);
  let broken = false;
  try {
    if (concurrency === 'skip') {
      const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('sluice.pipeline'), hashtext($1)) AS ok`, [pipeline]);
      if (!rows[0]?.ok) return undefined;
    } else {
      await client.query(`SELECT pg_advisory_lock(hashtext('sluice.pipeline'), hashtext($1))`, [pipeline]);
    }
    try {
      return await work();
    } finally {
      // If the connection died (a database restart), the lock died with it: drop the connection, do not reuse it.
      await client.query(`SELECT pg_advisory_unlock(hashtext('sluice.pipeline'), hashtext($1))`, [pipeline]).catch(() => { broken = true; });
    }
  } finally {
    client.release(broken);
  }
}
