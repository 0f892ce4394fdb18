/** `landOnly()`: a run that lands what it extracts in the raw zone and stops; another pipeline loads it later. */
import { checkout } from '../../database/database.ts';
import type { Destination, Load, LoadContext, LoadResult } from '../destination.ts';
import { checkFence, claimRunKey, recordLoad } from '../ledger.ts';

/**
 * The first stage of a two-stage system: extraction writes the raw answers, and a load pipeline triggered by
 * the new raw objects (`onFile` on the raw zone) reads them. The ledger still records what was landed, so the
 * same content is not landed twice.
 * @example
 * destination: landOnly()
 */
export function landOnly(): Destination<never> {
  return { kind: 'land-only', columns: {}, landOnly: true, describe: () => 'the raw zone only (no records are read)', open };
}

async function open(ctx: LoadContext): Promise<Load> {
  const client = await checkout(ctx.database.pool);
  await client.query('BEGIN');
  const fresh = await claimRunKey(client, ctx.pipeline, ctx.runKey, ctx.runId, ctx.attempt);
  const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
    try {
      await client.query(sql);
    } finally {
      client.release();
    }
  };
  const none: LoadResult = { inserted: 0, updated: 0, unchanged: 0, superseded: 0, rejects: [], changes: [] };
  let done = false;
  return {
    fresh,
    write: async () => { throw new Error('landOnly() reads no records'); },
    async commit(objects) {
      done = true;
      if (!fresh) {
        await end('ROLLBACK');
        return none;
      }
      await checkFence(client, ctx.pipeline, ctx.runKey, ctx.attempt);
      await recordLoad(client, ctx.pipeline, ctx.runKey, ctx.runId, objects, { landed: objects.length }, ctx.reload);
      await end('COMMIT');
      return none;
    },
    abort: async () => {
      if (!done) {
        done = true;
        await end('ROLLBACK').catch(() => {});
      }
    },
  };
}
