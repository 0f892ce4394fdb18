/** The target table's shape: created from the declaration, compared with it, and evolved or frozen per policy. */
import type pg from 'pg';
import type { Column, Columns } from '../../transform/columns.ts';
import type { PostgresTableConfig } from './postgres-config.ts';
import { qualified, quoteIdent } from './identifiers.ts';

/** A column type as Postgres's `format_type` writes it, e.g. `character varying(40)`. */
export function formatType(column: Column): string {
  switch (column.kind) {
    case 'text': return column.maxLength ? `character varying(${column.maxLength})` : 'text';
    case 'numeric': return column.precision ? `numeric(${column.precision},${column.scale ?? 0})` : 'numeric';
    case 'double': return 'double precision';
    case 'timestamptz': return 'timestamp with time zone';
    default: return column.kind;
  }
}

/** Every column the table must have: the declared ones, plus the load timestamp or the history columns. */
function wanted(config: PostgresTableConfig): Map<string, string> {
  const types = new Map(Object.entries(config.columns).map(([name, c]) => [name, formatType(c)]));
  const write = config.write;
  if ('loadTimestamp' in write && write.loadTimestamp) types.set(write.loadTimestamp, 'timestamp with time zone');
  if (write.mode === 'history') {
    types.set('valid_from', 'timestamp with time zone').set('valid_to', 'timestamp with time zone').set('is_current', 'boolean');
  }
  return types;
}

/** Creates the table if missing, else checks it against the declaration; returns the changes made, for the run record. */
export async function prepareTable(client: pg.ClientBase, table: string, config: PostgresTableConfig): Promise<string[]> {
  const target = qualified(config.schema, table);
  const existing = await tableColumns(client, target);
  if (!existing) {
    await client.query(createTable(config, table));
    return [`created table ${config.schema}.${table}`];
  }
  const changes: string[] = [];
  const diff: string[] = [];
  const alters: string[] = [];
  const loadTs = 'loadTimestamp' in config.write ? config.write.loadTimestamp : undefined;
  const declared = wanted(config);
  for (const [name, type] of declared) {
    const has = existing.get(name);
    if (!has) {
      diff.push(`  + ${name} ${type}: declared, not in the table`);
      alters.push(`ADD COLUMN ${quoteIdent(name)} ${type}`);
      changes.push(`added column ${name} ${type}`);
    } else if (has !== type && !(name === loadTs && has === 'timestamp without time zone') && !holds(has, type)) {
      diff.push(`  ~ ${name}: table ${has}, declared ${type}`);
      if (widens(has, type)) {
        alters.push(`ALTER COLUMN ${quoteIdent(name)} TYPE ${type}`);
        changes.push(`widened column ${name} from ${has} to ${type}`);
      } else if (config.schemaPolicy === 'evolve') {
        throw new Error(`table ${config.schema}.${table}: column "${name}" is ${has} but declared ${type}, which is not a safe widening; change it by hand or fix the declaration`);
      }
    }
  }
  if (config.schemaPolicy === 'freeze') {
    for (const [name, type] of existing) if (!declared.has(name)) diff.push(`  - ${name} ${type}: in the table, not declared`);
    if (diff.length) throw new Error(`table ${config.schema}.${table} differs from its declaration (schemaPolicy: freeze), nothing was written:\n${diff.join('\n')}`);
    return [];
  }
  if (alters.length) await client.query(`ALTER TABLE ${target} ${alters.join(', ')}`);
  if ('key' in config.write) await requireUniqueKey(client, target, config);
  return changes;
}

function createTable(config: PostgresTableConfig, table: string): string {
  const target = qualified(config.schema, table);
  const write = config.write;
  const defs = [...wanted(config)].map(([name, type]) => {
    const declared = config.columns[name];
    const notNull = (declared && !declared.nullable) || ('key' in write && write.key.includes(name))
      || ('loadTimestamp' in write && write.loadTimestamp === name) || name === 'valid_from' || name === 'is_current';
    return `${quoteIdent(name)} ${type}${notNull ? ' NOT NULL' : ''}`;
  });
  const keyList = 'key' in write ? write.key.map(quoteIdent).join(', ') : '';
  if (write.mode === 'merge') defs.push(`PRIMARY KEY (${keyList})`);
  const index = write.mode === 'history'
    ? `;\nCREATE UNIQUE INDEX ON ${target} (${keyList}) WHERE is_current`
    : '';
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(config.schema)};\nCREATE TABLE ${target} (${defs.join(', ')})${index}`;
}

/** merge needs a unique index on exactly the key (ON CONFLICT uses it); history needs one on current rows. */
async function requireUniqueKey(client: pg.ClientBase, target: string, config: PostgresTableConfig): Promise<void> {
  if (!('key' in config.write)) return;
  const key = config.write.key;
  const history = config.write.mode === 'history';
  const { rows } = await client.query<{ ok: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM pg_index i
       WHERE i.indrelid = to_regclass($1) AND i.indisunique AND (i.indpred IS NOT NULL) = $3
         AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
              WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) = (SELECT array_agg(k ORDER BY k) FROM unnest($2::text[]) k)
     ) AS ok`, [target, key, history]);
  if (!rows[0]?.ok) {
    throw new Error(`${config.write.mode} into ${target} needs a unique index on (${key.join(', ')})${history ? ' WHERE is_current' : ''}; create it with: ` +
      `CREATE UNIQUE INDEX ON ${target} (${key.map(quoteIdent).join(', ')})${history ? ' WHERE is_current' : ''}`);
  }
}

/** The table's columns and their types, or undefined when it does not exist. */
async function tableColumns(client: pg.ClientBase, target: string): Promise<Map<string, string> | undefined> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, [target]);
  if (!rows.length) {
    const { rows: found } = await client.query('SELECT to_regclass($1) AS t', [target]);
    if (!found[0].t) return undefined;
  }
  return new Map(rows.map((r) => [r.name, r.type]));
}

/** Decimal digits an integer type can hold. */
const INTEGER_DIGITS: Readonly<Record<string, number>> = { integer: 10, bigint: 19 };

/** The table's type already holds every value of the declared one (it is the same or wider). */
function holds(table: string, declared: string): boolean {
  return table !== declared && widens(declared, table);
}

/** `to` holds every value of `from`, so the column can be altered without loss. */
function widens(from: string, to: string): boolean {
  const digits = INTEGER_DIGITS[from];
  if (digits) return (from === 'integer' && to === 'bigint') || to === 'numeric' || (to.startsWith('numeric(') && numericRoom(to) >= digits);
  const varchar = /^character varying\((\d+)\)$/;
  const vf = varchar.exec(from);
  if (vf) return to === 'text' || Number(varchar.exec(to)?.[1] ?? 0) > Number(vf[1]);
  const numeric = /^numeric\((\d+),(\d+)\)$/;
  const nf = numeric.exec(from);
  const nt = numeric.exec(to);
  if (nf && to === 'numeric') return true;
  if (nf && nt) return Number(nt[2]) >= Number(nf[2]) && numericRoom(to) >= numericRoom(from);
  return false;
}

function numericRoom(type: string): number {
  const m = /^numeric\((\d+),(\d+)\)$/.exec(type);
  return m ? Number(m[1]) - Number(m[2]) : Infinity;
}

