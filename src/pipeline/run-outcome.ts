/** How a run attempt ended, as the run record will say: counts are what committed (zero when nothing did). */
import type { LandedObject, ManifestEntry } from '../lake/raw-zone.ts';
import { emptyCounts, type Counts } from '../runs/counts.ts';
import type { RunState } from '../runs/run-states.ts';
import { PublishFailed, type LoadOutcome } from './commit-load.ts';
import type { Landed } from './extract-and-land.ts';

/** The end of one attempt. */
export interface Outcome {
  readonly status: RunState;
  readonly counts: Counts;
  readonly notes: string[];
  readonly warnings: readonly string[];
  readonly error: string | null;
  readonly failure?: unknown;
  readonly rejectsKey?: string;
  readonly manifest: readonly ManifestEntry[];
  readonly rawObjects: readonly string[];
  readonly skippedObjects: number;
  readonly copiedObjects: number;
}

/** A run that succeeded: what it landed, and what its load committed. */
export function attemptOutcome(end: { landed?: Landed; loaded?: LoadOutcome & { kind: 'committed' }; warnings?: readonly string[]; notes?: readonly string[] }): Outcome {
  const { landed, loaded } = end;
  return {
    status: 'succeeded',
    counts: loaded?.counts ?? emptyCounts(),
    notes: [...(loaded?.changes ?? []), ...(loaded?.fed.notes ?? []), ...(end.notes ?? [])],
    warnings: end.warnings ?? [],
    error: null,
    rejectsKey: loaded?.rejectsKey,
    ...rawZone(landed, loaded?.fed.rows),
    copiedObjects: loaded?.fed.copiedObjects ?? 0,
  };
}

/** A run that failed: nothing committed, so every count is zero (unless it failed after COMMIT); the raw zone still keeps what was received. */
export function failedOutcome(failure: unknown, landed?: Landed): Outcome {
  const error = failure instanceof Error ? failure.message : String(failure);
  // Committed, then publishing failed: the counts are what committed (the next run publishes them).
  if (failure instanceof PublishFailed) return { ...attemptOutcome({ landed, loaded: failure.committed }), status: 'failed', error, failure };
  return { status: 'failed', counts: emptyCounts(), notes: [], warnings: [], error, failure, ...rawZone(landed), copiedObjects: 0 };
}

function rawZone(landed: Landed | undefined, rows?: ReadonlyMap<string, number>) {
  const kept: readonly LandedObject[] = landed?.fresh ?? [];
  return {
    manifest: [...kept.map((o) => ({ ...o, rows: rows?.get(o.key) })), ...(landed?.skipped ?? [])],
    rawObjects: kept.map((o) => o.key),
    skippedObjects: landed?.skipped.length ?? 0,
  };
}
