/** Finding the files a `files()` source matches: in a local folder (never following links out of it) or under a bucket prefix. */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import { openLake } from '../../lake/open-lake.ts';
import { SMALL_OBJECT_BYTES } from '../../lake/raw-zone.ts';
import { RetryableError, TerminalError } from '../errors.ts';

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
    const real = fs.realpathSync(file);
    if (!real.startsWith(root + path.sep)) {
      throw new TerminalError(`files(): ${name} is a link to a file outside ${dir}; sluice does not follow it`);
    }
    const stat = fs.statSync(real);
    if (!stat.isFile()) continue;
    found.push({ name, path: file, size: stat.size, modified: stat.mtime, open: () => openAsListed(name, real, stat, root) });
  }
  return found;
}

/**
 * Opens the file that was listed, and only that: without following a link (a file swapped for a symlink after the
 * listing is refused), then checked on the open handle, so nothing can be swapped between the check and the read.
 */
async function openAsListed(name: string, real: string, listed: fs.Stats, root: string): Promise<Readable> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(real, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw swapped(name, 'it is now a link');
    throw error;
  }
  try {
    const now = await handle.stat();
    // Linux names the open file itself: it must still be under the source folder.
    const where = process.platform === 'linux' ? await fs.promises.readlink(`/proc/self/fd/${handle.fd}`).catch(() => real) : real;
    if (!now.isFile() || now.dev !== listed.dev || now.ino !== listed.ino) throw swapped(name, 'it is now another file');
    if (!where.startsWith(root + path.sep)) throw swapped(name, `it is now outside ${root}`);
    if (now.size !== listed.size || now.mtimeMs !== listed.mtimeMs) {
      throw new RetryableError(`files(): ${name} changed after it was listed (size or modification time); the next attempt lists it again`);
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (listed.size >= SMALL_OBJECT_BYTES) return handle.createReadStream({ highWaterMark: CHUNK });
  // A small file is read at once (one read instead of a stream's two and its machinery): landing is mostly of
  // many small files. One byte more than listed shows a file that grew meanwhile.
  const buffer = Buffer.allocUnsafe(listed.size + 1);
  let read: number;
  try {
    read = (await handle.read(buffer, 0, buffer.length, 0)).bytesRead;
  } finally {
    await handle.close();
  }
  if (read !== listed.size) throw new RetryableError(`files(): ${name} changed while it was read (its size); the next attempt lists it again`);
  return Readable.from([buffer.subarray(0, read)]);
}

/** A larger file's chunks, on their way to the raw zone: landing a 286 MB file took 0.36-0.52 s in 256 KB chunks, 0.28-0.38 s in 1 MB ones. */
const CHUNK = 1024 * 1024;

function swapped(name: string, how: string): TerminalError {
  return new TerminalError(`files(): ${name} was replaced after it was listed (${how}); sluice reads only the file it checked`);
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
