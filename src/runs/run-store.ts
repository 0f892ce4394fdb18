/** Run records in `sluice.runs`: one row per run, written when it starts and when it ends. */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Counts } from './counts.ts';
import type { RunState } from './run-states.ts';
import { redact, redactDeep } from '../secrets/redact.ts';

/** How long one stage of a run took. */
export interface StageTiming {
  readonly stage: string;
  readonly startedAt: string;
  readonly ms: number;
}

/** A run as recorded. */
export interface RunRecord {
  readonly runId: string;
  readonly pipeline: string;
  readonly status: RunState;
  readonly trigger: string;
  readonly runKey: string | null;
  readonly attempt: number;
  /** The params it ran with: the pipeline's defaults merged with the run's overrides. */
  readonly params?: Readonly<Record<string, string>>;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly stages: readonly StageTiming[];
  readonly counts: Partial<Counts> & Record<string, number>;
  readonly rawObjects: readonly string[];
  readonly notes: readonly string[];
  /** What needs a person's attention in a run that succeeded (nothing extracted, every row rejected, header mismatches). */
  readonly warnings: readonly string[];
  readonly logKey: string | null;
  readonly error: string | null;
}

/** A sortable, path-safe run id: `20261123T101500Z-3fa9c1d2`. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
}

/** Records a run as running now. */
export async function startRun(pool: pg.Pool, run: { runId: string; pipeline: string; trigger: string; runKey: string; attempt: number; params?: Readonly<Record<string, string>> }): Promise<Date> {
  const { rows } = await pool.query<{ started_at: Date }>(
    `INSERT INTO sluice.runs (run_id, pipeline, status, trigger, run_key, attempt, started_at, params) VALUES ($1, $2, 'running', $3, $4, $5, now(), $6)
     RETURNING started_at`, [run.runId, run.pipeline, run.trigger, run.runKey, run.attempt, redactDeep(run.params ?? {})]);
  return rows[0]!.started_at;
}

/** Records how a run ended. */
export async function finishRun(pool: pg.Pool, runId: string, end: {
  logKey: string | null;
  status: RunState; stages: readonly StageTiming[]; counts: Record<string, number>; rawObjects: readonly string[]; notes: readonly string[];
  warnings: readonly string[]; error: string | null;
}): Promise<RunRecord> {
  const { rows } = await pool.query(
    `UPDATE sluice.runs SET status = $2, finished_at = now(), stages = $3, counts = $4, raw_objects = $5, notes = $6, error = $7, log_key = $8, warnings = $9
     WHERE run_id = $1 RETURNING *`,
    // Errors and notes may quote what a server or a file said: secret values are cut out before they are stored.
    [runId, end.status, JSON.stringify(end.stages), end.counts, JSON.stringify(end.rawObjects), JSON.stringify(redactDeep(end.notes)),
      end.error === null ? null : redact(end.error), end.logKey, JSON.stringify(redactDeep(end.warnings))]);
  return toRecord(rows[0]);
}

/**
 * A dead run's counts are what its load committed: none, unless the process died after COMMIT and before the
 * run was recorded as ended, when the ledger holds them (its error then says so). `error` is the error's parameter.
 */
const committedCounts = (error: string) => `counts = coalesce((SELECT l.counts FROM sluice.ledger l WHERE l.pipeline = r.pipeline AND l.run_id = r.run_id), '{}'),
       error = ${error} || CASE WHEN EXISTS (SELECT FROM sluice.ledger l WHERE l.pipeline = r.pipeline AND l.run_id = r.run_id)
         THEN ' (after its load committed: the counts are the ledger''s)' ELSE '' END`;

/** Closes the earlier attempts of a run key still recorded as running: their process stopped, a new attempt took over. */
export async function abandonRuns(pool: pg.Pool, pipeline: string, runKey: string, attempt: number): Promise<void> {
  await pool.query(
    `UPDATE sluice.runs r SET status = 'abandoned', finished_at = now(), ${committedCounts('$3')}
     WHERE pipeline = $1 AND run_key = $2 AND status = 'running'`,
    [pipeline, runKey, `abandoned: its process stopped before the run ended; attempt ${attempt} of run key ${runKey} took over`]);
}

/**
 * Closes every run of `pipeline` still recorded as running: the caller holds the pipeline's lock, which a live run
 * holds for its whole length, so such a run's process died. Returns how many were closed.
 */
export async function abandonDeadRuns(pool: pg.Pool, pipeline: string, reason: string): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE sluice.runs r SET status = 'abandoned', finished_at = now(), ${committedCounts('$2')}
     WHERE pipeline = $1 AND status = 'running'`, [pipeline, `abandoned: ${reason}`]);
  return rowCount ?? 0;
}

/** Pipelines with a run recorded as running. */
export async function pipelinesRunning(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ pipeline: string }>(`SELECT DISTINCT pipeline FROM sluice.runs WHERE status = 'running'`);
  return rows.map((r) => r.pipeline);
}

/** Records that a run's failure ends in a skip (its retries ran out and the pipeline says `then: 'skip'`). */
export async function markSkipped(pool: pg.Pool, runId: string, reason: string): Promise<void> {
  await pool.query(`UPDATE sluice.runs SET status = 'skipped', error = $2 WHERE run_id = $1`, [runId, redact(reason)]);
}

/** The latest runs, newest first. */
export async function listRuns(pool: pg.Pool, filter: { pipeline?: string; limit?: number } = {}): Promise<RunRecord[]> {
  const { rows } = await pool.query(
    `SELECT * FROM sluice.runs WHERE $1::text IS NULL OR pipeline = $1 ORDER BY queued_at DESC, run_id DESC LIMIT $2`,
    [filter.pipeline ?? null, filter.limit ?? 20]);
  return rows.map(toRecord);
}

function toRecord(row: Record<string, unknown>): RunRecord {
  return {
    runId: row.run_id as string,
    pipeline: row.pipeline as string,
    status: row.status as RunState,
    trigger: row.trigger as string,
    runKey: row.run_key as string | null,
    attempt: row.attempt as number,
    params: (row.params ?? {}) as Record<string, string>,
    startedAt: row.started_at as Date | null,
    finishedAt: row.finished_at as Date | null,
    stages: row.stages as StageTiming[],
    counts: row.counts as RunRecord['counts'],
    rawObjects: row.raw_objects as string[],
    notes: row.notes as string[],
    warnings: (row.warnings as string[] | undefined) ?? [],
    logKey: row.log_key as string | null,
    error: row.error as string | null,
  };
}
