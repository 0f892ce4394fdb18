import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { text } from 'node:stream/consumers';
import { checkKey } from './lake-key.ts';
import { localLake } from './local-lake.ts';

describe('lake keys', () => {
  it('refuses keys that could reach outside the lake root', () => {
    for (const key of ['../etc/passwd', 'raw/../../x', '/abs', 'a//b', 'a/./b', 'raw/%2e%2e/x', 'a\\b', 'C:/x', '', 'a\0b']) {
      assert.throws(() => checkKey(key), /lake key/, key);
    }
    assert.equal(checkKey('raw/p/dt=2026-01-01/r1/aapl.us.txt'), 'raw/p/dt=2026-01-01/r1/aapl.us.txt');
  });
});

describe('the local lake', () => {
  it('stores, lists, reads and deletes objects, never showing a partial one', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-'));
    const lake = localLake(root);
    await lake.put('raw/p/a.txt', 'hello');
    await lake.put('raw/p/b/c.txt', Readable.from(['wor', 'ld']));
    const failing = new Readable({ read() { this.destroy(new Error('source died')); } });
    await assert.rejects(lake.put('raw/p/broken.txt', failing), /source died/);
    const listed = [];
    for await (const o of lake.list('raw/p/')) listed.push([o.key, o.size]);
    assert.deepEqual(listed, [['raw/p/a.txt', 5], ['raw/p/b/c.txt', 5]]);
    assert.equal(await text(await lake.get('raw/p/b/c.txt')), 'world');
    await lake.delete('raw/p/a.txt');
    assert.equal(fs.existsSync(path.join(root, 'raw/p/a.txt')), false);
    assert.deepEqual(fs.readdirSync(path.join(root, 'raw/p')), ['b']);
  });
});
