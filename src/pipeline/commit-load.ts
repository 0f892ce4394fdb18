/**
 * The commit protocol, the one place a load becomes visible: claim the run key (fencing older attempts), stage,
 * validate, commit together with the ledger row and the rejects, then publish what lives outside the transaction.
 * See docs/running.md, "The commit protocol".
 */
import type { Destination, Fed, Load, LoadedObject, Staged } from '../load/destination.ts';
import { beginLoad, type LoadClaim } from '../load/load-transaction.ts';
import { markPublished, pendingPublications } from '../load/ledger.ts';
import type { Lake } from '../lake/lake.ts';
import { checkAccounting, type Counts } from '../runs/counts.ts';
import type { Quarantine } from '../transform/quarantine.ts';
import type { Validation } from './validate-load.ts';
import { stopIfAsked } from './stop-signal.ts';
import { cancelOnAbort } from '../database/cancel-on-abort.ts';

/** One load to commit. */
export interface LoadPlan extends LoadClaim {
  readonly destination: Destination;
  readonly lake: Lake;
  readonly startedAt: Date;
  /** The raw objects whose rows this load carries, recorded in the ledger with it. */
  readonly objects: readonly LoadedObject[];
  readonly quarantine: Quarantine;
  /** The pipeline declares checks: the destination exposes its staged rows. */
  readonly checks?: boolean;
  /** Every row comes through the load's `write` (see LoadContext.rowsOnly). */
  readonly rowsOnly?: boolean;
  /** Aborted: the load rolls back instead of committing. */
  readonly signal?: AbortSignal;
  /** Writes the rows into the load. */
  feed(load: Load): Promise<Fed>;
  /** Decides before COMMIT; throws to fail the load. */
  validate(validation: Pick<Validation, 'counts' | 'staged' | 'fed'>): Promise<void>;
}

/** How a load ended: committed with these counts, or its run key was committed before (nothing was done). */
export type LoadOutcome =
  | { readonly kind: 'committed'; readonly counts: Counts; readonly fed: Fed; readonly changes: readonly string[]; readonly rejectsKey?: string }
  | { readonly kind: 'loaded-before' };

/** Runs the protocol. Any failure before COMMIT rolls everything back: target, ledger and rejects stay as they were. */
export async function commitLoad(plan: LoadPlan): Promise<LoadOutcome> {
  await publishPending(plan);
  const tx = await beginLoad(plan);
  if (!tx.fresh) {
    await tx.rollback();
    return { kind: 'loaded-before' };
  }
  let load: Load | undefined;
  let outcome: LoadOutcome & { kind: 'committed' };
  let publication: Readonly<Record<string, string>> | undefined;
  // Asked to stop, the load's statements are cancelled (a COPY, a wait for a lock) until it ends, so the run stops
  // now rather than once they end. Never from COMMIT on: a cancel landing after it could hit the connection's next user.
  let stopCancelling = async () => {};
  let committing = false;
  try {
    stopCancelling = await cancelOnAbort(plan.signal, plan.database.pool, tx.client);
    load = await plan.destination.open({ ...plan, transaction: tx });
    const fed = await plan.feed(load);
    const staged = await load.stage();
    await plan.quarantine.add(staged.rejects);
    const counts = stagedCounts(fed, staged);
    await plan.validate({ counts, staged, fed });
    const applied = await load.apply();
    const final: Counts = { ...counts, loaded: counts.loaded - applied.superseded, filtered: counts.filtered + applied.superseded,
      inserted: applied.inserted, updated: applied.updated, unchanged: applied.unchanged };
    checkAccounting(final);
    // The rejects are durable in the lake and in sluice.rejects before the data commits, and commit with it.
    const rejectsKey = await plan.quarantine.seal();
    await plan.quarantine.record(tx.client);
    await stopCancelling();
    stopIfAsked(plan.signal);
    committing = true;
    await tx.commit(plan.objects, { ...final, rejectedObjects: plan.quarantine.objects, changes: applied.changes.length }, applied.publication);
    outcome = { kind: 'committed', counts: final, fed, changes: applied.changes, rejectsKey };
    publication = applied.publication;
  } catch (error) {
    await stopCancelling();
    await load?.abort().catch(() => {});
    await tx.rollback();
    // Stopped before COMMIT, the run failed as stopped (whatever the cancel made fail). A COMMIT that failed after
    // a late stop may have gone through: its own error stands.
    if (!committing) stopIfAsked(plan.signal, error);
    throw error;
  }
  // Committed: from here a failure leaves the publication pending, and the next run of the pipeline finishes it.
  if (publication) {
    await publish(plan, plan.runKey, publication).catch((error: Error) => {
      throw new PublishFailed(`run key ${plan.runKey} committed, but publishing its rows failed (${error.message}); the next run of ${plan.pipeline} publishes them`, outcome);
    });
  }
  return outcome;
}

/** The load committed, then publishing it failed: the run fails, and its record still says what committed. */
export class PublishFailed extends Error {
  readonly committed: LoadOutcome & { kind: 'committed' };
  constructor(message: string, committed: LoadOutcome & { kind: 'committed' }) {
    super(message);
    this.committed = committed;
  }
}

/** Counts once staged: in-batch duplicates the destination resolved were extracted but not loaded. */
function stagedCounts(fed: Fed, staged: Staged): Counts {
  const refused = staged.rejects.length;
  return {
    extracted: fed.extracted, loaded: fed.written - staged.superseded - refused, rejected: fed.rejected + refused,
    filtered: fed.filtered + staged.superseded, inserted: 0, updated: 0, unchanged: 0,
  };
}

/** Finishes what an earlier run committed but could not publish (its process stopped in between). Idempotent. */
export async function publishPending(plan: Pick<LoadPlan, 'destination' | 'database' | 'lake' | 'pipeline'>): Promise<void> {
  for (const pending of await pendingPublications(plan.database.pool, plan.pipeline)) await publish(plan, pending.runKey, pending.publication);
}

async function publish(plan: Pick<LoadPlan, 'destination' | 'database' | 'lake' | 'pipeline'>, runKey: string, publication: Readonly<Record<string, string>>): Promise<void> {
  if (!plan.destination.publish) throw new Error(`${plan.destination.describe()}: a load committed a publication, but the destination cannot publish`);
  await plan.destination.publish(publication, plan.lake);
  await markPublished(plan.database.pool, plan.pipeline, runKey);
}
