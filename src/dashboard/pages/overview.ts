/** The overview: every pipeline, failing ones first, with its trigger, last run, next run and rows loaded over time. */
import { html } from 'hono/html';
import type { Pipeline } from '../../pipeline/define-pipeline.ts';
import { describeTrigger, nextTick } from '../../schedule/triggers.ts';
import { status, sparkline, when, type Html } from '../layout.ts';
import type { PipelineSummary } from '../queries.ts';

const RANK: Readonly<Record<string, number>> = { failed: 0, skipped: 1, warned: 2, running: 3, queued: 4, succeeded: 5 };
/** A last run that succeeded with warnings needs attention too: it ranks after failures, before the rest. */
const rank = (s: PipelineSummary) => RANK[s.last?.status === 'succeeded' && s.last.warnings.length ? 'warned' : s.last?.status ?? 'succeeded'] ?? 6;

export function overviewPage(pipelines: readonly Pipeline[], summaries: readonly PipelineSummary[]): Html {
  const byName = new Map(pipelines.map((p) => [p.name, p]));
  const rows = [...summaries].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  return html`<h1>Pipelines</h1>
<table id="pipelines" hx-get="/fragments/overview" hx-trigger="run-event from:body" hx-select="#pipelines" hx-swap="outerHTML">
<tr><th>pipeline</th><th>trigger</th><th>last run</th><th>started</th><th>next run</th><th>rows loaded (last 20 runs)</th><th></th></tr>
${rows.map((s) => {
    const p = byName.get(s.name)!;
    const next = p.trigger.kind === 'cron' ? nextTick(p.trigger, new Date()) : null;
    return html`<tr data-pipeline="${s.name}"><td><a href="/pipelines/${encodeURIComponent(s.name)}">${s.name}</a><div class="muted">${p.description ?? ''}</div></td>
<td>${describeTrigger(p.trigger)}</td>
<td>${s.last ? html`<a href="/runs/${encodeURIComponent(s.last.runId)}">${status(s.last.status)}</a>` : html`<span class="muted">never run</span>`}
${s.last?.error ? html`<div class="muted">${s.last.error.slice(0, 120)}</div>`
    : s.last?.warnings.length ? html`<div class="warning">warning: ${s.last.warnings[0]!.slice(0, 120)}${s.last.warnings.length > 1 ? ` (+${s.last.warnings.length - 1} more)` : ''}</div>` : ''}</td>
<td>${when(s.last?.startedAt)}</td><td>${next ? when(next) : ''}</td><td>${sparkline(s.loaded)}</td>
<td><button hx-post="/pipelines/${encodeURIComponent(s.name)}/run" hx-swap="none">Run now</button></td></tr>`;
  })}
</table>`;
}
