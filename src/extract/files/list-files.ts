/** Finding the files a `files()` source matches: in a local folder (never following links out of it) or under a bucket prefix. */
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import { openLake } from '../../lake/open-lake.ts';
import { TerminalError } from '../errors.ts';

/** A matched file. */
export interface FoundFile {
  readonly name: string;
  readonly path: string;
  readonly size: number;
  readonly modified: Date;
  open(): Promise<Readable>;
}

/** Files under `dir` matching `pattern`, in name order. */
export async function listFiles(dir: string, pattern: string, projectDir: string): Promise<FoundFile[]> {
  return dir.startsWith('s3://') ? listBucket(dir, pattern, projectDir) : listFolder(path.resolve(projectDir, dir), pattern);
}

async function listFolder(dir: string, pattern: string): Promise<FoundFile[]> {
  if (!fs.existsSync(dir)) throw new TerminalError(`files(): folder ${dir} does not exist`);
  const root = fs.realpathSync(dir);
  const names = (await glob(pattern, { cwd: dir, onlyFiles: true, followSymbolicLinks: true, expandDirectories: false })).sort();
  const found: FoundFile[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    // A link (to a file, or to a folder on the way) may point anywhere: only follow one that stays inside.
    if (!fs.realpathSync(file).startsWith(root + path.sep)) {
      throw new TerminalError(`files(): ${name} is a link to a file outside ${dir}; sluice does not follow it`);
    }
    const stat = fs.statSync(file);
    if (!stat.isFile()) continue;
    found.push({ name, path: file, size: stat.size, modified: stat.mtime, open: async () => fs.createReadStream(file, { highWaterMark: 256 * 1024 }) });
  }
  return found;
}

async function listBucket(dir: string, pattern: string, projectDir: string): Promise<FoundFile[]> {
  const bucket = openLake(dir, projectDir);
  const matches = picomatch(pattern, { dot: false });
  const found: FoundFile[] = [];
  for await (const object of bucket.list('')) {
    if (!matches(object.key)) continue;
    found.push({ name: object.key, path: `${dir.replace(/\/+$/, '')}/${object.key}`, size: object.size, modified: object.modified, open: () => bucket.get(object.key) });
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : 1));
}
