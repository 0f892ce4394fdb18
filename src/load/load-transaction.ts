/** The ledger's transaction, owned by the runner: the run key claimed first, the ledger row written last, one COMMIT. */
import type pg from 'pg';
import { checkout } from '../database/checkout.ts';
import type { Database } from '../database/database.ts';
import type { LedgerTransaction, LoadedObject, Publication } from './destination.ts';
import { checkFence, claimRunKey, recordLoad } from './ledger.ts';

/** Who is loading what. */
export interface LoadClaim {
  readonly database: Database;
  readonly pipeline: string;
  readonly runId: string;
  readonly runKey: string;
  readonly attempt: number;
  readonly reload?: boolean;
}

/** An open load transaction. */
export interface LoadTransaction extends LedgerTransaction {
  readonly client: pg.PoolClient;
  /** False when the run key was committed before: nothing may be written. */
  readonly fresh: boolean;
  /** Refuses a fenced attempt, records the loaded objects, counts and publication, and commits. */
  commit(objects: readonly LoadedObject[], counts: Readonly<Record<string, number>>, publication?: Publication): Promise<void>;
  /** Rolls back; safe to call twice or after a failure. */
  rollback(): Promise<void>;
}

/** BEGINs the load's transaction and claims its run key. */
export async function beginLoad(claim: LoadClaim): Promise<LoadTransaction> {
  const client = await checkout(claim.database.pool);
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
    fresh = await claimRunKey(client, claim.pipeline, claim.runKey, claim.runId, claim.attempt);
  } catch (error) {
    await end('ROLLBACK').catch(() => {});
    throw error;
  }
  return {
    client,
    fresh,
    async commit(objects, counts, publication) {
      // Fencing: a newer attempt owns this run key; this one must not commit (it was presumed dead).
      await checkFence(client, claim.pipeline, claim.runKey, claim.attempt);
      await recordLoad(client, claim.pipeline, claim.runKey, claim.runId, objects, counts, claim.reload, publication);
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
