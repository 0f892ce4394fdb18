/**
 * The dashboard: runs, pipelines and the loaded data, server-rendered. Every route needs the install's token
 * (`?token=` once, then a cookie); mutating routes also need the CSRF token; every value is escaped.
 */
import fs from 'node:fs';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { streamSSE } from 'hono/streaming';
import Papa from 'papaparse';
import type { Database } from '../database/database.ts';
import type { Lake } from '../lake/lake.ts';
import type { Pipeline } from '../pipeline/define-pipeline.ts';
import { queryLake } from '../publish/lake-query.ts';
import { readOnlyQuery } from '../database/read-only-query.ts';
import { readRunLog } from '../runs/run-log.ts';
import { csrfToken, same } from './dashboard-token.ts';
import { page } from './layout.ts';
import { metricsRegistry } from './metrics.ts';
import { dataPage, tablePage } from './pages/data.ts';
import { overviewPage } from './pages/overview.ts';
import { pipelinePage } from './pages/pipeline.ts';
import { runPage } from './pages/run.ts';
import { resultTable, sqlPage } from './pages/sql.ts';
import { checkHistory, runCheckResults } from '../check/check-results.ts';
import { chartSeries, pipelineRuns, pipelineSummaries, runAlerts, runById, runRejects, tableColumns, tableInfo } from './queries.ts';

/** What the dashboard shows and acts on. */
export interface DashboardOptions {
  readonly token: string;
  readonly database: Database;
  readonly lake: Lake;
  /** Where lake queries read (see `lakeQueryPlaces`). */
  readonly lakePlaces: { readonly folder?: string; readonly cacheDir: string };
  readonly pipelines: readonly Pipeline[];
  /** Starts a run now (queued for the workers, or run in this process); returns its run key. */
  readonly runNow: (pipeline: Pipeline) => Promise<string>;
}

const ASSETS: Readonly<Record<string, [string, string]>> = {
  'htmx.min.js': [new URL(import.meta.resolve('htmx.org/dist/htmx.min.js')).pathname, 'text/javascript'],
  'uPlot.iife.min.js': [new URL(import.meta.resolve('uplot/dist/uPlot.iife.min.js')).pathname, 'text/javascript'],
  'uPlot.min.css': [new URL(import.meta.resolve('uplot/dist/uPlot.min.css')).pathname, 'text/css'],
  'charts.js': [new URL('./charts.js', import.meta.url).pathname, 'text/javascript'],
};
const COOKIE = 'sluice_token';

