/**
 * The check stage: a pipeline's data-quality checks as set-based SQL over the load's staged rows, before COMMIT.
 * One scan judges every per-row check and the row count; one more groups for every uniqueness check; each
 * reference and custom query is one more. Samples are read only for checks that found failing rows.
 */
import type pg from 'pg';
import { qualified, quoteIdent } from '../load/postgres/identifiers.ts';
import type { Columns } from '../transform/columns.ts';
import { durationMs, type Check, type CheckKind } from './check-config.ts';
import { customSql, duplicateJoin, duplicatesQuery, keyOf, params, rowCondition, staged as col, type Params } from './check-sql.ts';
import type { StagedRows } from '../load/destination.ts';
import { withSettings } from './with-settings.ts';

/** How a check ended: the one list of them. */
export const CHECK_STATUSES = Object.freeze(['passed', 'warned', 'failed'] as const);
/** A check's status. */
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** What one check found. `failingRows` is null for checks of the whole load (row count, freshness). */
export interface CheckResult {
  readonly name: string;
  readonly kind: CheckKind;
  readonly column: string | null;
  readonly status: CheckStatus;
  readonly blocking: boolean;
  readonly failingRows: number | null;
  readonly message: string;
  /** Up to 20 failing rows, with `__source` and `__line` when the staged rows know them. */
  readonly samples: readonly Record<string, unknown>[];
}

/** What checks need besides the rows. */
export interface CheckContext {
  /** The destination's columns (their kinds type the bound values). */
  readonly columns: Columns;
  /** Rows of the pipeline's previous successful load, for `rowCount.withinPercent`; null when there was none. */
  readonly previousRows?: number | null;
  /** sluice's database: `references` checks of rows staged in DuckDB look the values up there. */
  readonly pool?: pg.Pool;
  readonly now?: Date;
}

export const SAMPLE_ROWS = 20;
/** Kinds judged in the one scan: those with a row condition (see rowCondition), and the load-wide row count and freshness. */
const SCANNED: ReadonlySet<CheckKind> = new Set(['notNull', 'accepted', 'range', 'pattern', 'maxLength', 'rowCount', 'freshness']);
const n = (value: unknown) => Number(value ?? 0);
const count = (value: number) => value.toLocaleString('en-US');

/** A finding before its samples: failing rows (null for load-wide checks), whether it failed, and words for people. */
interface Finding {
  readonly failingRows: number | null;
  readonly failed: boolean;
  readonly message: string;
  readonly samples?: readonly Record<string, unknown>[];
  /** Its query failed: it failed, whether it warns or blocks. */
  readonly errored?: boolean;
  /** The samples' query: its join and the condition over `s`. */
  readonly sample?: (p: Params) => { join?: string; where: string; order?: readonly string[] };
}

