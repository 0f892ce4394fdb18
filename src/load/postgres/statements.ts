/** The SQL the Postgres destination runs, one named statement each; identifiers go through quoteIdent. */
import { sqlType, type Columns } from '../../transform/columns.ts';
import { qualified, quoteIdent } from './identifiers.ts';

/** The staging table of the current transaction; dropped at commit or rollback. */
export const STAGE = 'pg_temp.sluice_stage';

function columnList(columns: Columns): string {
  return Object.keys(columns).map(quoteIdent).join(', ');
}

/** Creates the target from the declared columns when it does not exist yet. */
export function createTable(schema: string, table: string, columns: Columns): string {
  const defs = Object.entries(columns).map(([name, c]) => `${quoteIdent(name)} ${sqlType(c)}${c.nullable ? '' : ' NOT NULL'}`);
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)};
CREATE TABLE IF NOT EXISTS ${qualified(schema, table)} (${defs.join(', ')})`;
}

/** A temporary, unlogged-by-nature staging table typed like the declared columns. */
export function createStage(columns: Columns): string {
  const defs = Object.entries(columns).map(([name, c]) => `${quoteIdent(name)} ${sqlType(c)}`);
  return `CREATE TEMP TABLE sluice_stage (${defs.join(', ')}) ON COMMIT DROP`;
}

export function copyIntoStage(columns: Columns): string {
  return `COPY ${STAGE} (${columnList(columns)}) FROM STDIN`;
}

/** append: every staged row is added to the target. */
export function appendFromStage(schema: string, table: string, columns: Columns): string {
  const list = columnList(columns);
  return `INSERT INTO ${qualified(schema, table)} (${list}) SELECT ${list} FROM ${STAGE}`;
}
