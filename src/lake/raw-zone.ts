/** The raw zone: every extracted object stored exactly as received, under `raw/<pipeline>/dt=<date>/<runId>/`. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
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

/**
 * A small object: read in one call by a files() source, landed from memory in one write, read ahead by a load
 * from a bucket. A larger one streams through, never held whole.
 */
export const SMALL_OBJECT_BYTES = 256 * 1024;

/**
 * Copies one source object into the raw zone, hashing it on the way. A small object is read whole and written
 * in one call (most landings are of many small files, where a stream per file costs more than the bytes).
 */
export async function land(lake: Lake, prefix: string, object: SourceObject): Promise<LandedObject> {
  const hash = createHash('sha256');
  let bytes = 0;
  const body = await object.open();
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  const next = async (): Promise<Buffer | undefined> => {
    const { done, value } = await chunks.next();
    if (done) return undefined;
    // A stream of strings (an object-mode source) lands as their UTF-8 bytes.
    const chunk = typeof value === 'string' ? Buffer.from(value) : value;
    hash.update(chunk);
    bytes += chunk.length;
    return chunk;
  };
  let chunk: Buffer | undefined;
  try {
    while (bytes <= SMALL_OBJECT_BYTES && (chunk = await next())) head.push(chunk);
  } catch (error) {
    body.destroy();
    throw error;
  }
  // The source ended within the limit: the whole object is in hand.
  const whole = chunk === undefined;
  const key = prefix + object.name;
  await lake.put(key, whole ? (head.length === 1 ? head[0]! : Buffer.concat(head)) : Readable.from((async function* rest() {
    yield* head;
    for (let more = await next(); more; more = await next()) yield more;
  })())).catch((error: unknown) => {
    // A lake that failed, even before reading anything, leaves the source closed.
    body.destroy();
    throw error;
  });
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
