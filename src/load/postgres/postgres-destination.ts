/** `postgres.table()`: loads a Postgres table through COPY into staging, then one set-based statement, with the ledger, in one transaction. */
import { from as copyFrom } from 'pg-copy-streams';
import type { Columns, WriteRow } from '../../transform/columns.ts';
import { parseOptions } from '../../pipeline/parse-options.ts';
import type { Destination, Load, LoadContext, LoadedObject, LoadResult } from '../destination.ts';
import { claimRunKey, recordLoad } from '../ledger.ts';
import { CopyWriter } from './copy-writer.ts';
import { postgresTableConfig, type PostgresTableOptions } from './postgres-config.ts';
import { appendFromStage, copyIntoStage, createStage, createTable } from './statements.ts';
import { quoteIdent } from './identifiers.ts';

/**
 * A table in sluice's database, created from the declared columns if missing.
 * @example
 * destination: postgres.table('historical_stocks_data', { columns: { stock_date: col.date(), close_value: col.numeric(12, 4) } })
 */
function table<C extends Columns>(name: string, options: PostgresTableOptions<C>): Destination<WriteRow<C>> {
  quoteIdent(name);
  const config = parseOptions(`postgres.table(${JSON.stringify(name)})`, postgresTableConfig, options);
  const { schema, columns, write } = config;
  return {
    kind: 'postgres',
    columns,
    describe: () => `postgres ${schema}.${name} (${write.mode})`,
    open: (ctx) => openLoad(ctx, schema, name, columns),
  };
}

async function openLoad(ctx: LoadContext, schema: string, name: string, columns: Columns): Promise<Load> {
  const client = await ctx.database.pool.connect();
  let finished = false;
  const release = async (sql: 'COMMIT' | 'ROLLBACK') => {
    if (finished) return;
    finished = true;
    try {
      await client.query(sql);
      client.release();
    } catch (error) {
      client.release(true);
      throw error;
    }
  };
  let copy: CopyWriter | undefined;
  try {
    await client.query('BEGIN');
    const fresh = await claimRunKey(client, ctx.pipeline, ctx.runKey, ctx.runId, ctx.attempt);
    if (fresh) {
      await client.query(createTable(schema, name, columns));
      await client.query(createStage(columns));
      copy = new CopyWriter(client.query(copyFrom(copyIntoStage(columns))));
    }
  } catch (error) {
    await release('ROLLBACK').catch(() => {});
    throw error;
  }
  return {
    fresh: copy !== undefined,
    async write(rows) {
      if (!copy) throw new Error('this run key was loaded before; nothing may be written');
      await copy.write(rows);
    },
    async commit(objects: readonly LoadedObject[], counts): Promise<LoadResult> {
      if (!copy) {
        await release('ROLLBACK');
        return { inserted: 0, updated: 0, unchanged: 0 };
      }
      try {
        await copy.end();
        const inserted = (await client.query(appendFromStage(schema, name, columns))).rowCount ?? 0;
        const result = { inserted, updated: 0, unchanged: 0 };
        await recordLoad(client, ctx.pipeline, ctx.runKey, ctx.runId, objects, { ...counts, ...result });
        await release('COMMIT');
        return result;
      } catch (error) {
        await release('ROLLBACK').catch(() => {});
        throw error;
      }
    },
    async abort() {
      if (finished) return;
      // A COPY still open holds the connection: a ROLLBACK would queue behind it forever.
      // Closing the connection instead makes Postgres roll the transaction back.
      if (copy?.open) {
        finished = true;
        client.release(true);
        return;
      }
      await release('ROLLBACK').catch(() => {});
    },
  };
}

/** Postgres destinations. */
export const postgres = { table };
