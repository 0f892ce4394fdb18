/** `parquet.table()`: loads into the curated zone of the lake only (no Postgres table), with the ledger in sluice's database. */
import { z } from 'zod';
import { parseOptions } from '../../pipeline/parse-options.ts';
import { curatedBatch, curatedKey } from '../../publish/curated-batch.ts';
import type { Columns, WriteRow } from '../../transform/columns.ts';
import type { Destination, Load, LoadContext, LoadResult, RowBatch } from '../destination.ts';
import { beginLoad, NOTHING_LOADED } from '../load-transaction.ts';

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
  const tx = await beginLoad(ctx);
  const batch = curatedBatch(columns);
  const key = curatedKey(name, ctx.runId, ctx.startedAt);
  const rollback = async () => {
    batch.discard();
    await tx.rollback();
  };
  return {
    fresh: tx.fresh,
    write: (rows: RowBatch) => batch.write(rows.rows),
    async commit(objects): Promise<LoadResult> {
      if (!tx.fresh) {
        await rollback();
        return NOTHING_LOADED;
      }
      let published = false;
      try {
        // The file first, then the ledger: a failed commit removes the file again.
        const inserted = await batch.publish(ctx.lake, key);
        published = true;
        await tx.commit(objects, { inserted });
        batch.discard();
        return { ...NOTHING_LOADED, inserted, changes: [`wrote ${key}`] };
      } catch (error) {
        if (published) await ctx.lake.delete(key).catch(() => {});
        await rollback();
        throw error;
      }
    },
    abort: rollback,
  };
}

/** Destinations in the lake's curated zone. */
export const parquet = { table };
