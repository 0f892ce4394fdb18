/** The page shell: navigation, styles, the scripts (htmx, uPlot) served from the package, and the live-update hook. */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
body { margin: 0; }
header { background: #1d2330; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.4rem; align-items: center; }
header a { color: #cfd6e4; text-decoration: none; } header a:hover { color: #fff; } header strong { color: #fff; }
main { padding: 1rem 1.4rem; max-width: 1200px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e3e6ec; vertical-align: top; }
th { background: #eef0f4; font-weight: 600; }
.status { font-weight: 600; } .succeeded { color: #1a7f37; } .failed { color: #c62828; } .running { color: #1565c0; } .skipped, .queued, .warning { color: #8a6d00; } .abandoned { color: #6b7280; }
.muted { color: #6b7280; } .box { background: #fff; border: 1px solid #e3e6ec; padding: .8rem 1rem; margin: .6rem 0 1rem; }
pre { background: #11151c; color: #e6edf3; padding: .7rem; overflow: auto; font-size: .8rem; max-height: 28rem; }
button, input, select, textarea { font: inherit; } button { background: #1565c0; color: #fff; border: 0; padding: .35rem .8rem; border-radius: 3px; cursor: pointer; }
textarea { width: 100%; min-height: 7rem; font-family: ui-monospace, monospace; }
.chart { background: #fff; border: 1px solid #e3e6ec; padding: .4rem; margin: .5rem 0 1rem; }
.spark { display: inline-block; vertical-align: middle; }
`;

/** A whole page. `live` makes the page listen to run events and refresh what is marked `hx-trigger="run-event from:body"`. */
export function page(title: string, body: Html, options: { csrf: string; live?: boolean } ): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · sluice</title>
<meta name="csrf-token" content="${options.csrf}">
<link rel="stylesheet" href="/assets/uPlot.min.css"><style>${raw(STYLE)}</style>
<script src="/assets/htmx.min.js"></script><script src="/assets/uPlot.iife.min.js"></script><script src="/assets/charts.js"></script>
</head><body hx-headers='{"x-csrf-token": "${options.csrf}"}'>
<header><strong>sluice</strong><a href="/">Pipelines</a><a href="/data">Data</a><a href="/sql">SQL</a></header>
<main>${body}</main>
${options.live ? raw(`<script>new EventSource('/events').addEventListener('run', () => document.body.dispatchEvent(new Event('run-event')));</script>`) : ''}
</body></html>`;
}

/** A run status, coloured. */
export function status(value: string): Html {
  return html`<span class="status ${value}">${value}</span>`;
}

export function when(date: Date | string | null | undefined): string {
  if (!date) return '';
  return new Date(date).toISOString().slice(0, 19).replace('T', ' ');
}

export function duration(start: Date | null, end: Date | null): string {
  if (!start || !end) return '';
  const ms = new Date(end).getTime() - new Date(start).getTime();
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A tiny inline SVG line of values (e.g. rows loaded per run). */
export function sparkline(values: readonly number[]): Html {
  if (values.length < 2) return html``;
  const max = Math.max(...values, 1);
  const points = values.map((v, i) => `${(i / (values.length - 1)) * 100},${20 - (v / max) * 18}`).join(' ');
  return html`<svg class="spark" width="100" height="20" viewBox="0 0 100 20"><polyline fill="none" stroke="#1565c0" stroke-width="1.5" points="${points}"/></svg>`;
}
