/** `sluice query "<SQL>"`: read-only SQL on the project's database, as a table, JSON or CSV. */
import Papa from 'papaparse';
import { withContext } from './context.ts';
import { table } from './format.ts';

interface Options {
  readonly project: string;
  readonly json?: boolean;
  readonly csv?: boolean;
}

export async function queryCommand(sql: string, options: Options): Promise<void> {
  const result = await withContext(options.project, async (ctx) => {
    const client = await ctx.database.pool.connect();
    try {
      // Read only, whatever the SQL says: a query can look but never change anything.
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = '30s'`);
      return await client.query({ text: sql, rowMode: 'array' });
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  });
  const columns = result.fields.map((f) => f.name);
  const rows = result.rows as unknown[][];
  if (options.json) {
    process.stdout.write(JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])))) + '\n');
  } else if (options.csv) {
    process.stdout.write(Papa.unparse({ fields: columns, data: rows }) + '\n');
  } else {
    process.stdout.write(table(columns, rows) + `(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
  }
}
