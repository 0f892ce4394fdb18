/** A pipeline: its definition in words, its charts, and its run history (paged, filtered by status). */
import { html } from 'hono/html';
import type { ChartSpec, Pipeline } from '../../pipeline/define-pipeline.ts';
import { RUN_STATES } from '../../runs/run-states.ts';
import { describeTrigger } from '../../schedule/triggers.ts';
import { duration, status, when, type Html } from '../layout.ts';
import type { CheckHistory } from '../../check/check-results.ts';
import { checkClass, checkStatus } from './run.ts';


export function chartSource(chart: ChartSpec): string {
  const q = new URLSearchParams({ x: chart.x, y: chart.y.join(',') });
  if (chart.group) q.set('group', chart.group);
  if (chart.groups?.length) q.set('groups', chart.groups.join(','));
  return `/api/series/${encodeURIComponent(chart.schema ?? 'public')}/${encodeURIComponent(chart.table)}?${q}`;
}

export function pipelinePage(pipeline: Pipeline, sourceText: string, runs: Record<string, unknown>[], options: { status?: string; page: number; more: boolean }, checks: readonly CheckHistory[] = []): Html {
  const name = encodeURIComponent(pipeline.name);
  const link = (page: number) => `/pipelines/${name}?page=${page}${options.status ? `&status=${options.status}` : ''}`;
  return html`<h1>${pipeline.name}</h1>
<p class="muted">${pipeline.description ?? ''}</p>
<div class="box"><table>
<tr><th>trigger</th><td>${describeTrigger(pipeline.trigger)}; concurrency ${pipeline.concurrency}</td></tr>
<tr><th>source</th><td>${sourceText}</td></tr>
<tr><th>destination</th><td>${pipeline.destination.describe()}</td></tr>
${pipeline.combine
    ? html`<tr><th>combine</th><td>one SQL query joins ${Object.keys(pipeline.combine.sources).join(', ')} before the load<pre>${pipeline.combine.sql}</pre></td></tr>`
    : html`<tr><th>transform</th><td>${pipeline.transform ? 'a TypeScript function per record' : 'none: fields map to columns by name'}</td></tr>`}
<tr><th>retries</th><td>${pipeline.retry.attempts} attempt(s), ${pipeline.retry.backoff} backoff, then ${pipeline.retry.then}</td></tr>
<tr><th>rejects</th><td>${pipeline.rejects.maxRows !== undefined ? `at most ${pipeline.rejects.maxRows} rows` : ''}${pipeline.rejects.maxPercent !== undefined ? ` at most ${pipeline.rejects.maxPercent}%` : ''}${pipeline.rejects.maxRows === undefined && pipeline.rejects.maxPercent === undefined ? 'quarantined without limit' : ''}</td></tr>
<tr><th>alerts</th><td>${pipeline.alerts.map((a) => `${a.channel.describe()} on ${a.on.join(', ')}`).join('; ') || 'none'}</td></tr>
</table>
<button hx-post="/pipelines/${name}/run" hx-swap="none">Run now</button></div>
${pipeline.dashboards.map((chart) => html`<h2>${chart.title}</h2><div class="chart" data-title="${chart.title}" data-src="${chartSource(chart)}"></div>`)}
${checks.length ? html`<h2>Checks</h2><table id="check-history"><tr><th>check</th><th>last result</th><th>history (newest first)</th></tr>
${checks.map((c) => html`<tr><td>${c.name}</td><td>${checkStatus(c.runs[0]!.status)} ${c.runs[0]!.message}</td>
<td>${c.runs.map((r) => html`<a class="status ${checkClass(r.status)}" href="/runs/${encodeURIComponent(r.runId)}"
 title="${when(r.checkedAt)}: ${r.status}${r.failingRows ? `, ${r.failingRows} failing rows` : ''}">${r.status === 'passed' ? '●' : r.status === 'warned' ? '▲' : '✖'}</a> `)}</td></tr>`)}</table>` : ''}
<h2>Runs</h2>
<form method="get" action="/pipelines/${name}">status <select name="status" onchange="this.form.submit()">
<option value="">all</option>${RUN_STATES.map((s) => html`<option ${s === options.status ? 'selected' : ''}>${s}</option>`)}</select></form>
<table id="runs" hx-get="${link(options.page)}" hx-trigger="run-event from:body" hx-select="#runs" hx-swap="outerHTML">
<tr><th>run</th><th>status</th><th>trigger</th><th>attempt</th><th>started</th><th>duration</th><th>extracted</th><th>loaded</th><th>rejected</th><th>error or warning</th></tr>
${runs.map((r) => {
    const c = (r.counts ?? {}) as Record<string, number>;
    return html`<tr><td><a href="/runs/${encodeURIComponent(String(r.run_id))}">${r.run_id}</a></td><td>${status(String(r.status))}</td><td>${r.trigger}</td><td>${r.attempt}</td>
<td>${when(r.started_at as Date)}</td><td>${duration(r.started_at as Date, r.finished_at as Date)}</td><td>${c.extracted ?? ''}</td><td>${c.loaded ?? ''}</td><td>${c.rejected ?? ''}</td>
<td class="muted">${r.error ? String(r.error).slice(0, 140) : (r.warnings as string[] | null)?.length ? html`<span class="warning">warning: ${String((r.warnings as string[])[0]).slice(0, 130)}</span>` : ''}</td></tr>`;
  })}
</table>
<p>${options.page > 0 ? html`<a href="${link(options.page - 1)}">newer</a> ` : ''}${options.more ? html`<a href="${link(options.page + 1)}">older</a>` : ''}</p>`;
}