/** Runs `checks` over `rows`; never throws for a failing check. A check whose query fails is failed, with the error. */
export async function runChecks(checks: readonly Check[], rows: StagedRows, context: CheckContext): Promise<CheckResult[]> {
  if (!checks.length) return [];
  const found = new Map<Check, Finding>();
  const relation = rows.relation;
  let aborted: Error | undefined;
  let totalRows: number | undefined;
  /** Runs `work` for `targets`; a failed query fails those of them without a finding. On Postgres it also ends the transaction's use. */
  const attempt = async (targets: readonly Check[], work: () => Promise<void>) => {
    if (!targets.length) return;
    if (aborted) {
      for (const t of targets) found.set(t, { failingRows: null, failed: true, errored: true, message: `not run: an earlier check's query failed (${aborted.message})` });
      return;
    }
    try {
      await work();
    } catch (error) {
      if (rows.engine === 'postgres') aborted = error as Error;
      for (const t of targets) if (!found.has(t)) found.set(t, { failingRows: null, failed: true, errored: true, message: `could not run: ${(error as Error).message}` });
    }
  };

  // A column declared NOT NULL never stages a null: the transform quarantines the row, and the stage refuses it.
  const declared = checks.filter((c) => c.kind === 'notNull' && context.columns[c.column]?.nullable === false);
  for (const c of declared) found.set(c, { failingRows: 0, failed: false, message: `0 rows are null (the column is declared NOT NULL: such rows are rejected before they stage)` });
  const scanned = checks.filter((c) => !declared.includes(c) && SCANNED.has(c.kind));
  await attempt(scanned, async () => {
    const p = params(rows.engine);
    const now = context.now ?? new Date();
    const select = ['count(*) AS n', ...scanned.flatMap((c, i) => {
      const where = rowCondition(c, context.columns, p);
      // count(column) reads only the null flag: cheaper per row than a filter, and nulls are count(*) - count(column).
      if (c.kind === 'notNull') return [`count(${col(c.column)}) AS c${i}`];
      if (where) return [`count(*) FILTER (WHERE ${where}) AS c${i}`];
      if (c.kind !== 'freshness') return [];
      const since = p.add(new Date(now.getTime() - durationMs(c.maxAge)).toISOString(), 'timestamptz');
      return [`CAST(max(${col(c.column)}) AS VARCHAR) AS c${i}`, `count(*) FILTER (WHERE CAST(${col(c.column)} AS TIMESTAMPTZ) >= ${since}) AS f${i}`];
    })];
    const [row = {}] = await rows.query(`SELECT ${select.join(', ')} FROM ${relation} AS s`, p.values);
    const total = n(row.n);
    totalRows = total;
    for (const [i, c] of scanned.entries()) {
      if (c.kind === 'rowCount') found.set(c, rowCount(c, total, context.previousRows ?? null));
      else if (c.kind === 'freshness') {
        const newest = row[`c${i}`] as string | null;
        const stale = n(row[`f${i}`]) === 0;
        found.set(c, { failingRows: null, failed: stale, message: newest === null ? `no ${c.column} values` : `newest ${c.column} is ${newest}${stale ? `, older than ${c.maxAge}` : ''}` });
      } else {
        const failing = c.kind === 'notNull' ? total - n(row[`c${i}`]) : n(row[`c${i}`]);
        found.set(c, { failingRows: failing, failed: failing > 0, message: `${count(failing)} of ${count(total)} rows ${FAILS[c.kind]!(c)}`,
          sample: (sp) => ({ where: rowCondition(c, context.columns, sp)! }) });
      }
    }
  });

  // Rows the destination keeps unique on a column set (a merge key after duplicate resolution) cannot repeat a superset of it.
  for (const c of checks) {
    const key = keyOf(c);
    const sure = key && rows.uniqueOn?.find((u) => u.columns.every((col) => key.includes(col)));
    if (sure) found.set(c, { failingRows: 0, failed: false, message: `no ${key.join(', ')} appears twice (guaranteed by ${sure.by})` });
  }
  const unique = checks.filter((c) => keyOf(c) && !found.has(c));
  await attempt(unique, async () => {
    const keys = [...new Map(unique.map((c) => [keyOf(c)!.join('\0'), keyOf(c)!])).values()];
    const { sql, masks } = duplicatesQuery(relation, keys);
    // Sorted grouping: a hash aggregate over millions of distinct keys (all of them, when the check passes) is
    // 2-3x slower than sorting them, even in memory (EXPLAIN ANALYZE over 5M staged rows: 9-13 s against 4.4 s).
    const groups = new Map((await withSettings(rows, { enable_hashagg: 'off' }, () => rows.query(sql))).map((r) => [n(r.grp), r]));
    for (const c of unique) {
      const key = keyOf(c)!;
      const group = groups.get(masks[keys.findIndex((k) => k.join('\0') === key.join('\0'))]!);
      const failing = n(group?.n);
      found.set(c, { failingRows: failing, failed: failing > 0,
        message: failing ? `${repeated(n(group!.keys), key.length > 1 ? 'key' : 'value')} more than once (${count(failing)} rows)` : `no ${key.join(', ')} appears twice`,
        sample: () => ({ join: duplicateJoin(relation, key), where: 'true', order: key }) });
    }
  });

  for (const c of checks) {
    if (c.kind === 'references') await attempt([c], async () => void found.set(c, await references(c, rows, context, totalRows)));
    if (c.kind === 'sql') {
      await attempt([c], async () => {
        const sql = customSql(c.query, relation, rows.target);
        const failing = await rows.query(`SELECT *, count(*) OVER () AS __failing FROM (${sql}) AS failing LIMIT ${SAMPLE_ROWS}`);
        const total = n(failing[0]?.__failing);
        found.set(c, { failingRows: total, failed: total > 0, message: `${count(total)} failing row${total === 1 ? '' : 's'}`, samples: failing.map(({ __failing: _, ...r }) => r) });
      });
    }
  }

  const results: CheckResult[] = [];
  let columnsOf: Promise<Set<string>> | undefined;
  for (const c of checks) {
    let finding = found.get(c)!;
    if (finding.failed && finding.sample && !finding.samples) {
      columnsOf ??= rows.query(`SELECT * FROM ${relation} AS s LIMIT 1`).then((r) => new Set(Object.keys(r[0] ?? {})));
      const positioned = (await columnsOf.catch(() => new Set<string>())).has('__line');
      if (!aborted) {
        try {
          const p = params(rows.engine);
          const { join = '', where, order = [] } = finding.sample(p);
          const by = [...order.map((o) => col(o)), ...(positioned ? ['s.__source', 's.__line'] : [])];
          const samples = await rows.query(`SELECT s.* FROM ${relation} AS s ${join} WHERE ${where}${by.length ? ` ORDER BY ${by.join(', ')}` : ''} LIMIT ${SAMPLE_ROWS}`, p.values);
          finding = { ...finding, samples };
        } catch (error) {
          if (rows.engine === 'postgres') aborted = error as Error;
          finding = { ...finding, message: `${finding.message} (samples could not be read: ${(error as Error).message})` };
        }
      }
    }
    results.push({
      name: c.name, kind: c.kind, column: 'column' in c ? c.column : null,
      status: !finding.failed ? 'passed' : c.blocking || finding.errored ? 'failed' : 'warned',
      blocking: c.blocking, failingRows: finding.failingRows, message: finding.message, samples: (finding.samples ?? []).map(jsonSafe),
    });
  }
  return results;
}

