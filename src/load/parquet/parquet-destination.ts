/** `parquet.table()`: loads into the curated zone of the lake only (no Postgres table), with the ledger in sluice's database, by the publish protocol. */
import { z } from 'zod';
import { parseOptions } from '../../config/parse-options.ts';
import { curatedBatch, curatedKey } from '../../publish/curated-batch.ts';
import type { Columns, WriteRow } from '../../transform/columns.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Applied, Destination, Load, LoadContext, RowBatch, Staged, StagedRows } from '../destination.ts';
import { lakePublication, publishStaged, stagedKey } from '../lake-publication.ts';

const config = z.object({
  columns: z.custom<Columns>((v) => typeof v === 'object' && v !== null && Object.keys(v).length > 0, 'expected at least one column'),
}).strict();

/**
 * A table in the curated zone: each load's rows become one Parquet file, queryable with `sluice query --lake`.
 * @example
 * destination: parquet.table('weather', { columns: { city: col.text(), at: col.timestamptz(), temp_c: col.double() } })
 */
function table<C extends Columns>(name: string, options: { readonly columns: C }): Destination<WriteRow<C>> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`parquet.table(${JSON.stringify(name)}): expected a snake_case name`);
  const { columns } = parseOptions(`parquet.table(${JSON.stringify(name)})`, config, options);
  return {
    kind: 'parquet', columns, describe: () => `parquet curated/${name}/`, open: (ctx) => openLoad(ctx, name, columns),
    // The lake is not in the ledger's transaction: the file is staged, the ledger commits naming it, then it is moved into place.
    commitsWithLedger: false,
    publish: publishStaged,
  };
}

async function openLoad(ctx: LoadContext, name: string, columns: Columns): Promise<Load> {
  const batch = curatedBatch(columns);
  const key = curatedKey(name, ctx.runId, ctx.startedAt);
  const staged = stagedKey(ctx.pipeline, ctx.runId, `${name}.parquet`);
  let rows = 0;
  let checked: { dir: string; close(): void } | undefined;
  return {
    write: (batch_: RowBatch) => batch.write(batch_.rows),
    async stage(): Promise<Staged> {
      // Staged durably in the lake now: after the ledger commits, publishing only moves it.
      rows = await batch.publish(ctx.lake, staged);
      batch.discard();
      if (!ctx.checks) return { superseded: 0, rejects: [] };
      const view = await duckdbView(ctx, staged);
      checked = view;
      return { superseded: 0, rejects: [], rows: view.rows };
    },
    async apply(): Promise<Applied> {
      checked?.close();
      return { inserted: rows, updated: 0, unchanged: 0, superseded: 0, changes: [`wrote ${key}`], publication: lakePublication(staged, key) };
    },
    async abort() {
      batch.discard();
      checked?.close();
      await ctx.lake.delete(staged).catch(() => {});
    },
  };
}

/** The staged Parquet as a DuckDB relation, for checks: copied out of the lake into a temporary file. */
async function duckdbView(ctx: LoadContext, staged: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-staged-'));
  const file = path.join(dir, 'staged.parquet');
  await pipeline(await ctx.lake.get(staged), fs.createWriteStream(file));
  // Loaded when first needed: DuckDB adds ~30 MB to every process that imports it.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const rows: StagedRows = {
    engine: 'duckdb',
    relation: `read_parquet('${file.replaceAll("'", "''")}')`,
    async query(sql, values) {
      const reader = await connection.runAndReadAll(sql, values as never);
      return reader.getRowObjectsJson() as Record<string, unknown>[];
    },
  };
  return {
    dir, rows,
    close() {
      connection.closeSync();
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Destinations in the lake's curated zone. */
export const parquet = { table };
