/** The SQL page: read-only queries over Postgres or the lake, with a row limit, a timeout and CSV download. */
import { html } from 'hono/html';
import type { Html } from '../layout.ts';

export function sqlPage(csrf: string): Html {
  return html`<h1>SQL</h1>
<form class="box" method="post" action="/sql.csv">
<input type="hidden" name="csrf" value="${csrf}">
<textarea name="sql" placeholder="select * from sluice.runs order by queued_at desc limit 10"></textarea>
<label><input type="checkbox" name="lake" value="1"> the lake's curated Parquet (DuckDB)</label>
<button type="button" hx-post="/sql" hx-include="closest form" hx-target="#result">Run</button> <button type="submit">CSV</button>
<span class="muted">one read-only statement · stopped at 10 s · 1,000 rows</span>
</form>
<div id="result"></div>`;
}

export function resultTable(columns: readonly string[], rows: readonly (readonly unknown[])[], truncated: boolean): Html {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return html`<table><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr>
${rows.map((r) => html`<tr>${r.map((v) => html`<td>${cell(v)}</td>`)}</tr>`)}</table>
<p class="muted">${rows.length} row(s)${truncated ? ', cut at the row limit' : ''}</p>`;
}
