// `npm pack` / `npm publish` (prepack): compiles src/ to JavaScript and .d.ts in dist/ with tsconfig.build.json,
// then copies what is not TypeScript (SQL migrations, the dashboard's browser script) beside it, where the code looks.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
fs.cpSync(path.join(root, 'src'), dist, { recursive: true, filter: (f) => fs.statSync(f).isDirectory() || !f.endsWith('.ts') });
