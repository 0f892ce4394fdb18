/** `landOnly()`: a run that lands what it extracts in the raw zone and stops; another pipeline loads it later. */
import type { Destination, Load } from '../destination.ts';

/**
 * The first stage of a two-stage system: extraction writes the raw answers, and a load pipeline triggered by
 * the new raw objects (`onFile` on the raw zone) reads them. The ledger still records what was landed, so the
 * same content is not landed twice. Its store is the raw zone, written (as every run's) before the load: it follows
 * the external-store protocol with nothing to stage or publish, so the ledger row is all its commit writes.
 * @example
 * destination: landOnly()
 */
export function landOnly(): Destination<never> {
  return { kind: 'land-only', columns: {}, landOnly: true, commitsWithLedger: false, describe: () => 'the raw zone only (no records are read)', open };
}

async function open(): Promise<Load> {
  return {
    write: async () => { throw new Error('landOnly() reads no records'); },
    stage: async () => ({ superseded: 0, rejects: [] }),
    apply: async () => ({ inserted: 0, updated: 0, unchanged: 0, superseded: 0, changes: [] }),
    abort: async () => {},
  };
}
