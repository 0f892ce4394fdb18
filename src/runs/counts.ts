/** A run's row accounting: extracted = loaded + rejected + filtered must hold for every run. */

/** Row counts of a run, as in `sluice run --json`. */
export interface Counts {
  extracted: number;
  loaded: number;
  rejected: number;
  filtered: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export function emptyCounts(): Counts {
  return { extracted: 0, loaded: 0, rejected: 0, filtered: 0, inserted: 0, updated: 0, unchanged: 0 };
}

/** Throws when what was read does not reconcile (extracted = loaded + rejected + filtered): a row was lost or counted twice. */
export function checkRowAccounting(counts: Pick<Counts, 'extracted' | 'loaded' | 'rejected' | 'filtered'>): void {
  const { extracted, loaded, rejected, filtered } = counts;
  if (extracted !== loaded + rejected + filtered) {
    throw new Error(`row accounting does not reconcile: extracted ${extracted} != loaded ${loaded} + rejected ${rejected} + filtered ${filtered}`);
  }
}

/** Throws when the accounting does not reconcile, of the rows read and of what the write did with them. */
export function checkAccounting(counts: Counts): void {
  checkRowAccounting(counts);
  const { loaded } = counts;
  if (loaded !== counts.inserted + counts.updated + counts.unchanged) {
    throw new Error(`load accounting does not reconcile: loaded ${loaded} != inserted ${counts.inserted} + updated ${counts.updated} + unchanged ${counts.unchanged}`);
  }
}
