import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkKey } from './lake-key.ts';

describe('lake keys', () => {
  it('refuses keys that could reach outside the lake root', () => {
    for (const key of ['../etc/passwd', 'raw/../../x', '/abs', 'a//b', 'a/./b', 'raw/%2e%2e/x', 'raw/%2F/x', 'a\\b', 'C:/x', '', 'a\0b']) {
      assert.throws(() => checkKey(key), /lake key/, key);
    }
    assert.equal(checkKey('raw/p/dt=2026-01-01/r1/aapl.us.txt'), 'raw/p/dt=2026-01-01/r1/aapl.us.txt');
  });
});
