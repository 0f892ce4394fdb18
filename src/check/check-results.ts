/** `sluice.check_results`, the one module that reads and writes it: each run's check results, a pipeline's history, counts. */
import type pg from 'pg';
import { redact, redactDeep } from '../secrets/redact.ts';
import type { CheckResult, CheckStatus } from './run-checks.ts';

/** Records a run's results, on the pool (after the load's outcome: a rolled-back load keeps them). */
export async function recordCheckResults(pool: pg.Pool, runId: string, pipeline: string, results: readonly CheckResult[]): Promise<void> {
  if (!results.length) return;
  await pool.query(
    `INSERT INTO sluice.check_results (run_id, seq, pipeline, name, kind, column_name, status, blocking, failing_rows, message, samples)
     SELECT $1, r.seq, $2, r.name, r.kind, r.column_name, r.status, r.blocking, r.failing_rows, r.message, coalesce(r.samples, '[]')
     FROM jsonb_to_recordset($3) AS r(seq integer, name text, kind text, column_name text, status text, blocking boolean, failing_rows bigint, message text, samples jsonb)
     ON CONFLICT (run_id, seq) DO NOTHING`,
    // Failing rows are data; a value that is also a secret (a token in a column) is still hidden.
    [runId, pipeline, JSON.stringify(results.map((r, seq) => ({
      seq, name: r.name, kind: r.kind, column_name: r.column, status: r.status, blocking: r.blocking, failing_rows: r.failingRows,
      message: redact(r.message), samples: redactDeep(r.samples),
    })))]);
}

/** A run's results, in the pipeline's order. */
export async function runCheckResults(pool: pg.Pool, runId: string): Promise<CheckResult[]> {
  const { rows } = await pool.query('SELECT * FROM sluice.check_results WHERE run_id = $1 ORDER BY seq', [runId]);
  return rows.map((r) => ({
    name: r.name, kind: r.kind, column: r.column_name, status: r.status, blocking: r.blocking,
    failingRows: r.failing_rows === null ? null : Number(r.failing_rows), message: r.message, samples: r.samples,
  }));
}

/** One check's latest outcomes, newest first. */
export interface CheckHistory {
  readonly name: string;
  readonly runs: readonly { runId: string; status: CheckStatus; failingRows: number | null; message: string; checkedAt: Date }[];
}

/** The last `perCheck` results of each of a pipeline's checks (checks in the order they were last declared). */
export async function checkHistory(pool: pg.Pool, pipeline: string, perCheck = 20): Promise<CheckHistory[]> {
  const { rows } = await pool.query<{ name: string; run_id: string; status: CheckStatus; failing_rows: string | null; message: string; checked_at: Date; seq: number }>(
    `SELECT name, run_id, status, failing_rows, message, checked_at, seq FROM (
       SELECT *, row_number() OVER (PARTITION BY name ORDER BY checked_at DESC, run_id DESC) AS n FROM sluice.check_results WHERE pipeline = $1
     ) r WHERE n <= $2 ORDER BY checked_at DESC, run_id DESC`, [pipeline, perCheck]);
  const byName = new Map<string, CheckHistory['runs'][number][]>();
  for (const r of rows) {
    if (!byName.has(r.name)) byName.set(r.name, []);
    byName.get(r.name)!.push({ runId: r.run_id, status: r.status, failingRows: r.failing_rows === null ? null : Number(r.failing_rows), message: r.message, checkedAt: r.checked_at });
  }
  const order = new Map(rows.filter((r) => r.run_id === rows[0]?.run_id).map((r) => [r.name, r.seq]));
  return [...byName].map(([name, runs]) => ({ name, runs })).sort((a, b) => (order.get(a.name) ?? 1e9) - (order.get(b.name) ?? 1e9));
}

/** Results recorded, by pipeline, check and status (for /metrics). */
export async function checkResultCounts(pool: pg.Pool): Promise<{ pipeline: string; name: string; status: CheckStatus; n: number }[]> {
  const { rows } = await pool.query<{ pipeline: string; name: string; status: CheckStatus; n: string }>(
    'SELECT pipeline, name, status, count(*) AS n FROM sluice.check_results GROUP BY 1, 2, 3');
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