const repeated = (keys: number, what: string) => `${count(keys)} ${what}${keys === 1 ? ' appears' : 's appear'}`;

const FAILS = {
  notNull: () => 'are null',
  accepted: (c: Check & { kind: 'accepted' }) => `have a value not in (${c.values.join(', ')})`,
  range: (c: Check & { kind: 'range' }) => `are outside ${c.min ?? '-∞'}..${c.max ?? '∞'}`,
  pattern: (c: Check & { kind: 'pattern' }) => `do not match /${c.pattern!.source}/${c.pattern!.ignoreCase ? 'i' : ''}`,
  maxLength: (c: Check & { kind: 'maxLength' }) => `are longer than ${c.max} characters`,
} as Readonly<Record<string, (c: Check) => string>>;

function rowCount(c: Check & { kind: 'rowCount' }, total: number, previous: number | null): Finding {
  const problems: string[] = [];
  if (c.min !== undefined && total < c.min) problems.push(`fewer than the minimum ${count(c.min)}`);
  if (c.max !== undefined && total > c.max) problems.push(`more than the maximum ${count(c.max)}`);
  let against = '';
  if (c.withinPercent !== undefined) {
    if (previous === null) against = '; no previous successful load to compare with';
    else {
      const change = previous === 0 ? (total === 0 ? 0 : Infinity) : ((total - previous) / previous) * 100;
      against = `, ${change >= 0 ? '+' : ''}${change.toFixed(1)}% against the previous load's ${count(previous)}`;
      if (Math.abs(change) > c.withinPercent) problems.push(`more than ${c.withinPercent}% away`);
    }
  }
  return { failingRows: null, failed: problems.length > 0, message: `${count(total)} rows${against}${problems.length ? `: ${problems.join(', ')}` : ''}` };
}

/** Values of a column with no match in another table's column. Rows staged in DuckDB are looked up in sluice's database. */
async function references(c: Check & { kind: 'references' }, rows: StagedRows, context: CheckContext, total: number | undefined): Promise<Finding> {
  const other = qualified(c.to.schema, c.to.table);
  const what = (failing: number) => `${count(failing)}${total === undefined ? '' : ` of ${count(total)}`} rows have a ${c.column} not in ${c.to.table}.${c.to.column}`;
  if (rows.engine === 'postgres') {
    const where = `${col(c.column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${other} AS r WHERE r.${quoteIdent(c.to.column)} = ${col(c.column)})`;
    const [row] = await rows.query(`SELECT count(*) AS n FROM ${rows.relation} AS s WHERE ${where}`);
    const failing = n(row?.n);
    return { failingRows: failing, failed: failing > 0, message: what(failing), sample: () => ({ where }) };
  }
  if (!context.pool) throw new Error('a references check of rows staged in DuckDB needs sluice\'s database');
  const values = await rows.query(`SELECT CAST(${col(c.column)} AS VARCHAR) AS v, count(*) AS n FROM ${rows.relation} AS s WHERE ${col(c.column)} IS NOT NULL GROUP BY 1`);
  const { rows: missing } = await context.pool.query<{ v: string }>(
    `SELECT v FROM unnest($1::text[]) AS v WHERE NOT EXISTS (SELECT 1 FROM ${other} AS r WHERE r.${quoteIdent(c.to.column)}::text = v) ORDER BY v`,
    [values.map((r) => r.v)]);
  const absent = new Set(missing.map((m) => m.v));
  const failing = values.filter((r) => absent.has(r.v as string)).reduce((sum, r) => sum + n(r.n), 0);
  return { failingRows: failing, failed: failing > 0, message: what(failing),
    sample: (p) => ({ where: `CAST(${col(c.column)} AS VARCHAR) IN (${missing.slice(0, SAMPLE_ROWS).map((m) => p.add(m.v)).join(', ')})` }) };
}

/** A value as JSON can hold it: bigints as numbers (or text beyond 2^53), dates as ISO text, engine values as their text. */
function jsonSafe(row: Record<string, unknown>): Record<string, unknown> {
  const safe = (v: unknown): unknown => {
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
    if (v instanceof Date) return v.toISOString();
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(safe);
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, safe(x)])) : String(v);
  };
  return safe(row) as Record<string, unknown>;
}
