/** The dashboard's reads: runs, pipelines' last outcomes, loaded tables and chart series. Names from data are quoted. */
import type pg from 'pg';
import { qualified, quoteIdent } from '../load/postgres/identifiers.ts';
import type { RunRecord } from '../runs/run-store.ts';

export interface PipelineSummary {
  readonly name: string;
  readonly last?: { runId: string; status: string; startedAt: Date | null; finishedAt: Date | null; error: string | null; warnings: readonly string[] };
  readonly loaded: number[];
}

/** Each pipeline's last run and the rows it loaded in its last 20 runs (oldest first). */
export async function pipelineSummaries(pool: pg.Pool, names: readonly string[]): Promise<PipelineSummary[]> {
  const { rows } = await pool.query<{ pipeline: string; run_id: string; status: string; started_at: Date | null; finished_at: Date | null; error: string | null;
    warnings: string[] | null; loaded: number }>(
    `SELECT pipeline, run_id, status, started_at, finished_at, error, warnings, coalesce((counts->>'loaded')::int, 0) AS loaded FROM (
       SELECT *, row_number() OVER (PARTITION BY pipeline ORDER BY queued_at DESC, run_id DESC) AS n FROM sluice.runs WHERE pipeline = ANY($1)
     ) r WHERE n <= 20 ORDER BY pipeline, queued_at DESC, run_id DESC`, [names]);
  return names.map((name) => {
    const mine = rows.filter((r) => r.pipeline === name);
    const last = mine[0];
    return {
      name,
      last: last && { runId: last.run_id, status: last.status, startedAt: last.started_at, finishedAt: last.finished_at, error: last.error, warnings: last.warnings ?? [] },
      loaded: mine.map((r) => r.loaded).reverse(),
    };
  });
}

/** A page of a pipeline's runs, newest first. */
export async function pipelineRuns(pool: pg.Pool, pipeline: string, options: { status?: string; page: number; pageSize: number }) {
  const { rows } = await pool.query(
    `SELECT run_id, status, trigger, attempt, started_at, finished_at, counts, error, warnings FROM sluice.runs
     WHERE pipeline = $1 AND ($2::text IS NULL OR status = $2) ORDER BY queued_at DESC, run_id DESC LIMIT $3 OFFSET $4`,
    [pipeline, options.status ?? null, options.pageSize + 1, options.page * options.pageSize]);
  return { runs: rows.slice(0, options.pageSize), more: rows.length > options.pageSize };
}

export async function runById(pool: pg.Pool, runId: string): Promise<(RunRecord & { log_key?: string }) | undefined> {
  const { rows } = await pool.query('SELECT * FROM sluice.runs WHERE run_id = $1', [runId]);
  const r = rows[0];
  if (!r) return undefined;
  return {
    runId: r.run_id, pipeline: r.pipeline, status: r.status, trigger: r.trigger, runKey: r.run_key, attempt: r.attempt,
    startedAt: r.started_at, finishedAt: r.finished_at, stages: r.stages, counts: r.counts, rawObjects: r.raw_objects,
    notes: r.notes, warnings: r.warnings ?? [], logKey: r.log_key, error: r.error,
  };
}

export async function runRejects(pool: pg.Pool, runId: string) {
  return (await pool.query('SELECT source, line, column_name, reason, raw FROM sluice.rejects WHERE run_id = $1 ORDER BY seq LIMIT 200', [runId])).rows;
}

export async function runAlerts(pool: pg.Pool, runId: string) {
  return (await pool.query('SELECT channel, event, status, error, sent_at FROM sluice.alerts WHERE run_id = $1 ORDER BY sent_at', [runId])).rows;
}

/** A loaded table: where it is, about how many rows, and when a load last committed into it. */
export interface TableInfo {
  readonly schema: string;
  readonly table: string;
  readonly pipelines: string[];
  readonly rows: number | null;
  readonly lastLoad: Date | null;
}

