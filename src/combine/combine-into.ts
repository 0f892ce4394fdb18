/** The combine step: the user's SELECT over the staged sources, checked against the destination's columns, inserted into its stage. */
import type pg from 'pg';
import { TerminalError } from '../extract/errors.ts';
import { formatType } from '../load/postgres/table-schema.ts';
import type { Columns } from '../transform/columns.ts';

/** Where the combined rows go: the destination's stage, which takes these columns. */
export interface CombineTarget {
  readonly columns: Columns;
  /** Runs `INSERT INTO <stage> (columns) SELECT columns FROM (select)` on the load's transaction; resolves to the rows inserted. */
  insertSelect(columns: readonly string[], select: string): Promise<number>;
  /** The destination, for messages: `postgres public.covid_us_daily (merge on date)`. */
  readonly describe: string;
}

/**
 * Checks what `sql` returns against the destination's columns (names, and types that fit without a lossy cast),
 * then inserts its rows into the destination's stage, in the load's transaction. Resolves to the rows inserted.
 * The SQL goes through the extended protocol, so it is exactly one statement; as a subquery it can only read.
 */
export async function combineInto(client: pg.ClientBase, sql: string, target: CombineTarget): Promise<number> {
  const names = await checkColumns(client, sql, target);
  try {
    return await target.insertSelect(names, sql);
  } catch (error) {
    throw new TerminalError(`combine: the joined rows do not fit ${target.describe}: ${(error as Error).message}`);
  }
}

/** The result's column names, after checking that each is a destination column of a type that fits, and that none required is missing. */
async function checkColumns(client: pg.ClientBase, sql: string, target: CombineTarget): Promise<string[]> {
  let fields: pg.FieldDef[];
  try {
    fields = (await client.query({ text: `SELECT * FROM (${sql}) AS combined LIMIT 0`, queryMode: 'extended' } as pg.QueryConfig)).fields;
  } catch (error) {
    throw new TerminalError(`combine: the join's SQL failed: ${(error as Error).message}`);
  }
  const names = fields.map((f) => f.name);
  const problems: string[] = [];
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length) problems.push(`it returns ${[...new Set(repeated)].map((n) => `"${n}"`).join(', ')} more than once`);
  const unknown = names.filter((n) => !(n in target.columns));
  if (unknown.length) problems.push(`it returns ${unknown.map((n) => `"${n}"`).join(', ')}, not a column of the destination`);
  const missing = Object.entries(target.columns).filter(([n, c]) => !c.nullable && !names.includes(n)).map(([n]) => `"${n}"`);
  if (missing.length) problems.push(`it does not return ${missing.join(', ')}, which the destination requires`);
  const known = fields.filter((f) => f.name in target.columns);
  // A type fits when it is the declared one or casts to it implicitly (integer into bigint, date into timestamptz);
  // a lossy or textual cast (numeric into bigint, text into date) is the SQL's to write, visibly.
  const { rows } = await client.query<{ name: string; got: string; want: string; fits: boolean }>(
    `SELECT c.name, format_type(c.got, NULL) AS got, format_type(c.want::regtype, NULL) AS want,
            c.got = c.want::regtype OR EXISTS (SELECT 1 FROM pg_cast WHERE castsource = c.got AND casttarget = c.want::regtype AND castcontext = 'i') AS fits
     FROM unnest($1::text[], $2::oid[], $3::text[]) AS c(name, got, want)`,
    [known.map((f) => f.name), known.map((f) => f.dataTypeID), known.map((f) => formatType(target.columns[f.name]!))]);
  for (const r of rows) if (!r.fits) problems.push(`column "${r.name}" is ${r.got}, the destination's is ${r.want} (cast it in the SQL)`);
  if (problems.length) {
    throw new TerminalError(`combine: the join does not fit ${target.describe}: ${problems.join('; ')}. Expected the columns ${Object.keys(target.columns).join(', ')}`);
  }
  return names;
}
