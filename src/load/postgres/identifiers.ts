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
