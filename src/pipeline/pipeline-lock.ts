/** Never two runs of one pipeline at once, whoever starts them (a worker, `sluice run`, the dashboard). */
import type pg from 'pg';

/**
 * Runs `work` holding the pipeline's lock (a Postgres advisory lock, released if the process dies). With `queue`
 * it waits for a running run to end; with `skip` it returns undefined at once when one is running.
 */
export async function withPipelineLock<T>(pool: pg.Pool, pipeline: string, concurrency: 'queue' | 'skip', work: () => Promise<T>): Promise<T | undefined> {
  const client = await pool.connect();
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
      await client.query(`SELECT pg_advisory_unlock(hashtext('sluice.pipeline'), hashtext($1))`, [pipeline]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
