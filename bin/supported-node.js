// Runs sluice under a Node that strips TypeScript types (22.18 or newer). On an older Node it fetches Node 24
// from the npm registry once (the platform's `node-<os>-<cpu>` package), keeps it in the project's
// node_modules/.cache/sluice-node, and re-runs the command under it. Either way the command runs with sluice's V8
// settings (HEAP_FLAGS). Plain JavaScript: it must run on any Node.
// `node bin/supported-node.js <node arguments>` is how the npm scripts start; bin/sluice.js calls `launch`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tty from 'node:tty';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const SUPPORTED = major > 22 || (major === 22 && minor >= 18);
const SELF = fileURLToPath(import.meta.url);
// A young generation of at most 16 MB a semi-space. Node's default grows it to 64 MB on a machine with much memory:
// over a load's steady stream of short-lived batches it reached 128 MB, so the stock batch peaked at 270 MB RSS
// instead of 175 MB, at the same speed. V8 reads this only at start, hence the restart with it.
const HEAP_FLAGS = ['--max-semi-space-size=16'];
const hasHeapFlags = (args) => args.some((a) => a.startsWith('--max-semi-space-size'));
const withHeapFlags = (args) => (hasHeapFlags(args) ? args : [...HEAP_FLAGS, ...args]);
const PACKAGE = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}@24`;

/** The project's node_modules: the one holding this package when installed, else this repository's own. */
function nodeModules() {
  const root = path.resolve(path.dirname(SELF), '..');
  for (let dir = path.dirname(root); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (path.basename(dir) === 'node_modules') return dir;
  }
  return path.join(root, 'node_modules');
}

/** The Node binary inside an installed node-<os>-<cpu> package, if there is one. */
function binaryIn(prefix) {
  const pkg = path.join(prefix, 'node_modules', PACKAGE.slice(0, PACKAGE.lastIndexOf('@')));
  return [path.join(pkg, 'bin', 'node'), path.join(pkg, 'bin', 'node.exe'), path.join(pkg, 'node.exe')].find((f) => fs.existsSync(f));
}

/** Node 24 from the cache, fetched with npm the first time (into a staging folder renamed into place). */
function node24() {
  const cache = path.join(nodeModules(), '.cache', 'sluice-node');
  const relative = path.relative(process.cwd(), cache);
  const shown = relative && !relative.startsWith(`..${path.sep}`) ? relative : cache;
  const cached = binaryIn(cache);
  if (cached) return { node: cached, note: `running under Node ${version(cached)} from ${shown}` };
  fs.mkdirSync(path.dirname(cache), { recursive: true });
  const staging = fs.mkdtempSync(`${cache}-staging-`);
  const npmArgs = ['install', '--prefix', staging, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', PACKAGE];
  // npm sets npm_execpath for the scripts and npx it runs; elsewhere use the npm on PATH.
  const npm = process.env.npm_execpath?.endsWith('.js')
    ? spawnSync(process.execPath, [process.env.npm_execpath, ...npmArgs], { encoding: 'utf8' })
    : spawnSync('npm', npmArgs, { encoding: 'utf8', shell: process.platform === 'win32' });
  const fetched = binaryIn(staging);
  if (npm.status !== 0 || !fetched) {
    fs.rmSync(staging, { recursive: true, force: true });
    console.error(`sluice needs Node.js 22.18 or newer (this is ${process.version}) and could not fetch ${PACKAGE} from npm:\n${npm.stderr || npm.error?.message || ''}`);
    process.exit(2);
  }
  try {
    fs.renameSync(staging, cache);
  } catch {
    fs.rmSync(staging, { recursive: true, force: true }); // another process put it in place first
  }
  const node = binaryIn(cache);
  return { node, note: `fetched Node ${version(node)} from npm into ${shown} (once)` };
}

function version(node) {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** Runs `node <args>` under Node 24 and exits as it does: same exit code, same signal. */
function runUnderNode24(args) {
  const { node, note } = node24();
  console.error(`sluice: Node ${process.version} is older than 22.18; ${note}`);
  run(node, args, { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` });
}

/** Spawns the child with this terminal, forwards signals, and mirrors how it ends. */
function run(node, args, env) {
  const child = spawn(node, args, { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      // Ctrl-C in a terminal already reached the child (same process group): forwarding it would be a second one.
      if (signal === 'SIGINT' && tty.isatty(0)) return;
      child.kill(signal);
    });
  }
  child.on('error', (error) => {
    console.error(`sluice: could not start ${node}: ${error.message}`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      // As PID 1 (a container) this process ignores the signal: exit as a shell reports a signal's death.
      process.exit(128 + (os.constants.signals[signal] ?? 0));
    } else process.exit(code ?? 1);
  });
}

/** Becomes `node <args>` in this very process (same pid, so signals, `kill -9` and exit codes are the command's own). */
function become(args) {
  process.execve(process.execPath, [process.execPath, ...args], process.env);
}

/**
 * Makes sure the calling script (bin/sluice.js) runs under a supported Node with HEAP_FLAGS: returns at once when it
 * does; else this process becomes the script run so (Node 24 and later) or re-runs it under a fetched Node 24 and
 * never returns. Where Node cannot replace a process (Windows), it runs on without the flags.
 */
export function launch(script) {
  if (SUPPORTED && (hasHeapFlags(process.execArgv) || typeof process.execve !== 'function')) return;
  const args = [...withHeapFlags(process.execArgv), script, ...process.argv.slice(2)];
  if (SUPPORTED) become(args);
  else runUnderNode24(args);
  return new Promise(() => {}); // the child's exit ends this process
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const args = withHeapFlags(process.argv.slice(2));
  if (!SUPPORTED) runUnderNode24(args);
  else if (typeof process.execve === 'function') become(args);
  else run(process.execPath, args, process.env);
}
