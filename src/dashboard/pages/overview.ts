/** The overview: every pipeline, failing ones first, with its trigger, last run, next run and rows loaded over time. */
import { html } from 'hono/html';
import type { Pipeline } from '../../pipeline/define-pipeline.ts';
import { describeTrigger, nextTick } from '../../schedule/triggers.ts';
import { status, sparkline, when, type Html } from '../layout.ts';
import type { PipelineSummary } from '../queries.ts';

const RANK: Readonly<Record<string, number>> = { failed: 0, skipped: 1, running: 2, queued: 3, succeeded: 4 };

export function overviewPage(pipelines: readonly Pipeline[], summaries: readonly PipelineSummary[]): Html {
  const byName = new Map(pipelines.map((p) => [p.name, p]));
  const rows = [...summaries].sort((a, b) => (RANK[a.last?.status ?? 'succeeded'] ?? 5) - (RANK[b.last?.status ?? 'succeeded'] ?? 5) || a.name.localeCompare(b.name));
  return html`<h1>Pipelines</h1>
<table id="pipelines" hx-get="/fragments/overview" hx-trigger="run-event from:body" hx-select="#pipelines" hx-swap="outerHTML">
<tr><th>pipeline</th><th>trigger</th><th>last run</th><th>started</th><th>next run</th><th>rows loaded (last 20 runs)</th><th></th></tr>
${rows.map((s) => {
    const p = byName.get(s.name)!;
    const next = p.trigger.kind === 'cron' ? nextTick(p.trigger, new Date()) : null;
    return html`<tr data-pipeline="${s.name}"><td><a href="/pipelines/${encodeURIComponent(s.name)}">${s.name}</a><div class="muted">${p.description ?? ''}</div></td>
<td>${describeTrigger(p.trigger)}</td>
<td>${s.last ? html`<a href="/runs/${encodeURIComponent(s.last.runId)}">${status(s.last.status)}</a>` : html`<span class="muted">never run</span>`}
${s.last?.error ? html`<div class="muted">${s.last.error.slice(0, 120)}</div>` : ''}</td>
<td>${when(s.last?.startedAt)}</td><td>${next ? when(next) : ''}</td><td>${sparkline(s.loaded)}</td>
<td><button hx-post="/pipelines/${encodeURIComponent(s.name)}/run" hx-swap="none">Run now</button></td></tr>`;
  })}
</table>`;
}
