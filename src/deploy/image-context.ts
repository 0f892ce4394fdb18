/** The folder `docker build` runs in for a project's image: the Dockerfile, a copy of sluice, a copy of the project. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SLUICE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Beside this module in src/deploy/ and, copied by the package build, in dist/deploy/.
const DOCKERFILE = fileURLToPath(new URL('./Dockerfile', import.meta.url));

// Local state, installs, and files that hold secrets never go into the image.
const SKIP = new Set(['node_modules', '.sluice', '.git', 'cdk.out']);
const skipped = (name: string) => SKIP.has(name) || (name.startsWith('.env') && name !== '.env.example');

/**
 * Writes the build context into `dir` (emptied first) and returns it. The copy is byte for byte, so the same
 * project gives the same folder and CDK's asset hash (the image tag) changes only when a file does.
 */
export function writeImageContext(projectDir: string, dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(DOCKERFILE, path.join(dir, 'Dockerfile'));
  // This repository (TypeScript in src/) or an installed package (JavaScript in dist/, no lockfile).
  for (const entry of ['package.json', 'package-lock.json', 'bin', 'src', 'dist'].filter((e) => fs.existsSync(path.join(SLUICE_ROOT, e)))) {
    fs.cpSync(path.join(SLUICE_ROOT, entry), path.join(dir, 'sluice', entry), {
      recursive: true, filter: (from) => !/\.test\.ts$/.test(from) && !skipped(path.basename(from)),
    });
  }
  fs.cpSync(projectDir, path.join(dir, 'project'), { recursive: true, filter: (from) => from === projectDir || !skipped(path.basename(from)) });
  return dir;
}
