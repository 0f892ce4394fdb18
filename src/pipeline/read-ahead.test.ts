import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import type { Lake } from '../lake/lake.ts';
import type { LandedObject } from '../lake/raw-zone.ts';
import { readAhead } from './read-ahead.ts';

/** A lake of fixed bodies whose reads each take a turn of the event loop, counting the reads under way; `fail` names keys whose read fails. */
function slowLake(bodies: Record<string, string>, fail: readonly string[] = []) {
  const gets: string[] = [];
  let reading = 0;
  let most = 0;
  const lake: Lake = {
    location: 'slow',
    async put() {},
    async get(key) {
      gets.push(key);
      reading++;
      most = Math.max(most, reading);
      await new Promise(setImmediate);
      reading--;
      if (fail.includes(key)) throw new Error(`${key}: the bucket is gone`);
      return Readable.from([Buffer.from(bodies[key]!)]);
    },
    async *list() {},
    async delete() {},
  };
  return { lake, gets, most: () => most };
}

const landed = (bodies: Record<string, string>): LandedObject[] =>
  Object.entries(bodies).map(([key, body]) => ({ name: key, key, sha256: '', bytes: Buffer.byteLength(body) }));

const read = async (ahead: ReturnType<typeof readAhead>, index: number) => text(await ahead.open(index));

describe('readAhead', () => {
  const bodies = { a: 'id\n1\n', b: 'id\n2\n', c: '', d: 'id\n4\n', e: 'id\n5\n', f: 'x'.repeat(300 * 1024) };

  it('gives each object its own bytes, in any order asked, small ones read ahead and large ones opened in their turn', async () => {
    const { lake, gets } = slowLake(bodies);
    const objects = landed(bodies);
    const ahead = readAhead(lake, objects, 2);
    assert.equal(await read(ahead, 0), bodies.a);
    // b and c are next: b is read ahead; c is empty, so nothing is read for it until asked.
    assert.deepEqual(gets, ['a', 'b']);
    assert.equal(await read(ahead, 1), bodies.b);
    assert.deepEqual(gets, ['a', 'b', 'd']);
    for (const [index, key] of ['c', 'd', 'e', 'f'].entries()) assert.equal(await read(ahead, index + 2), bodies[key as keyof typeof bodies]);
    // f (300 KB) is never held ahead: it is opened as a stream when its turn comes.
    assert.deepEqual(gets, ['a', 'b', 'd', 'c', 'e', 'f']);
    // Asked again once the load moved past it, an object is read again.
    assert.equal(await read(ahead, 1), bodies.b);
    assert.deepEqual(gets, ['a', 'b', 'd', 'c', 'e', 'f', 'b']);
  });

  it('gives the object being loaded as often as asked (a gzip check, then the parse) from one read', async () => {
    const { lake, gets } = slowLake(bodies);
    const ahead = readAhead(lake, landed(bodies), 2);
    assert.equal(await read(ahead, 0), bodies.a);
    assert.equal(await read(ahead, 0), bodies.a);
    assert.equal(await read(ahead, 1), bodies.b);
    assert.equal(await read(ahead, 1), bodies.b);
    assert.deepEqual(gets, ['a', 'b', 'd']);
  });

  it('drops what it read for an object the load skipped once it asks for a later one', async () => {
    const { lake, gets } = slowLake(bodies);
    const ahead = readAhead(lake, landed(bodies), 2);
    assert.equal(await read(ahead, 0), bodies.a);
    // b, read ahead, is skipped (say, quarantined whole): asking for d drops it, so b is read anew if asked for.
    assert.equal(await read(ahead, 3), bodies.d);
    assert.equal(await read(ahead, 1), bodies.b);
    assert.deepEqual(gets, ['a', 'b', 'd', 'e', 'b']);
  });

  it('keeps at most `depth` reads ahead of the object being read', async () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, `id\n${i}\n`]));
    const { lake, most } = slowLake(many);
    const ahead = readAhead(lake, landed(many), 3);
    for (let i = 0; i < 20; i++) assert.equal(await read(ahead, i), many[`k${i}`]);
    assert.equal(most(), 4, 'the object asked for and the three after it');
  });

  it('reads nothing ahead with a depth of 0', async () => {
    const { lake, gets } = slowLake(bodies);
    const ahead = readAhead(lake, landed(bodies), 0);
    assert.equal(await read(ahead, 0), bodies.a);
    assert.deepEqual(gets, ['a']);
  });

  it('fails an object whose read ahead failed when its turn comes, and leaves unread failures unhandled by no one', async () => {
    const { lake } = slowLake(bodies, ['b', 'd']);
    const ahead = readAhead(lake, landed(bodies), 2);
    assert.equal(await read(ahead, 0), bodies.a);
    await assert.rejects(read(ahead, 1), /b: the bucket is gone/);
    // d's read ahead (asked for with b) fails too, and the load stops before it: no unhandled rejection may end the process.
    const unhandled: unknown[] = [];
    const note = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', note);
    for (let turn = 0; turn < 3; turn++) await new Promise(setImmediate);
    process.off('unhandledRejection', note);
    assert.deepEqual(unhandled, []);
  });
});
