/** The transaction every destination's load runs in: the run key claimed first, the ledger written last, one COMMIT. */
import type pg from 'pg';
import { checkout } from '../database/database.ts';
import type { LoadContext, LoadedObject, LoadResult } from './destination.ts';
import { checkFence, claimRunKey, recordLoad } from './ledger.ts';

/** What a load that wrote nothing reports. */
export const NOTHING_LOADED: LoadResult = Object.freeze({ inserted: 0, updated: 0, unchanged: 0, superseded: 0, rejects: [], changes: [] });

/** An open load transaction. */
export interface LoadTransaction {
  readonly client: pg.PoolClient;
  /** False when the run key was committed before: nothing may be written. */
  readonly fresh: boolean;
  /** Refuses a fenced attempt, records the loaded objects and counts, and commits. */
  commit(objects: readonly LoadedObject[], counts: Readonly<Record<string, number>>): Promise<void>;
  /** Rolls back; safe to call twice or after a failure. */
  rollback(): Promise<void>;
  /** Ends by dropping the connection: Postgres rolls back (for a connection busy with an open COPY). */
  drop(): void;
}

/** BEGINs the load's transaction and claims its run key. */
export async function beginLoad(ctx: LoadContext): Promise<LoadTransaction> {
  const client = await checkout(ctx.database.pool);
  let ended = false;
  const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
    if (ended) return;
    ended = true;
    try {
      await client.query(sql);
      client.release();
    } catch (error) {
      client.release(true);
      throw error;
    }
  };
  let fresh: boolean;
  try {
    // Dates read year-first and zone-less timestamps as UTC, whichever path parses them (sluice's or COPY's).
    await client.query(`BEGIN; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL TimeZone = 'UTC'`);
    fresh = await claimRunKey(client, ctx.pipeline, ctx.runKey, ctx.runId, ctx.attempt);
  } catch (error) {
    await end('ROLLBACK').catch(() => {});
    throw error;
  }
  return {
    client,
    fresh,
    async commit(objects, counts) {
      // Fencing: a newer attempt owns this run key; this one must not commit (it was presumed dead).
      await checkFence(client, ctx.pipeline, ctx.runKey, ctx.attempt);
      await recordLoad(client, ctx.pipeline, ctx.runKey, ctx.runId, objects, counts, ctx.reload);
      await end('COMMIT');
    },
    rollback: () => end('ROLLBACK').catch(() => {}),
    drop() {
      if (ended) return;
      ended = true;
      client.release(true);
    },
  };
}
