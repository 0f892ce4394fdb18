/** A run: its stages, counts and accounting, error, live log, rejected rows, raw objects and alerts. */
import { html } from 'hono/html';
import type { RunRecord } from '../../runs/run-store.ts';
import type { CheckResult } from '../../check/run-checks.ts';
import { duration, status, when, type Html } from '../layout.ts';

export function runPage(run: RunRecord, rejects: Record<string, unknown>[], alerts: Record<string, unknown>[], checks: readonly CheckResult[] = []): Html {
  const c = run.counts as Record<string, number>;
  const id = encodeURIComponent(run.runId);
  const live = run.status === 'running' || run.status === 'queued';
  return html`<h1><a href="/pipelines/${encodeURIComponent(run.pipeline)}">${run.pipeline}</a> · run ${run.runId}</h1>
<div id="summary" class="box" hx-get="/runs/${id}" hx-trigger="run-event from:body" hx-select="#summary" hx-swap="outerHTML">
<p>${status(run.status)} · ${run.trigger} · attempt ${run.attempt} · started ${when(run.startedAt)} · ${duration(run.startedAt, run.finishedAt)}</p>
<p class="accounting">extracted ${c.extracted ?? 0} = loaded ${c.loaded ?? 0} + rejected ${c.rejected ?? 0} + filtered ${c.filtered ?? 0}
 · inserted ${c.inserted ?? 0}, updated ${c.updated ?? 0}, unchanged ${c.unchanged ?? 0}</p>
${run.error ? html`<p class="failed">${run.error}</p>` : ''}
${run.warnings.map((w) => html`<p class="warning">warning: ${w}</p>`)}
${run.notes.map((n) => html`<p class="muted">${n}</p>`)}
<h2>Stages</h2><table><tr><th>stage</th><th>started</th><th>took</th></tr>
${run.stages.map((s) => html`<tr><td>${s.stage}</td><td>${when(s.startedAt)}</td><td>${s.ms} ms</td></tr>`)}</table>
</div>
<h2>Checks</h2>
${checks.length ? html`<table id="checks"><tr><th>check</th><th>column</th><th>status</th><th>failing rows</th><th>result</th></tr>
${checks.map((r) => html`<tr><td>${r.name}${r.blocking ? '' : html` <span class="muted">(warn)</span>`}</td><td>${r.column ?? ''}</td><td>${checkStatus(r.status)}</td>
<td>${r.failingRows ?? ''}</td><td>${r.message}${r.samples.length ? sampleRows(r.samples) : ''}</td></tr>`)}</table>`
    : html`<p class="muted">none declared</p>`}
<h2>Log</h2>
<pre id="log" hx-get="/runs/${id}/log" hx-trigger="load${live ? ', every 1s' : ''}, run-event from:body" hx-swap="textContent"></pre>
<h2>Rejected rows</h2>
${rejects.length ? html`<table><tr><th>source</th><th>line</th><th>column</th><th>reason</th><th>raw</th></tr>
${rejects.map((r) => html`<tr><td>${r.source}</td><td>${r.line}</td><td>${r.column_name ?? ''}</td><td>${r.reason}</td><td class="muted">${String(r.raw ?? '').slice(0, 200)}</td></tr>`)}</table>`
    : html`<p class="muted">none</p>`}
<h2>Raw objects</h2>
${run.rawObjects.length ? html`<ul>${run.rawObjects.map((key) => html`<li><a href="/runs/${id}/raw?key=${encodeURIComponent(key)}">${key}</a></li>`)}</ul>` : html`<p class="muted">none</p>`}
<h2>Alerts</h2>
${alerts.length ? html`<table><tr><th>event</th><th>to</th><th>status</th><th>error</th><th>at</th></tr>
${alerts.map((a) => html`<tr><td>${a.event}</td><td>${a.channel}</td><td>${status(a.status === 'sent' ? 'succeeded' : 'failed')} ${a.status}</td><td>${a.error ?? ''}</td><td>${when(a.sent_at as Date)}</td></tr>`)}</table>`
    : html`<p class="muted">none</p>`}`;
}

/** The run-state class a check's status is coloured with (warned as skipped's amber). */
export function checkClass(value: string): string {
  return value === 'passed' ? 'succeeded' : value === 'warned' ? 'skipped' : 'failed';
}

/** A check's status, coloured like run states. */
export function checkStatus(value: string): Html {
  return html`<span class="status ${checkClass(value)}">${value}</span>`;
}

/** A check's failing sample rows, folded. */
function sampleRows(samples: readonly Record<string, unknown>[]): Html {
  // Stored as jsonb, whose keys come back in its own order: the row's columns first, then where it came from.
  const keys = new Set(samples.flatMap((s) => Object.keys(s)));
  const columns = [...[...keys].filter((k) => !k.startsWith('__')), ...['__source', '__line'].filter((k) => keys.has(k))];
  return html`<details><summary>${samples.length} sample row(s)</summary><table><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr>
${samples.map((s) => html`<tr>${columns.map((c) => html`<td>${s[c] === null || s[c] === undefined ? '' : typeof s[c] === 'object' ? JSON.stringify(s[c]) : String(s[c])}</td>`)}</tr>`)}</table></details>`;
}
