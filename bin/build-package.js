// `npm pack` / `npm publish`. prepack: compiles src/ to JavaScript and .d.ts in dist/ with tsconfig.build.json,
// copies what is not TypeScript (SQL migrations, the dashboard's browser script) beside it, where the code looks,
// and points package.json's exports at dist/ for the tarball. postpack (`--restore`): puts package.json back
// (this repository imports 'sluice' as its TypeScript sources) and removes dist/. pinst toggles scripts this way.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const manifest = path.join(root, 'package.json');
const saved = path.join(root, '.package.json.prepack'); // not in the tarball: "files" lists what is

if (process.argv.includes('--restore')) {
  if (fs.existsSync(saved)) fs.renameSync(saved, manifest);
  fs.rmSync(dist, { recursive: true, force: true });
} else {
  fs.rmSync(dist, { recursive: true, force: true });
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  fs.cpSync(path.join(root, 'src'), dist, { recursive: true, filter: (f) => fs.statSync(f).isDirectory() || !f.endsWith('.ts') });
  const text = fs.readFileSync(manifest, 'utf8');
  fs.writeFileSync(saved, text);
  const pkg = JSON.parse(text);
  pkg.exports = { '.': { types: './dist/index.d.ts', default: './dist/index.js' } };
  fs.writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
}
