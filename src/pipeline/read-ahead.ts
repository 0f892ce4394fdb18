/** Landed objects read a few ahead of the one being loaded: a lake's wait per object (a bucket's GET) overlaps the parsing of the ones before. */
import { Readable } from 'node:stream';
import type { Lake } from '../lake/lake.ts';
import { SMALL_OBJECT_BYTES, type LandedObject } from '../lake/raw-zone.ts';

/** The chunks of a body as the lake gave them (no copy into one buffer; the parser takes them at the size it always does). */
async function chunksOf(lake: Lake, key: string): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of await lake.get(key)) chunks.push(chunk as Buffer);
  return chunks;
}

/**
 * Reads small objects (a larger one is opened when its turn comes, as a stream) up to `depth` ahead of the one asked for. `open(i)` gives object i's body: from what was read
 * (again, as often as asked: a gzip check, then the parse), or a stream opened now. Asking for object i drops what
 * was read for the ones before it (skipped or done), so at most depth + 1 small objects (1.25 MB at 4) are held.
 */
export function readAhead(lake: Lake, objects: readonly LandedObject[], depth: number): { open(index: number): Promise<Readable> } {
  const read = new Map<number, Promise<Buffer[]>>();
  let next = 0;
  return {
    async open(index) {
      for (const earlier of read.keys()) if (earlier < index) read.delete(earlier);
      const small = (i: number) => objects[i]!.bytes > 0 && objects[i]!.bytes <= SMALL_OBJECT_BYTES;
      // This object first, then the ones ahead.
      if (!read.has(index) && depth > 0 && small(index)) read.set(index, chunksOf(lake, objects[index]!.key));
      const body = read.get(index);
      const opened = body ? undefined : lake.get(objects[index]!.key);
      for (next = Math.max(next, index + 1); next <= index + depth && next < objects.length; next++) {
        if (!small(next)) continue;
        const later = chunksOf(lake, objects[next]!.key);
        // Not awaited if the load stops first: its failure must not go unhandled. Awaited, it still throws.
        later.catch(() => {});
        read.set(next, later);
      }
      return opened ?? Readable.from(await body!, { objectMode: false });
    },
  };
}
