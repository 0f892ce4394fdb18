/** The raw zone: every extracted object stored exactly as received, under `raw/<pipeline>/dt=<date>/<runId>/`. */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { SourceObject } from '../extract/source.ts';
import type { Lake } from './lake.ts';

/** An object as landed: where it is and what its bytes are. */
export interface LandedObject {
  readonly name: string;
  readonly meta?: Readonly<Record<string, string>>;
  readonly key: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** The raw-zone folder of one run. */
export function rawPrefix(pipeline: string, runId: string, startedAt: Date): string {
  return `raw/${pipeline}/dt=${startedAt.toISOString().slice(0, 10)}/${runId}/`;
}

/** Copies one source object into the raw zone, hashing it on the way. */
export async function land(lake: Lake, prefix: string, object: SourceObject): Promise<LandedObject> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const body = await object.open();
  body.on('error', (error) => tap.destroy(error));
  const key = prefix + object.name;
  await lake.put(key, body.pipe(tap));
  return { name: object.name, key, sha256: hash.digest('hex'), bytes, ...(object.meta ? { meta: object.meta } : {}) };
}

/** What the manifest says of each object of a run. A skipped object is not kept, so it has no key. */
export interface ManifestEntry extends Omit<LandedObject, 'key'> {
  readonly key?: string;
  /** Records parsed from it. */
  readonly rows?: number;
  /** Why it was not loaded: its content was loaded before, or appears twice in this run. */
  readonly skipped?: string;
}

/** Writes the run's manifest next to its objects. */
export async function writeManifest(lake: Lake, prefix: string, runId: string, entries: readonly ManifestEntry[]): Promise<void> {
  await lake.put(`${prefix}_manifest.json`, JSON.stringify({ runId, objects: entries }, null, 2) + '\n');
}
