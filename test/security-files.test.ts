import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { text } from 'node:stream/consumers';
import { col, definePipeline, files, postgres, TerminalError } from '../src/index.ts';
import type { Source } from '../src/extract/source.ts';
import { harness, tempDir } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
const context = (projectDir: string) => ({ projectDir, runId: 'r', previous: async () => undefined });

describe('source files are read as they were checked', () => {
  const outside = path.join(tempDir(), 'secret.csv');
  fs.writeFileSync(outside, 'id,v\n666,stolen\n');

  /** A project whose `in/` holds a.csv, and the source's listing of it. */
  async function listed(layout: 'flat' | 'nested' = 'flat') {
    const projectDir = tempDir();
    const folder = path.join(projectDir, 'in', layout === 'nested' ? 'sub' : '');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'a.csv'), 'id,v\n1,real\n');
    const source = files(layout === 'nested' ? 'sub/*.csv' : '*.csv', { dir: 'in' });
    const [object] = await source.list(context(projectDir));
    return { projectDir, folder, object: object! };
  }

  it('reads a listed file that was left alone', async () => {
    const { object } = await listed();
    assert.equal(await text(await object.open()), 'id,v\n1,real\n');
  });

  it('refuses a file swapped for a symlink between listing and reading, naming it', async () => {
    const { folder, object } = await listed();
    fs.rmSync(path.join(folder, 'a.csv'));
    fs.symlinkSync(outside, path.join(folder, 'a.csv'));
    await assert.rejects(object.open(), (error: Error) => error instanceof TerminalError && /a\.csv was replaced after it was listed \(it is now a link\)/.test(error.message));
  });

  it('refuses a file swapped for another file, and a folder on the way swapped for a link', async () => {
    const renamed = await listed();
    fs.copyFileSync(outside, path.join(renamed.projectDir, 'other.csv'));
    fs.renameSync(path.join(renamed.projectDir, 'other.csv'), path.join(renamed.folder, 'a.csv'));
    await assert.rejects(renamed.object.open(), /a\.csv was replaced after it was listed \(it is now another file\)/);

    const nested = await listed('nested');
    const elsewhere = tempDir();
    fs.copyFileSync(outside, path.join(elsewhere, 'a.csv'));
    fs.renameSync(nested.folder, nested.folder + '.old');
    fs.symlinkSync(elsewhere, nested.folder);
    await assert.rejects(nested.object.open(), /sub\/a\.csv was replaced after it was listed/);
  });

  it('asks for another attempt when a listed file changed in place', async () => {
    const { folder, object } = await listed();
    fs.appendFileSync(path.join(folder, 'a.csv'), '2,late\n');
    await assert.rejects(object.open(), (error: Error) => error.name === 'RetryableError' && /a\.csv changed after it was listed/.test(error.message));
  });

  describe('in a run', () => {
    let h: Harness;
    before(async () => { h = await harness(); });
    after(() => h.close());

    it('fails the run naming the file, and lands and loads nothing from outside the folder', async () => {
      h.files({ 'a.csv': 'id,v\n1,real\n' });
      const inner = files('*.csv', { dir: 'in' });
      // The attacker's move, made at the one moment it matters: after the listing, before the read.
      const source: Source = {
        ...inner,
        async list(ctx) {
          const objects = await inner.list(ctx);
          fs.rmSync(path.join(h.dir, 'in/a.csv'));
          fs.symlinkSync(outside, path.join(h.dir, 'in/a.csv'));
          return objects;
        },
      };
      const result = await h.run(definePipeline({
        name: 'swapped', source,
        destination: postgres.table('swapped', { columns: { id: col.integer(), v: col.text() } }),
      }));
      assert.equal(result.status, 'failed');
      assert.match(result.error!, /a\.csv was replaced after it was listed/);
      const landed = fs.existsSync(path.join(h.dir, 'lake')) ? fs.readdirSync(path.join(h.dir, 'lake'), { recursive: true, encoding: 'utf8' }) : [];
      for (const file of landed) {
        const full = path.join(h.dir, 'lake', file);
        if (fs.statSync(full).isFile()) assert.ok(!fs.readFileSync(full, 'utf8').includes('stolen'), `${file} holds the outside file`);
      }
      const [table] = await h.rows<{ t: string | null }>(`SELECT to_regclass('swapped')::text AS t`);
      if (table!.t) assert.deepEqual(await h.rows(`SELECT v FROM swapped WHERE v = 'stolen'`), []);
    });
  });
});
