/** After a run: which alerts its outcome calls for, sent on their channels, each recorded. A failing channel never fails the run. */
import type pg from 'pg';
import type { RunResult } from '../runs/run-result.ts';
import type { AlertEvent, AlertRule, AlertSettings } from './alert-channel.ts';
import { renderAlert } from './render-alert.ts';
import { redact } from '../secrets/redact.ts';

/** What was sent (or not) for a run. */
export interface SentAlert {
  readonly channel: string;
  readonly event: AlertEvent;
  readonly status: 'sent' | 'failed';
  readonly error?: string;
}

/** The pipeline's earlier outcomes, one per run key (its last attempt), newest first; this run's key excluded. */
async function history(pool: pg.Pool, pipeline: string, runKey: string): Promise<string[]> {
  const { rows } = await pool.query<{ status: string }>(
    `SELECT status FROM (
       SELECT DISTINCT ON (run_key) run_key, status, queued_at FROM sluice.runs
       WHERE pipeline = $1 AND run_key IS DISTINCT FROM $2 AND status IN ('succeeded', 'failed', 'skipped')
       ORDER BY run_key, attempt DESC
     ) last ORDER BY queued_at DESC LIMIT 1000`, [pipeline, runKey]);
  return rows.map((r) => r.status);
}

/** Sends the alerts `rules` call for `run`, records each in sluice.alerts, and returns them. */
export async function sendAlerts(pool: pg.Pool, rules: readonly AlertRule[], run: RunResult, settings: AlertSettings): Promise<SentAlert[]> {
  if (!rules.length) return [];
  const before = await history(pool, run.pipeline, run.runKey ?? run.runId);
  const streak = before.findIndex((s) => s !== 'failed');
  const failuresInARow = run.status === 'failed' ? 1 + (streak === -1 ? before.length : streak) : 0;
  const recovered = run.status === 'succeeded' && (before[0] === 'failed' || before[0] === 'skipped');
  const sent: SentAlert[] = [];
  for (const rule of rules) {
    const event = pick(rule, run.status, recovered, failuresInARow, run.warnings.length > 0);
    if (!event) continue;
    const channel = rule.channel.describe();
    try {
      await rule.channel.send(renderAlert(event, run, settings), settings);
      sent.push({ channel, event, status: 'sent' });
    } catch (error) {
      sent.push({ channel, event, status: 'failed', error: redact((error as Error).message) });
    }
  }
  for (const a of sent) {
    await pool.query('INSERT INTO sluice.alerts (run_id, pipeline, channel, event, status, error) VALUES ($1, $2, $3, $4, $5, $6)',
      [run.runId, run.pipeline, a.channel, a.event, a.status, a.error ?? null]);
  }
  return sent;
}

/**
 * The one event a rule alerts on for this outcome, if any. A recovery is also a success, and a success with warnings
 * is also a warning: one alert, not two, and its body carries the warnings either way.
 */
function pick(rule: AlertRule, status: string, recovered: boolean, failuresInARow: number, warned: boolean): AlertEvent | undefined {
  if (status === 'failed') return rule.on.includes('failure') && (rule.afterFailures === 1 || failuresInARow === rule.afterFailures) ? 'failure' : undefined;
  if (status === 'skipped') return rule.on.includes('skip') ? 'skip' : undefined;
  if (recovered && rule.on.includes('recovery')) return 'recovery';
  if (rule.on.includes('success')) return 'success';
  return warned && rule.on.includes('warning') ? 'warning' : undefined;
}
