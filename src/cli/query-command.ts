/** `sluice query "<SQL>" [--lake]`: read-only SQL on the project's database, or on the lake's curated Parquet. */
import { checkout } from '../database/database.ts';
import Papa from 'papaparse';
import path from 'node:path';
import { openLake } from '../lake/open-lake.ts';
import { openProject } from '../pipeline/project.ts';
import { queryLake } from '../publish/lake-query.ts';
import { withContext } from './context.ts';
import { table } from './format.ts';

interface Options {
  readonly project: string;
  readonly json?: boolean;
  readonly csv?: boolean;
  readonly lake?: boolean;
}

export async function queryCommand(sql: string, options: Options): Promise<void> {
  if (options.lake) {
    const project = await openProject(options.project);
    const lake = openLake(project.lake, project.dir);
    const folder = project.lake.startsWith('s3://') ? undefined : path.join(project.lake, 'curated');
    const answer = await queryLake(lake, sql, { folder, cacheDir: path.join(project.stateDir, 'cache') });
    return print(answer.columns, answer.rows, options);
  }
  const result = await withContext(options.project, async (ctx) => {
    const client = await checkout(ctx.database.pool);
    try {
      // Read only, whatever the SQL says: a query can look but never change anything.
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = '30s'`);
      return await client.query({ text: sql, rowMode: 'array' });
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  });
  print(result.fields.map((f) => f.name), result.rows as unknown[][], options);
}

function print(columns: string[], rows: unknown[][], options: Options): void {
  if (options.json) {
    process.stdout.write(JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])))) + '\n');
  } else if (options.csv) {
    process.stdout.write(Papa.unparse({ fields: columns, data: rows }) + '\n');
  } else {
    process.stdout.write(table(columns, rows) + `(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
  }
}
