import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { applyLifecycle } from './lifecycle.ts';
import { localLake } from './local-lake.ts';

async function keys(lake: ReturnType<typeof localLake>, prefix: string) {
  const out: string[] = [];
  for await (const o of lake.list(prefix)) out.push(o.key);
  return out;
}

describe('lake lifecycle', () => {
  it('archives raw objects past their age (by dt partition), deletes old rejects, and a dry run changes nothing', async () => {
    const lake = localLake(fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-')));
    await lake.put('raw/p/dt=2026-09-01/r1/a.csv', 'old');
    await lake.put('raw/p/dt=2026-11-20/r2/b.csv', 'new');
    await lake.put('rejects/p/r1.jsonl', 'x');
    const now = new Date('2026-11-23T00:00:00Z');
    const rules = [{ zone: 'raw', olderThanDays: 30, action: 'archive' }, { zone: 'rejects', olderThanDays: 7, action: 'delete' }] as const;

    const planned = await applyLifecycle(lake, rules, { now, dryRun: true });
    assert.deepEqual(planned, [{ key: 'raw/p/dt=2026-09-01/r1/a.csv', action: 'archive to archive/raw/p/dt=2026-09-01/r1/a.csv' }]);
    assert.equal((await keys(lake, 'raw/')).length, 2);

    const later = new Date(Date.now() + 8 * 86_400_000);
    await applyLifecycle(lake, rules, { now: later < now ? now : later });
    assert.deepEqual(await keys(lake, 'archive/'), ['archive/raw/p/dt=2026-09-01/r1/a.csv']);
    assert.deepEqual(await keys(lake, 'rejects/'), []);
  });

  it('refuses storage classes on a folder lake', async () => {
    const lake = localLake(fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-')));
    await lake.put('raw/p/dt=2020-01-01/r/a', 'x');
    await assert.rejects(applyLifecycle(lake, [{ zone: 'raw', olderThanDays: 1, action: { storageClass: 'STANDARD_IA' } }]), /only on S3 lakes/);
  });
});
