/** Which COPY format a load's rows travel in: binary when every column of the table is exactly the declared type. */
import type pg from 'pg';
import type { Columns } from '../../transform/columns.ts';
import { formatType } from './table-schema.ts';

/**
 * 'binary' when each declared column of `table` has exactly its declared type (binary input is read as that
 * type only: an integer sent into a bigint column would be refused), else 'text', which any compatible type reads.
 */
export async function copyFormat(client: pg.ClientBase, table: string, columns: Columns): Promise<'binary' | 'text'> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
     WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`, [table]);
  const types = new Map(rows.map((r) => [r.name, r.type]));
  return Object.entries(columns).every(([name, column]) => types.get(name) === formatType(column)) ? 'binary' : 'text';
}
