/** The one place identifiers reach SQL: always quoted, so names from data or config can never inject SQL. */

/** `name` as a quoted Postgres identifier. */
export function quoteIdent(name: string): string {
  if (!name || name.includes('\0')) throw new Error(`invalid SQL identifier ${JSON.stringify(name)}`);
  if (Buffer.byteLength(name) > 63) throw new Error(`SQL identifier ${JSON.stringify(name)} is longer than 63 bytes`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.table`, both quoted. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** `value` as a Postgres string literal (standard_conforming_strings, Postgres's default since 9.1). */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('a SQL string cannot hold a NUL byte');
  return `'${value.replaceAll("'", "''")}'`;
}
