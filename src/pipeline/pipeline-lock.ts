/** Never two runs of one pipeline at once, whoever starts them (a worker, `sluice run`, the dashboard). */
import pg from 'pg';
import { connectionConfig, type Database } from '../database/database.ts';

/**
 * Runs `work` holding the pipeline's lock (a Postgres advisory lock, released if the process dies). With `queue`
 * it waits for a running run to end; with `skip` it returns undefined at once when one is running.
 * The lock has its own connection, not one of the pool's: a run holding a pool connection for its whole length
 * while its own queries wait for the pool would deadlock once every pool connection is held that way.
 */
export async function withPipelineLock<T>(database: Database, pipeline: string, concurrency: 'queue' | 'skip', work: () => Promise<T>): Promise<T | undefined> {
  const client = new pg.Client({ ...connectionConfig(database.url), application_name: 'sluice-lock' });
  client.on('error', () => {});
  await client.connect();
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
      // If the connection died (a database restart), the lock died with it.
      await client.query(`SELECT pg_advisory_unlock(hashtext('sluice.pipeline'), hashtext($1))`, [pipeline]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}
