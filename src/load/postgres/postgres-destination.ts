/** `postgres.table()`: COPY into staging (or straight into the table for a plain append), one set-based write, and the ledger, in one transaction. */

import { from as copyFrom } from 'pg-copy-streams';
import type { Columns, WriteRow } from '../../transform/columns.ts';
import { parseOptions } from '../../pipeline/parse-options.ts';
import type { Destination, Load, LoadContext, LoadResult, RowBatch } from '../destination.ts';
import { checkFence, claimRunKey, recordLoad } from '../ledger.ts';
import { CopyWriter } from './copy-writer.ts';
import { qualified, quoteIdent } from './identifiers.ts';
import { postgresTableConfig, type PostgresTableConfig, type PostgresTableOptions } from './postgres-config.ts';
import { prepareTable, formatType } from './table-schema.ts';
import { applyWriteMode } from './write-modes.ts';

/**
 * A table in sluice's database, created from the declared columns if missing.
 * @example
 * destination: postgres.table('covid_daily', {
 *   columns: { date: col.date(), cases: col.bigint(), deaths: col.bigint() },
 *   write: { mode: 'merge', key: ['date'] },
 * })
 */
function table<C extends Columns>(name: string, options: PostgresTableOptions<C>): Destination<WriteRow<C>> {
  quoteIdent(name);
  const config = parseOptions(`postgres.table(${JSON.stringify(name)})`, postgresTableConfig, options);
  const keyed = 'key' in config.write ? config.write.key : [];
  // Key columns can never be null: a row without its key is quarantined, not loaded.
  const columns = Object.fromEntries(Object.entries(config.columns).map(([n, c]) => [n, keyed.includes(n) ? { ...c, nullable: false } : c]));
  return {
    kind: 'postgres',
    columns,
    describe: () => `postgres ${config.schema}.${name} (${config.write.mode}${keyed.length ? ` on ${keyed.join(', ')}` : ''})`,
    open: (ctx) => openLoad(ctx, name, config),
  };
}

/** A plain append needs no staging: COPY into the table is already atomic inside the transaction. */
function stagingFor(config: PostgresTableConfig): 'none' | 'temp' | 'table' {
  if (config.stageTable) return 'table';
  return config.write.mode === 'append' && !config.write.loadTimestamp ? 'none' : 'temp';
}

async function openLoad(ctx: LoadContext, name: string, config: PostgresTableConfig): Promise<Load> {
  const client = await ctx.database.pool.connect();
  const target = qualified(config.schema, name);
  const names = Object.keys(config.columns);
  const staging = stagingFor(config);
  const stage = staging === 'table' ? qualified(config.schema, config.stageTable!) : staging === 'temp' ? 'pg_temp.sluice_stage' : target;
  const positions = staging === 'temp';
  const sources: string[] = [];
  let copy: CopyWriter | undefined;
  let rows = 0;
  let finished = false;
  let changes: string[] = [];
  const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
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
  try {
    await client.query('BEGIN');
    if (await claimRunKey(client, ctx.pipeline, ctx.runKey, ctx.runId, ctx.attempt)) {
      changes = await prepareTable(client, name, config);
      if (staging !== 'none') await client.query(createStage(staging, stage, config.columns));
      const copied = positions ? [...names, '__source', '__line'] : names;
      copy = new CopyWriter(client.query(copyFrom(`COPY ${stage} (${copied.map(quoteIdent).join(', ')}) FROM STDIN`)));
    }
  } catch (error) {
    await end('ROLLBACK').catch(() => {});
    throw error;
  }
  return {
    fresh: copy !== undefined,
    async write(batch: RowBatch) {
      if (!copy) throw new Error('this run key was loaded before; nothing may be written');
      rows += batch.rows.length;
      if (!positions) return copy.write(batch.rows);
      let index = sources.lastIndexOf(batch.source);
      if (index < 0) index = sources.push(batch.source) - 1;
      await copy.write(batch.rows.map((row, i) => [...row, String(index), String(batch.lines[i])]));
    },
    async commit(objects): Promise<LoadResult> {
      if (!copy) {
        await end('ROLLBACK');
        return { inserted: 0, updated: 0, unchanged: 0, superseded: 0, rejects: [], changes: [] };
      }
      try {
        await copy.end();
        if (config.write.mode === 'replace' && rows === 0 && !config.write.allowEmpty) {
          throw new Error(`replace: this load has no rows, so ${config.schema}.${name} was left as it was (set write.allowEmpty to let an empty load empty it)`);
        }
        // Fencing: a newer attempt owns this run key; this one must not commit (it was presumed dead).
        await checkFence(client, ctx.pipeline, ctx.runKey, ctx.attempt);
        const mode = staging === 'none'
          ? { inserted: rows, updated: 0, unchanged: 0, superseded: 0, duplicates: [] }
          : await applyWriteMode(client, config.write, { target, stage, columns: config.columns, rows });
        const rejects = mode.duplicates.map((d) => ({
          source: sources[d.source] ?? '', line: d.line, reason: `key (${d.key}) appears more than once in this load (duplicates: 'reject')`,
        }));
        const result = { inserted: mode.inserted, updated: mode.updated, unchanged: mode.unchanged, superseded: mode.superseded, rejects, changes };
        await recordLoad(client, ctx.pipeline, ctx.runKey, ctx.runId, objects, { ...result, rejects: rejects.length, changes: changes.length });
        await end('COMMIT');
        return result;
      } catch (error) {
        await end('ROLLBACK').catch(() => {});
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
      await end('ROLLBACK').catch(() => {});
    },
  };
}

/** A temporary stage (with the rows' positions, for duplicate handling) or the persistent one, emptied. */
function createStage(staging: 'temp' | 'table', stage: string, columns: Columns): string {
  const defs = Object.entries(columns).map(([n, c]) => `${quoteIdent(n)} ${formatType(c)}`);
  return staging === 'temp'
    ? `CREATE TEMP TABLE sluice_stage (${defs.join(', ')}, __source integer, __line integer) ON COMMIT DROP`
    : `CREATE TABLE IF NOT EXISTS ${stage} (${defs.join(', ')}); TRUNCATE ${stage}`;
}

/** Postgres destinations. */
export const postgres = { table };

