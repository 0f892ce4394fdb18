import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapInOrder } from './map-in-order.ts';

describe('mapInOrder', () => {
  it('keeps the order of the items, with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapInOrder([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve, n));
      for (let i = 0; i < n; i++) await Promise.resolve();
      inFlight--;
      return n * 10;
    });
    assert.deepEqual(out, [50, 10, 40, 20, 30, 0, 60]);
    assert.equal(most, 3);
  });

  it('throws the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await assert.rejects(mapInOrder([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await Promise.resolve();
      if (n === 2) throw new Error('object 2 could not be read');
      return n;
    }), /object 2 could not be read/);
    assert.ok(!started.includes(5) && !started.includes(6), `started ${started.join(', ')}`);
  });
});
