import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAccounting, emptyCounts } from './counts.ts';

describe('run accounting', () => {
  it('holds when every extracted row is loaded, rejected or filtered, and every loaded row is counted by the table', () => {
    assert.doesNotThrow(() => checkAccounting({ ...emptyCounts(), extracted: 10, loaded: 7, rejected: 2, filtered: 1, inserted: 5, updated: 1, unchanged: 1 }));
  });

  it('fails a run that lost or double-counted a row', () => {
    assert.throws(() => checkAccounting({ ...emptyCounts(), extracted: 10, loaded: 7, rejected: 2 }), /extracted 10 != loaded 7 \+ rejected 2 \+ filtered 0/);
    assert.throws(() => checkAccounting({ ...emptyCounts(), extracted: 3, loaded: 3, inserted: 2 }), /loaded 3 != inserted 2 \+ updated 0 \+ unchanged 0/);
  });
});
