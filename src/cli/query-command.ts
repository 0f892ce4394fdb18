/** `sluice query "<SQL>" [--lake]`: read-only SQL on the project's database, or on the lake's curated Parquet. */
import Papa from 'papaparse';
import { readOnlyQuery } from '../database/read-only-query.ts';
import { openLake } from '../lake/open-lake.ts';
import { openProject } from '../pipeline/project.ts';
import { lakeQueryPlaces, queryLake } from '../publish/lake-query.ts';
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
    const answer = await queryLake(openLake(project.lake, project.dir), sql, lakeQueryPlaces(project));
    return print(answer.columns, answer.rows, options);
  }
  const answer = await withContext(options.project, (ctx) => readOnlyQuery(ctx.database, sql, 30_000));
  print(answer.columns, answer.rows, options);
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
