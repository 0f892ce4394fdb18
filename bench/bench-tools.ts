/** What the load benches share: running sluice in its own process (for its peak RSS), timing psql, a seeded PRNG. */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** One sluice run: wall time of the run, peak RSS of its process, rows loaded. */
export interface Measured {
  readonly ms: number;
  readonly peakRssMb: number;
  readonly rows: number;
}

/** Runs pipeline `name` of the project in `dir` once, in a fresh process; `args` are `name=value` params. */
export function sluice(dir: string, name: string, args: readonly string[] = []): Measured {
  // Through the launcher, so the run has the V8 settings that `sluice` runs with.
  const out = spawnSync(process.execPath, [path.join(ROOT, 'bin/supported-node.js'), path.join(ROOT, 'bench/measure-sluice.ts'), dir, name, ...args],
    { encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = out.stdout.trim().split('\n').at(-1);
  if (!last) throw new Error(`${name}: no result (exit ${out.status}): ${out.stderr.slice(-2000)}`);
  const result = JSON.parse(last);
  if (result.status !== 'succeeded') throw new Error(`${name}: ${result.error}`);
  return { ms: result.ms, peakRssMb: result.peakRssMb, rows: result.counts.loaded };
}

/** Runs a psql script against `url`; returns its wall time in ms. */
export function psql(url: string, work: string, script: string): number {
  const file = path.join(work, 'script.sql');
  fs.writeFileSync(file, script);
  const started = performance.now();
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-f', file], { stdio: 'pipe' });
  return performance.now() - started;
}

/**
 * Writes out what earlier loads left dirty (CHECKPOINT), so that the next measured load, sluice's or the
 * reference's, does not pay for a checkpoint of the loads before it; then runs `measure`. Around every measured load.
 */
export function settled<T>(url: string, measure: () => T): T {
  execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', 'CHECKPOINT'], { stdio: 'pipe' });
  return measure();
}

/** A seeded 32-bit linear congruential generator in [0, 1) (exact integer steps), so generated input is the same in every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
}