export async function tableInfo(pool: pg.Pool, tables: readonly { schema: string; table: string; pipelines: string[] }[]): Promise<TableInfo[]> {
  const out: TableInfo[] = [];
  for (const t of tables) {
    const { rows } = await pool.query<{ rows: string | null; last: Date | null }>(
      `SELECT (SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END FROM pg_class c WHERE c.oid = to_regclass($1)) AS rows,
              (SELECT max(committed_at) FROM sluice.ledger WHERE pipeline = ANY($2)) AS last`, [qualified(t.schema, t.table), t.pipelines]);
    let count = rows[0]?.rows === null || rows[0]?.rows === undefined ? null : Number(rows[0].rows);
    // Small or never analysed tables: count exactly.
    if ((count === null || count < 100_000) && (await pool.query('SELECT to_regclass($1) AS t', [qualified(t.schema, t.table)])).rows[0].t) {
      count = Number((await pool.query(`SELECT count(*) AS n FROM ${qualified(t.schema, t.table)}`)).rows[0].n);
    }
    out.push({ ...t, rows: count, lastLoad: rows[0]?.last ?? null });
  }
  return out;
}

/** The table's columns and their types. */
export async function tableColumns(pool: pg.Pool, schema: string, table: string): Promise<{ name: string; type: string }[]> {
  const { rows } = await pool.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, [qualified(schema, table)]);
  return rows;
}

const TIME = /^(date|timestamp|integer|bigint|smallint|numeric|double precision|real)/;
const NUMBER = /^(integer|bigint|smallint|numeric|double precision|real)/;

/**
 * Chart series: x (a time or number column) against numeric columns, optionally one line per group (top 12 by
 * rows). `time` says whether x is seconds since the epoch.
 */
export async function chartSeries(pool: pg.Pool, schema: string, table: string, spec: { x: string; y: readonly string[]; group?: string; groups?: readonly string[] }) {
  const columns = new Map((await tableColumns(pool, schema, table)).map((c) => [c.name, c.type]));
  const check = (name: string, pattern: RegExp, what: string) => {
    const type = columns.get(name);
    if (!type || !pattern.test(type)) throw new Error(`${table}.${name} is not a ${what} column`);
  };
  check(spec.x, TIME, 'time or number');
  for (const y of spec.y) check(y, NUMBER, 'number');
  if (spec.group && !columns.has(spec.group)) throw new Error(`${table} has no column ${spec.group}`);
  const target = qualified(schema, table);
  const time = /^(date|timestamp)/.test(columns.get(spec.x)!);
  const xExpr = time ? `extract(epoch FROM ${quoteIdent(spec.x)}::timestamptz)::float8` : `${quoteIdent(spec.x)}::float8`;
  const ys = spec.y.map((y) => `${quoteIdent(y)}::float8`).join(', ');
  if (!spec.group) {
    const { rows } = await pool.query({ text: `SELECT ${xExpr} AS x, ${ys} FROM ${target} WHERE ${quoteIdent(spec.x)} IS NOT NULL ORDER BY 1 LIMIT 20000`, rowMode: 'array' });
    return { labels: [...spec.y], x: rows.map((r) => r[0]), series: spec.y.map((_, i) => rows.map((r) => r[i + 1])), time };
  }
  const groups = spec.groups?.length ? [...spec.groups] : (await pool.query<{ g: string }>(
    `SELECT ${quoteIdent(spec.group)}::text AS g FROM ${target} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 12`)).rows.map((r) => r.g);
  const y = spec.y[0]!;
  const { rows } = await pool.query({
    text: `SELECT ${xExpr} AS x, ${quoteIdent(spec.group)}::text AS g, avg(${quoteIdent(y)}::float8) AS y FROM ${target}
           WHERE ${quoteIdent(spec.group)}::text = ANY($1) AND ${quoteIdent(spec.x)} IS NOT NULL GROUP BY 1, 2 ORDER BY 1 LIMIT 100000`,
    values: [groups], rowMode: 'array' });
  const xs = [...new Set(rows.map((r) => r[0] as number))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const series = groups.map(() => new Array<number | null>(xs.length).fill(null));
  for (const [x, g, v] of rows) series[groups.indexOf(g)]![index.get(x)!] = v;
  return { labels: groups.map((g) => `${y} ${g}`), x: xs, series, time };
}
