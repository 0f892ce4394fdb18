/** The extract and land stages: what the source finds is stored in the raw zone as received; content loaded before is set aside. */
import type { Source } from '../extract/source.ts';
import type { Lake } from '../lake/lake.ts';
import { land, type LandedObject, type ManifestEntry } from '../lake/raw-zone.ts';
import { loadedContent, previousObject } from '../load/ledger.ts';
import type { Logger } from 'pino';
import type pg from 'pg';
import { mapInOrder } from './map-in-order.ts';
import { stopIfAsked } from './stop-signal.ts';

const LAND_CONCURRENCY = 4;

/** What was landed, and which of it is new. */
export interface Landed {
  /** Every object landed (the raw zone keeps the fresh ones). */
  readonly landed: readonly LandedObject[];
  /** Objects to load: content not loaded before (all of them in a replay). */
  readonly fresh: readonly LandedObject[];
  /** Objects not loaded, with why (their raw copies are removed). */
  readonly skipped: readonly ManifestEntry[];
}

/** Extracts and lands every object of `source`; `time` records the stages. */
export async function extractAndLand(input: {
  readonly source: Source; readonly pool: pg.Pool; readonly lake: Lake; readonly pipeline: string; readonly runId: string;
  readonly projectDir: string; readonly prefix: string; readonly replay: boolean; readonly log: Logger;
  /** A combine: when any object is new, every one is loaded (a join needs all its inputs); else none is. */
  readonly together?: boolean;
  readonly signal?: AbortSignal;
  readonly time: <T>(stage: string, work: () => Promise<T>) => Promise<T>;
}): Promise<Landed> {
  const { source, pool, lake, pipeline, log, time } = input;
  const found = await time('extract', () => source.list({ projectDir: input.projectDir, runId: input.runId, previous: (name) => previousObject(pool, pipeline, name) }));
  log.info({ source: source.describe(), objects: found.length }, 'extracted');
  // A few objects at a time: landing a small file is mostly waiting on the disk or the bucket.
  const landed = await time('land', () => mapInOrder(found, LAND_CONCURRENCY, async (object): Promise<LandedObject> => {
    stopIfAsked(input.signal);
    const landedObject = await land(lake, input.prefix, object);
    log.info({ object: object.name, key: landedObject.key, bytes: landedObject.bytes, sha256: landedObject.sha256 }, 'landed');
    return landedObject;
  }));
  // A replay re-derives what was loaded before, on purpose: the content ledger does not stop it.
  const loaded = input.replay ? new Set<string>() : await loadedContent(pool, pipeline, landed.map((o) => o.sha256));
  const inRun = new Map<string, string>();
  const fresh: LandedObject[] = [];
  const skipped: ManifestEntry[] = [];
  const anyNew = input.together && landed.some((o) => o.bytes === 0 || !loaded.has(o.sha256));
  for (const object of landed) {
    // An empty object has no rows to duplicate: it is always read, so each one is reported.
    const reason = object.bytes === 0 || anyNew ? undefined : loaded.has(object.sha256) ? 'already loaded' : inRun.has(object.sha256) ? `same content as ${inRun.get(object.sha256)}` : undefined;
    if (!reason) {
      if (object.bytes) inRun.set(object.sha256, object.name);
      fresh.push(object);
      continue;
    }
    await lake.delete(object.key);
    const { key: _key, ...rest } = object;
    skipped.push({ ...rest, skipped: reason });
    log.info({ object: object.name, reason }, 'skipped');
  }
  return { landed, fresh, skipped };
}
