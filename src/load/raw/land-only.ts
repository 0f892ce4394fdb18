/** `landOnly()`: a run that lands what it extracts in the raw zone and stops; another pipeline loads it later. */
import type { Destination, Load, LoadContext } from '../destination.ts';
import { beginLoad, NOTHING_LOADED } from '../load-transaction.ts';

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
  const tx = await beginLoad(ctx);
  return {
    fresh: tx.fresh,
    write: async () => { throw new Error('landOnly() reads no records'); },
    async commit(objects) {
      if (tx.fresh) await tx.commit(objects, { landed: objects.length });
      else await tx.rollback();
      return NOTHING_LOADED;
    },
    abort: () => tx.rollback(),
  };
}
