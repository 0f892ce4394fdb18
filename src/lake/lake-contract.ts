/** The behaviour every Lake backend must have, as one test suite each backend's test file runs. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import type { Lake } from './lake.ts';

async function keys(lake: Lake, prefix: string): Promise<[string, number][]> {
  const out: [string, number][] = [];
  for await (const o of lake.list(prefix)) out.push([o.key, o.size]);
  return out;
}

/** Runs the contract against the lake `make()` returns (a new, empty one). */
export function lakeContract(name: string, make: () => Promise<Lake>): void {
  describe(`${name} lake (contract)`, () => {
    it('stores text, bytes and streams, and reads them back as they were', async () => {
      const lake = await make();
      await lake.put('raw/p/a.txt', 'hello');
      await lake.put('raw/p/b.bin', Uint8Array.from([0, 1, 2, 255]));
      await lake.put('raw/p/c/d.csv', Readable.from([Buffer.from('a,b\n'), Buffer.from('1,2\n')]));
      assert.equal(await text(await lake.get('raw/p/a.txt')), 'hello');
      assert.deepEqual([...(await buffer(await lake.get('raw/p/b.bin')))], [0, 1, 2, 255]);
      assert.equal(await text(await lake.get('raw/p/c/d.csv')), 'a,b\n1,2\n');
    });

    it('lists objects under a prefix in key order, with their sizes', async () => {
      const lake = await make();
      for (const k of ['raw/x/2.txt', 'raw/x/1.txt', 'raw/x/sub/3.txt', 'raw/y/4.txt', 'rejects/x/5.jsonl']) await lake.put(k, k);
      assert.deepEqual(await keys(lake, 'raw/x/'), [['raw/x/1.txt', 11], ['raw/x/2.txt', 11], ['raw/x/sub/3.txt', 15]]);
      assert.deepEqual((await keys(lake, 'raw/')).length, 4);
      assert.deepEqual(await keys(lake, 'nothing/'), []);
    });

    it('replaces an object whole, and keeps nothing of a write whose source failed', async () => {
      const lake = await make();
      await lake.put('curated/t/a.parquet', 'version 1');
      await lake.put('curated/t/a.parquet', 'v2');
      assert.equal(await text(await lake.get('curated/t/a.parquet')), 'v2');
      let sent = 0;
      const failing = new Readable({
        read() {
          if (sent++ < 3) this.push(Buffer.alloc(64 * 1024, 1));
          else this.destroy(new Error('source died'));
        },
      });
      await assert.rejects(lake.put('raw/p/broken.bin', failing), /source died/);
      assert.deepEqual(await keys(lake, 'raw/p/'), []);
    });

    it('round-trips a large object byte for byte', async () => {
      const lake = await make();
      const data = randomBytes(12 * 1024 * 1024);
      await lake.put('raw/p/big.bin', Readable.from([data.subarray(0, 5e6), data.subarray(5e6)]));
      const back = await buffer(await lake.get('raw/p/big.bin'));
      assert.equal(createHash('sha256').update(back).digest('hex'), createHash('sha256').update(data).digest('hex'));
    });

    it('deletes objects, and deleting a missing one is not an error', async () => {
      const lake = await make();
      await lake.put('raw/p/a.txt', 'x');
      await lake.delete('raw/p/a.txt');
      await lake.delete('raw/p/never.txt');
      assert.deepEqual(await keys(lake, 'raw/p/'), []);
      await assert.rejects(lake.get('raw/p/a.txt'));
    });

    it('refuses keys that would leave the lake root', async () => {
      const lake = await make();
      for (const key of ['../escape.txt', 'raw/../../escape.txt', '/abs.txt', 'raw/%2e%2e/x']) {
        await assert.rejects(lake.put(key, 'x'), /lake key/);
        await assert.rejects(lake.get(key), /lake key/);
      }
    });
  });
}
