/** The SQL of each check kind, for Postgres and DuckDB: a condition over a staged row `s` that is true when the row fails. */
import { quoteIdent } from '../load/postgres/identifiers.ts';
import type { ColumnKind, Columns } from '../transform/columns.ts';
import type { Check } from './check-config.ts';

/** The engine a query runs on. */
export type Engine = 'postgres' | 'duckdb';

/** Bound values of one query: `add` returns the placeholder, cast to a type so both engines compare like with like. */
export interface Params {
  readonly engine: Engine;
  readonly values: unknown[];
  add(value: unknown, kind?: ColumnKind): string;
}

/** A new, empty set of bound values. */
export function params(engine: Engine): Params {
  const values: unknown[] = [];
  return {
    engine,
    values,
    add(value, kind) {
      values.push(value);
      return kind ? `CAST($${values.length} AS ${typeName(engine, kind)})` : `$${values.length}`;
    },
  };
}

function typeName(engine: Engine, kind: ColumnKind): string {
  switch (kind) {
    case 'integer': return 'INTEGER';
    // DuckDB's NUMERIC is DECIMAL(18,3): a bound would lose digits. A DOUBLE compares with any of its number types.
    case 'bigint': case 'numeric': case 'double': return engine === 'postgres' ? 'NUMERIC' : 'DOUBLE';
    case 'date': return 'DATE';
    case 'timestamptz': return 'TIMESTAMPTZ';
    case 'boolean': return 'BOOLEAN';
    case 'text': case 'jsonb': return 'VARCHAR';
  }
}

/** A column of the staged row `s`. */
export const staged = (column: string) => `s.${quoteIdent(column)}`;

function bound(value: string | number, kind: ColumnKind, p: Params): string {
  if (value === 'now') return kind === 'date' ? 'current_date' : 'now()';
  return p.add(value, kind);
}

/**
 * The condition a failing row meets, for checks judged row by row in the combined scan (and in their samples):
 * notNull, accepted, range, pattern, maxLength. Undefined for the other kinds.
 */
export function rowCondition(check: Check, columns: Columns, p: Params): string | undefined {
  if (!('column' in check) || check.kind === 'unique' || check.kind === 'freshness' || check.kind === 'references') return undefined;
  const c = staged(check.column);
  const kind = columns[check.column]!.kind;
  switch (check.kind) {
    case 'notNull': return `${c} IS NULL`;
    case 'accepted': return `${c} IS NOT NULL AND ${c} NOT IN (${check.values.map((v) => p.add(kind === 'text' ? String(v) : v, kind)).join(', ')})`;
    case 'range': return [check.min === undefined ? '' : `${c} < ${bound(check.min, kind, p)}`, check.max === undefined ? '' : `${c} > ${bound(check.max, kind, p)}`]
      .filter(Boolean).join(' OR ');
    case 'pattern': {
      const { source, ignoreCase } = check.pattern!;
      return p.engine === 'postgres' ? `NOT (${c} ${ignoreCase ? '~*' : '~'} ${p.add(source, 'text')})`
        : `NOT regexp_matches(${c}, ${p.add(source, 'text')}${ignoreCase ? `, 'i'` : ''})`;
    }
    case 'maxLength': return `length(${c}) > ${p.add(check.max, 'integer')}`;
  }
}

/** The key columns a uniqueness check groups by. */
export function keyOf(check: Check): readonly string[] | undefined {
  return check.kind === 'unique' ? [check.column] : check.kind === 'uniqueKey' ? check.key : undefined;
}

/** Rows of `relation` whose key (all parts present) appears more than once: a join for the samples query. */
export function duplicateJoin(relation: string, key: readonly string[]): string {
  const cols = key.map(quoteIdent);
  return `JOIN (SELECT ${cols.join(', ')} FROM ${relation} WHERE ${cols.map((c) => `${c} IS NOT NULL`).join(' AND ')}
    GROUP BY ${cols.join(', ')} HAVING count(*) > 1) AS d ON ${cols.map((c) => `s.${c} = d.${c}`).join(' AND ')}`;
}

/**
 * One scan for every uniqueness check: GROUPING SETS groups the rows once per distinct key; each set's
 * duplicated keys and their rows come back tagged with the set's GROUPING() mask.
 */
export function duplicatesQuery(relation: string, keys: readonly (readonly string[])[]): { sql: string; masks: number[] } {
  const all = [...new Set(keys.flat())];
  const grouping = `GROUPING(${all.map(quoteIdent).join(', ')})`;
  // GROUPING() sets a bit, most significant first, for each argument that is NOT in the set.
  const masks = keys.map((key) => all.reduce((mask, column, i) => (key.includes(column) ? mask : mask | (1 << (all.length - 1 - i))), 0));
  const present = keys.map((key, i) => `(${grouping} = ${masks[i]} AND ${key.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ')})`);
  const sql = `SELECT grp, count(*) AS keys, sum(n) AS n FROM (
    SELECT ${grouping} AS grp, count(*) AS n FROM ${relation}
    GROUP BY GROUPING SETS (${keys.map((key) => `(${key.map(quoteIdent).join(', ')})`).join(', ')})
    HAVING count(*) > 1 AND (${present.join(' OR ')})) AS d GROUP BY grp`;
  return { sql, masks };
}

/** A check's custom SQL with `{{staged}}` and `{{target}}` filled in, without a trailing semicolon. */
export function customSql(query: string, relation: string, target: string | undefined): string {
  const sql = query.trim().replace(/;+\s*$/, '');
  if (/\{\{\s*target\s*\}\}/.test(sql) && !target) throw new Error('the query uses {{target}}, but this destination has no table to compare with');
  return sql.replace(/\{\{\s*staged\s*\}\}/g, relation).replace(/\{\{\s*target\s*\}\}/g, target ?? '');
}
