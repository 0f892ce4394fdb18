/** The rows of a pipeline's previous successful load, for `rowCount.withinPercent`. */
import type pg from 'pg';

/** Rows loaded by the pipeline's latest succeeded run that committed a load (a ledger row); null when there is none. */
export async function previousLoadRows(pool: pg.Pool, pipeline: string): Promise<number | null> {
  const { rows } = await pool.query<{ n: string | null }>(
    `SELECT r.counts->>'loaded' AS n FROM sluice.runs r
     WHERE r.pipeline = $1 AND r.status = 'succeeded' AND EXISTS (SELECT 1 FROM sluice.ledger l WHERE l.pipeline = r.pipeline AND l.run_id = r.run_id)
     ORDER BY r.finished_at DESC NULLS LAST LIMIT 1`, [pipeline]);
  return rows[0]?.n === undefined || rows[0].n === null ? null : Number(rows[0].n);
}
