/** The load ledger: which run keys and which raw objects (by content) each pipeline has committed. */
import type pg from 'pg';
import type { LoadedObject, Publication } from './destination.ts';

/** The sha256s among `sha256s` that `pipeline` has already loaded. */
export async function loadedContent(pool: pg.Pool, pipeline: string, sha256s: readonly string[]): Promise<Set<string>> {
  if (!sha256s.length) return new Set();
  const { rows } = await pool.query<{ sha256: string }>(
    'SELECT sha256 FROM sluice.loaded_objects WHERE pipeline = $1 AND sha256 = ANY($2)', [pipeline, sha256s]);
  return new Set(rows.map((r) => r.sha256));
}

/**
 * Claims the run key inside the load's transaction. Returns false when it was committed before. A concurrent
 * load of the same key waits on the primary key until this transaction ends, then finds it and loads nothing.
 */
export async function claimRunKey(client: pg.ClientBase, pipeline: string, runKey: string, runId: string, attempt: number): Promise<boolean> {
  const { rowCount } = await client.query(
    `INSERT INTO sluice.ledger (pipeline, run_key, run_id, attempt, counts) VALUES ($1, $2, $3, $4, '{}')
     ON CONFLICT (pipeline, run_key) DO NOTHING`, [pipeline, runKey, runId, attempt]);
  return rowCount === 1;
}

/** The run key's attempt was superseded by a newer one: this attempt must not commit. */
export class FencedError extends Error {
  override readonly name = 'FencedError';
}

/**
 * Starts the next attempt at a run key and returns its number (1, 2, ...). From now on this attempt owns the
 * key: an older attempt that is still alive (it was presumed dead and taken over) finds it at commit and stops.
 */
export async function claimAttempt(pool: pg.Pool, pipeline: string, runKey: string): Promise<number> {
  const { rows } = await pool.query<{ attempt: number }>(
    `INSERT INTO sluice.run_attempts (pipeline, run_key, attempt) VALUES ($1, $2, 1)
     ON CONFLICT (pipeline, run_key) DO UPDATE SET attempt = sluice.run_attempts.attempt + 1, claimed_at = now()
     RETURNING attempt`, [pipeline, runKey]);
  return rows[0]!.attempt;
}

/** In the load's transaction, before it commits: refuses when a newer attempt owns the run key. Locks the claim until commit. */
export async function checkFence(client: pg.ClientBase, pipeline: string, runKey: string, attempt: number): Promise<void> {
  const { rows } = await client.query<{ attempt: number }>(
    'SELECT attempt FROM sluice.run_attempts WHERE pipeline = $1 AND run_key = $2 FOR SHARE', [pipeline, runKey]);
  const owner = rows[0]?.attempt ?? attempt;
  if (owner > attempt) {
    throw new FencedError(`attempt ${attempt} of run key ${runKey} was superseded by attempt ${owner}; its load was rolled back`);
  }
}

/** The last loaded object of this name, for conditional requests and change detection. */
export async function previousObject(pool: pg.Pool, pipeline: string, name: string): Promise<{ sha256: string; meta: Record<string, string> } | undefined> {
  const { rows } = await pool.query<{ sha256: string; meta: Record<string, string> }>(
    'SELECT sha256, meta FROM sluice.loaded_objects WHERE pipeline = $1 AND name = $2 ORDER BY loaded_at DESC LIMIT 1', [pipeline, name]);
  return rows[0];
}

/** True when this run key was committed before. */
export async function isCommitted(pool: pg.Pool, pipeline: string, runKey: string): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM sluice.ledger WHERE pipeline = $1 AND run_key = $2', [pipeline, runKey]);
  return rowCount === 1;
}

/** Records the counts and the loaded objects, in the load's transaction. Fails if another run loaded the same content meanwhile. */
export async function recordLoad(client: pg.ClientBase, pipeline: string, runKey: string, runId: string,
  objects: readonly LoadedObject[], counts: Readonly<Record<string, number>>, reload = false, publication?: Publication): Promise<void> {
  await client.query(
    `UPDATE sluice.ledger SET counts = $3, committed_at = now(), publication = $4, published_at = CASE WHEN $4::jsonb IS NULL THEN now() END
     WHERE pipeline = $1 AND run_key = $2`, [pipeline, runKey, counts, publication ?? null]);
  await client.query(
    `INSERT INTO sluice.loaded_objects (pipeline, sha256, name, bytes, raw_key, run_id, meta)
     SELECT $1, o.sha256, o.name, o.bytes, o.raw_key, $2, o.meta
     FROM unnest($3::text[], $4::text[], $5::bigint[], $6::text[], $7::jsonb[]) AS o(sha256, name, bytes, raw_key, meta)
     ${reload ? 'ON CONFLICT (pipeline, sha256) DO UPDATE SET run_id = EXCLUDED.run_id, raw_key = EXCLUDED.raw_key, loaded_at = now()' : ''}`,
    [pipeline, runId, objects.map((o) => o.sha256), objects.map((o) => o.name), objects.map((o) => o.bytes), objects.map((o) => o.rawKey),
      objects.map((o) => JSON.stringify(o.meta ?? {}))]);
}

/** Committed loads of `pipeline` whose publication has not finished (the process stopped between COMMIT and publish). */
export async function pendingPublications(pool: pg.Pool, pipeline: string): Promise<{ runKey: string; publication: Publication }[]> {
  const { rows } = await pool.query<{ run_key: string; publication: Publication }>(
    'SELECT run_key, publication FROM sluice.ledger WHERE pipeline = $1 AND publication IS NOT NULL AND published_at IS NULL ORDER BY committed_at',
    [pipeline]);
  return rows.map((r) => ({ runKey: r.run_key, publication: r.publication }));
}

/** Records that a committed load's rows are visible in their external store. */
export async function markPublished(pool: pg.Pool, pipeline: string, runKey: string): Promise<void> {
  await pool.query('UPDATE sluice.ledger SET published_at = now() WHERE pipeline = $1 AND run_key = $2', [pipeline, runKey]);
}
