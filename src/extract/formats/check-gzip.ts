/** Whether a gzip object can be read to its end: a truncated or corrupt one is quarantined whole, before any row of it loads. */
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** Undefined when `body` is complete gzip; else why not (e.g. `unexpected end of file`). Reads it once, keeping nothing. */
export async function checkGzip(body: Readable): Promise<string | undefined> {
  try {
    await pipeline(body, createGunzip(), new Writable({ write: (_chunk, _encoding, done) => done() }));
    return undefined;
  } catch (error) {
    return `not readable as gzip: ${(error as Error).message}`;
  }
}
