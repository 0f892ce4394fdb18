/** `parquet.table()`: loads into the curated zone of the lake only (no Postgres table), with the ledger in sluice's database. */
import { checkout } from '../../database/database.ts';
import { z } from 'zod';
import { parseOptions } from '../../pipeline/parse-options.ts';
import { curatedBatch, curatedKey } from '../../publish/curated-batch.ts';
import type { Columns, WriteRow } from '../../transform/columns.ts';
import type { Destination, Load, LoadContext, LoadResult, RowBatch } from '../destination.ts';
import { claimRunKey, checkFence, recordLoad } from '../ledger.ts';

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
  return { kind: 'parquet', columns, describe: () => `parquet curated/${name}/`, open: (ctx) => openLoad(ctx, name, columns) };
}

async function openLoad(ctx: LoadContext, name: string, columns: Columns): Promise<Load> {
  const client = await checkout(ctx.database.pool);
  const batch = curatedBatch(columns);
  const key = curatedKey(name, ctx.runId, ctx.startedAt);
  let done = false;
  const finish = async (sql: 'COMMIT' | 'ROLLBACK') => {
    if (done) return;
    done = true;
    batch.discard();
    try {
      await client.query(sql);
    } finally {
      client.release();
    }
  };
  await client.query('BEGIN');
  const fresh = await claimRunKey(client, ctx.pipeline, ctx.runKey, ctx.runId, ctx.attempt);
  return {
    fresh,
    write: (rows: RowBatch) => batch.write(rows.rows),
    async commit(objects): Promise<LoadResult> {
      if (!fresh) {
        await finish('ROLLBACK');
        return { inserted: 0, updated: 0, unchanged: 0, superseded: 0, rejects: [], changes: [] };
      }
      let published = false;
      try {
        await checkFence(client, ctx.pipeline, ctx.runKey, ctx.attempt);
        // The file first, then the ledger: a failed commit removes the file again.
        const inserted = await batch.publish(ctx.lake, key);
        published = true;
        await recordLoad(client, ctx.pipeline, ctx.runKey, ctx.runId, objects, { inserted }, ctx.reload);
        await finish('COMMIT');
        return { inserted, updated: 0, unchanged: 0, superseded: 0, rejects: [], changes: [`wrote ${key}`] };
      } catch (error) {
        if (published) await ctx.lake.delete(key).catch(() => {});
        await finish('ROLLBACK').catch(() => {});
        throw error;
      }
    },
    abort: () => finish('ROLLBACK').catch(() => {}),
  };
}

/** Destinations in the lake's curated zone. */
export const parquet = { table };
