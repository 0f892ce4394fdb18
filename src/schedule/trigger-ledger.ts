/** The trigger ledger: a trigger fires once, however many schedulers see it, and queues its run in the same transaction. */
import { checkout } from '../database/checkout.ts';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { enqueueRun } from './run-queue.ts';

/** Fires `key` for `pipeline` unless it fired before; true when this call fired it (and queued the run). */
export async function fire(pool: pg.Pool, boss: PgBoss, pipeline: string, key: string, trigger: string, detail: object = {},
  params?: Readonly<Record<string, string>>): Promise<boolean> {
  const client = await checkout(pool);
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(
      `INSERT INTO sluice.triggers (pipeline, trigger_key, run_key, detail) VALUES ($1, $2, $2, $3) ON CONFLICT DO NOTHING`,
      [pipeline, key, detail]);
    if (rowCount === 1) await enqueueRun(boss, client, { pipeline, runKey: key, trigger, params });
    await client.query('COMMIT');
    return rowCount === 1;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Which of `keys` fired before: one query, so a poll over many old files costs no transaction per file. */
export async function firedKeys(pool: pg.Pool, pipeline: string, keys: readonly string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const { rows } = await pool.query<{ trigger_key: string }>(
    'SELECT trigger_key FROM sluice.triggers WHERE pipeline = $1 AND trigger_key = ANY($2)', [pipeline, keys]);
  return new Set(rows.map((r) => r.trigger_key));
}

/** When the pipeline's trigger last fired, if ever. */
export async function lastFired(pool: pg.Pool, pipeline: string, prefix: string): Promise<Date | undefined> {
  const { rows } = await pool.query<{ at: string }>(
    `SELECT substr(trigger_key, length($2) + 1) AS at FROM sluice.triggers WHERE pipeline = $1 AND trigger_key LIKE $2 || '%'
     ORDER BY trigger_key DESC LIMIT 1`, [pipeline, prefix]);
  return rows[0] ? new Date(rows[0].at) : undefined;
}
