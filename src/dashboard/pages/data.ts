/** The data pages: every table sluice loads, with rows and freshness, and a chart of any of them. */
import { html } from 'hono/html';
import { when, type Html } from '../layout.ts';
import type { TableInfo } from '../queries.ts';
import { chartSource } from './pipeline.ts';

export function dataPage(tables: readonly TableInfo[]): Html {
  return html`<h1>Data</h1>
<table><tr><th>table</th><th>loaded by</th><th>rows</th><th>last load</th></tr>
${tables.map((t) => html`<tr><td><a href="/data/${encodeURIComponent(t.schema)}/${encodeURIComponent(t.table)}">${t.schema}.${t.table}</a></td>
<td>${t.pipelines.join(', ')}</td><td>${t.rows ?? 'not created yet'}</td><td>${when(t.lastLoad)}</td></tr>`)}
</table>`;
}

export function tablePage(schema: string, table: string, columns: { name: string; type: string }[], chosen: { x?: string; y: string[]; group?: string }): Html {
  const times = columns.filter((c) => /^(date|timestamp|integer|bigint|numeric|double)/.test(c.type));
  const numbers = columns.filter((c) => /^(integer|bigint|smallint|numeric|double|real)/.test(c.type));
  const x = chosen.x ?? times.find((c) => /^(date|timestamp)/.test(c.type))?.name ?? times[0]?.name;
  const y = chosen.y.length ? chosen.y : numbers.filter((c) => c.name !== x).slice(0, 1).map((c) => c.name);
  const base = `/data/${encodeURIComponent(schema)}/${encodeURIComponent(table)}`;
  return html`<h1>${schema}.${table}</h1>
<form method="get" action="${base}" class="box">
x <select name="x">${times.map((c) => html`<option ${c.name === x ? 'selected' : ''}>${c.name}</option>`)}</select>
y <select name="y" multiple size="4">${numbers.map((c) => html`<option ${y.includes(c.name) ? 'selected' : ''}>${c.name}</option>`)}</select>
group by <select name="group"><option value="">none</option>${columns.filter((c) => c.type === 'text' || c.type.startsWith('character')).map((c) => html`<option ${c.name === chosen.group ? 'selected' : ''}>${c.name}</option>`)}</select>
<button>Chart</button></form>
${x && y.length ? html`<div class="chart" data-title="${y.join(', ')} by ${x}" data-src="${chartSource({ title: '', table, schema, x, y, group: chosen.group })}"></div>` : html`<p class="muted">no time and numeric columns to chart</p>`}
<h2>Columns</h2><table><tr><th>column</th><th>type</th></tr>${columns.map((c) => html`<tr><td>${c.name}</td><td>${c.type}</td></tr>`)}</table>`;
}
