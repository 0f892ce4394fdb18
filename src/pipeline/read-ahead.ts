/** Landed objects read a few ahead of the one being loaded: a lake's wait per object (a bucket's GET) overlaps the parsing of the ones before. */
import { Readable } from 'node:stream';
import type { Lake } from '../lake/lake.ts';
import type { LandedObject } from '../lake/raw-zone.ts';

/** Objects up to this size are read ahead, whole; a larger one is opened when its turn comes (as a stream, never held). */
const SMALL_BYTES = 256 * 1024;

/** The chunks of a body as the lake gave them (no copy into one buffer; the parser takes them at the size it always does). */
async function chunksOf(lake: Lake, key: string): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of await lake.get(key)) chunks.push(chunk as Buffer);
  return chunks;
}

/**
 * Reads objects `depth` ahead of the one asked for, small ones only, so at most depth x 256 KB is held. `open(i)`
 * gives object i's body: the one read ahead, or a stream opened now (the second time for the same object, always).
 */
export function readAhead(lake: Lake, objects: readonly LandedObject[], depth: number): { open(index: number): Promise<Readable> } {
  const ahead = new Map<number, Promise<Buffer[]>>();
  let next = 0;
  return {
    async open(index) {
      const read = ahead.get(index);
      ahead.delete(index);
      // This object first, then the reads ahead.
      const opened = read ? undefined : lake.get(objects[index]!.key);
      for (next = Math.max(next, index + 1); next <= index + depth && next < objects.length; next++) {
        const object = objects[next]!;
        if (object.bytes === 0 || object.bytes > SMALL_BYTES) continue;
        const later = chunksOf(lake, object.key);
        // Not awaited if the load stops first: its failure must not go unhandled. Awaited, it still throws.
        later.catch(() => {});
        ahead.set(next, later);
      }
      return opened ?? Readable.from(await read!, { objectMode: false });
    },
  };
}
