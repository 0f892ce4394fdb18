/** The words of an alert: subject values and a plain-text body with counts, duration, error, rejects and a link. */
import type { RunResult } from '../runs/run-result.ts';
import type { AlertEvent, AlertMessage, AlertSettings } from './alert-channel.ts';
import { redact, redactDeep } from '../secrets/redact.ts';
import { describeChecks } from '../check/describe-checks.ts';

const STATUS_WORD: Readonly<Record<string, string>> = { succeeded: 'Success', failed: 'Failure', skipped: 'Skipped', abandoned: 'Abandoned' };

/** `{{name}}` replaced by its value; unknown names stay as written, so a typo shows. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return redact(template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole));
}

export function renderAlert(event: AlertEvent, run: RunResult, settings: AlertSettings): AlertMessage {
  const c = run.counts;
  const link = settings.dashboardUrl ? `${settings.dashboardUrl.replace(/\/+$/, '')}/runs/${run.runId}` : undefined;
  const when = (run.startedAt ?? new Date()).toISOString().slice(0, 16).replace('T', ' ');
  const lines = [
    `${run.pipeline}: ${run.status}${event === 'recovery' ? ' (recovered)' : event === 'warning' ? ' with warnings' : ''} — run ${run.runId}${run.attempt > 1 ? `, attempt ${run.attempt}` : ''}, started ${when} UTC`,
    `Duration: ${(run.durationMs / 1000).toFixed(1)} s`,
    `Rows: extracted ${c.extracted} = loaded ${c.loaded} + rejected ${c.rejected} + filtered ${c.filtered}; inserted ${c.inserted}, updated ${c.updated}, unchanged ${c.unchanged}`,
  ];
  if (run.error) lines.push(`Error: ${run.error}`);
  for (const warning of run.warnings) lines.push(`Warning: ${warning}`);
  if (run.checks?.length) {
    const checks = describeChecks(run.checks);
    lines.push(`Checks: ${checks.summary}`, ...checks.lines.map((l) => `  ${l}`));
  }
  if (run.rejects.key) {
    lines.push(`Rejects: ${c.rejected} row(s)${run.rejects.objects ? ` and ${run.rejects.objects} file(s)` : ''} quarantined in ${run.rejects.key}`);
    for (const r of run.rejects.first.slice(0, 5)) lines.push(`  ${r.source} line ${r.line}: ${r.reason}`);
  }
  for (const note of run.notes) lines.push(`Note: ${note}`);
  if (link) lines.push(`Run: ${link}`);
  return {
    event,
    pipeline: run.pipeline,
    runId: run.runId,
    status: run.status,
    subjectValues: {
      pipeline: run.pipeline, status: run.status, Status: STATUS_WORD[run.status] ?? run.status, event,
      date: when.slice(0, 10), runId: run.runId,
    },
    text: redact(lines.join('\n') + '\n'),
    details: redactDeep({ pipeline: run.pipeline, event, status: run.status, runId: run.runId, counts: c, durationMs: run.durationMs, error: run.error, warnings: run.warnings,
      checks: (run.checks ?? []).map(({ samples: _, ...r }) => r), url: link ?? null }),
  };
}
