/** A lake in a local folder: each object a file, written to a temporary name and renamed into place. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { checkKey } from './lake-key.ts';
import type { Lake, LakeObject } from './lake.ts';

/** A lake rooted at `root` (created on first write). */
export function localLake(root: string): Lake {
  const file = (key: string) => path.join(root, ...checkKey(key).split('/'));
  return {
    location: root,

    async put(key, body) {
      const target = file(key);
      const temp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
      const inHand = typeof body === 'string' || body instanceof Uint8Array;
      const folder = () => fsp.mkdir(path.dirname(temp), { recursive: true });
      try {
        if (inHand) {
          // Bytes in hand go in one write; the folder is made only when missing (the first object of a run).
          const write = () => fsp.writeFile(temp, body, { flag: 'wx' });
          await write().catch(async (error: NodeJS.ErrnoException) => {
            if (error.code !== 'ENOENT') throw error;
            await folder();
            await write();
          });
        } else {
          await folder();
          await pipeline(body, fs.createWriteStream(temp, { flags: 'wx' }));
        }
        await fsp.rename(temp, target);
      } catch (error) {
        // A body never read (the folder could not be made) must still be closed, or its own error goes unhandled.
        if (!inHand) body.on('error', () => {}).destroy();
        await fsp.rm(temp, { force: true });
        throw error;
      }
    },

    async get(key) {
      const handle = await fsp.open(file(key), 'r');
      return handle.createReadStream({ highWaterMark: 32 * 1024 });
    },

    async *list(prefix) {
      const base = path.join(root, ...prefix.split('/').filter(Boolean).slice(0, -1));
      const entries = await fsp.readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
      const found: LakeObject[] = [];
      for (const entry of entries) {
        if (!entry.isFile() || entry.name.includes('.tmp-')) continue;
        const full = path.join(entry.parentPath, entry.name);
        const key = path.relative(root, full).split(path.sep).join('/');
        if (!key.startsWith(prefix)) continue;
        const stat = await fsp.stat(full);
        found.push({ key, size: stat.size, modified: stat.mtime });
      }
      yield* found.sort((a, b) => (a.key < b.key ? -1 : 1));
    },

    async delete(key) {
      await fsp.rm(file(key), { force: true });
    },
  };
}