export function createDashboard(options: DashboardOptions): Hono {
  const { database, token } = options;
  const pool = database.pool;
  const csrf = csrfToken(token);
  const byName = new Map(options.pipelines.map((p) => [p.name, p]));
  const registry = metricsRegistry(pool);
  const app = new Hono();

  // The token: from the link printed at start (then kept in a cookie), or an Authorization header for scripts.
  app.use('*', async (c, next) => {
    const given = c.req.query('token') ?? getCookie(c, COOKIE) ?? c.req.header('authorization')?.replace(/^Bearer /, '');
    if (!same(given, token)) return c.text('401: open the dashboard with the link sluice printed (…/?token=…)', 401);
    if (c.req.query('token')) {
      setCookie(c, COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(url.pathname + url.search);
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const form = c.req.header('content-type')?.includes('form') ? await c.req.parseBody() : {};
      if (!same(c.req.header('x-csrf-token') ?? (form.csrf as string | undefined), csrf)) return c.text('403: missing or wrong CSRF token', 403);
    }
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    await next();
  });

  const render = (c: Context, title: string, body: Parameters<typeof page>[1], live = false) => c.html(page(title, body, { csrf, live }));

  app.get('/', async (c) => render(c, 'Pipelines', overviewPage(options.pipelines, await pipelineSummaries(pool, [...byName.keys()])), true));
  app.get('/fragments/overview', async (c) => c.html(overviewPage(options.pipelines, await pipelineSummaries(pool, [...byName.keys()]))));

  app.get('/pipelines/:name', async (c) => {
    const pipeline = byName.get(c.req.param('name'));
    if (!pipeline) return c.text('404: no such pipeline', 404);
    const pageNumber = Math.max(0, Number(c.req.query('page') ?? 0) || 0);
    const status = c.req.query('status') || undefined;
    const { runs, more } = await pipelineRuns(pool, pipeline.name, { status, page: pageNumber, pageSize: 50 });
    let sourceText: string;
    try {
      sourceText = pipeline.source(pipeline.params).describe();
    } catch (error) {
      sourceText = `(cannot describe: ${(error as Error).message})`;
    }
    return render(c, pipeline.name, pipelinePage(pipeline, sourceText, runs, { status, page: pageNumber, more }, await checkHistory(pool, pipeline.name)), true);
  });

  app.post('/pipelines/:name/run', async (c) => {
    const pipeline = byName.get(c.req.param('name'));
    if (!pipeline) return c.text('404: no such pipeline', 404);
    const runKey = await options.runNow(pipeline);
    return c.json({ queued: true, runKey }, 202);
  });

  app.get('/runs/:id', async (c) => {
    const run = await runById(pool, c.req.param('id'));
    if (!run) return c.text('404: no such run', 404);
    return render(c, `${run.pipeline} ${run.runId}`, runPage(run, await runRejects(pool, run.runId), await runAlerts(pool, run.runId), await runCheckResults(pool, run.runId)), true);
  });

  app.get('/runs/:id/log', async (c) => {
    const lines = await readRunLog(pool, c.req.param('id'));
    return c.text(lines.map(({ line }) => `${String(line.time ?? '').slice(11, 23)} ${line.msg ?? ''} ${JSON.stringify(Object.fromEntries(
      Object.entries(line).filter(([k]) => !['time', 'msg', 'level', 'pipeline', 'runId'].includes(k))))}`).join('\n'));
  });

  app.get('/runs/:id/raw', async (c) => {
    const run = await runById(pool, c.req.param('id'));
    const key = c.req.query('key') ?? '';
    // Only the run's own raw objects: the key is never taken as a path into the lake.
    if (!run || !run.rawObjects.includes(key)) return c.text('404: no such raw object in this run', 404);
    const body = await options.lake.get(key);
    c.header('content-disposition', `attachment; filename="${key.split('/').pop()!.replace(/[^\w.-]/g, '_')}"`);
    return c.body(body as unknown as ReadableStream, 200, { 'content-type': 'application/octet-stream' });
  });

  const tables = (() => {
    const found = new Map<string, { schema: string; table: string; pipelines: string[] }>();
    for (const p of options.pipelines) {
      const target = p.destination.table;
      if (!target) continue;
      const key = `${target.schema}.${target.name}`;
      found.set(key, { schema: target.schema, table: target.name, pipelines: [...(found.get(key)?.pipelines ?? []), p.name] });
    }
    return [...found.values()];
  })();
  const loads = (schema: string, table: string) => tables.some((t) => t.schema === schema && t.table === table);
  app.get('/data', async (c) => render(c, 'Data', dataPage(await tableInfo(pool, tables))));
  app.get('/data/:schema/:table', async (c) => {
    const { schema, table } = c.req.param();
    if (!loads(schema, table)) return c.text('404: sluice loads no such table', 404);
    const columns = await tableColumns(pool, schema, table);
    return render(c, `${schema}.${table}`, tablePage(schema, table, columns, { x: c.req.query('x'), y: c.req.queries('y') ?? [], group: c.req.query('group') || undefined }));
  });
  app.get('/api/series/:schema/:table', async (c) => {
    const { schema, table } = c.req.param();
    if (!loads(schema, table)) return c.json({ error: 'sluice loads no such table' }, 404);
    const split = (v: string | undefined) => (v ? v.split(',').filter(Boolean) : []);
    try {
      return c.json(await chartSeries(pool, schema, table, { x: c.req.query('x') ?? '', y: split(c.req.query('y')), group: c.req.query('group') || undefined, groups: split(c.req.query('groups')) }));
    } catch (error) {
      return c.json({ error: (error as Error).message }, 400);
    }
  });

  app.get('/sql', (c) => render(c, 'SQL', sqlPage(csrf)));
  const runSql = async (c: Context, limit: number) => {
    const form = await c.req.parseBody();
    const sql = String(form.sql ?? '');
    if (form.lake) {
      const answer = await queryLake(options.lake, sql, { ...options.lakePlaces, timeoutMs: 10_000, maxRows: limit });
      return { columns: answer.columns, rows: answer.rows };
    }
    const answer = await readOnlyQuery(database, sql, 10_000, { maxRows: limit });
    return { columns: answer.columns, rows: answer.rows.slice(0, limit) };
  };
  app.post('/sql', async (c) => {
    try {
      const { columns, rows } = await runSql(c, 1001);
      return c.html(resultTable(columns, rows.slice(0, 1000), rows.length > 1000));
    } catch (error) {
      return c.html(html`<p class="failed">${(error as Error).message}</p>`, 400);
    }
  });
  app.post('/sql.csv', async (c) => {
    const { columns, rows } = await runSql(c, 100_000);
    c.header('content-disposition', 'attachment; filename="query.csv"');
    return c.body(Papa.unparse({ fields: columns, data: rows as unknown[][] }), 200, { 'content-type': 'text/csv; charset=utf-8' });
  });

  // Live runs: an event whenever a run starts or ends; pages refresh the parts that listen for it.
  app.get('/events', (c) => streamSSE(c, async (stream) => {
    let since = new Date();
    while (!stream.aborted) {
      const { rows } = await pool.query<{ run_id: string; pipeline: string; status: string; at: Date }>(
        `SELECT run_id, pipeline, status, greatest(coalesce(finished_at, started_at), started_at) AS at FROM sluice.runs
         WHERE coalesce(finished_at, started_at) > $1 ORDER BY at`, [since]).catch(() => ({ rows: [] }));
      for (const r of rows) {
        await stream.writeSSE({ event: 'run', data: JSON.stringify({ runId: r.run_id, pipeline: r.pipeline, status: r.status }) });
        since = r.at > since ? r.at : since;
      }
      await stream.sleep(1000);
    }
  }));

  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  app.get('/healthz', async (c) => {
    await pool.query('SELECT 1');
    return c.json({ ok: true });
  });
  app.get('/assets/:name', (c) => {
    const asset = ASSETS[c.req.param('name')];
    if (!asset) return c.text('404', 404);
    c.header('cache-control', 'max-age=3600');
    return c.body(fs.readFileSync(asset[0]), 200, { 'content-type': asset[1] });
  });
  return app;
}
