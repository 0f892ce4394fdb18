/** Progress of a long run on stderr: a live bar on a terminal, a plain line every few seconds otherwise. */
import cliProgress from 'cli-progress';
import type { Progress } from '../pipeline/transform-and-load.ts';
import { number } from './format.ts';

const PLAIN_EVERY_MS = 5000;

export function progressReporter(pipeline: string) {
  const started = performance.now();
  const rate = (rows: number) => Math.round(rows / Math.max(0.001, (performance.now() - started) / 1000));
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: `${pipeline} [{bar}] {value}/{total} files | {rows} rows | {rate} rows/s`,
      stream: process.stderr, hideCursor: true, clearOnComplete: true,
    }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update: (p: Progress) => {
        if (!started) { bar.start(p.objectsTotal, 0, { rows: '0', rate: '0' }); started = true; }
        bar.update(p.objectsDone, { rows: number(p.rows), rate: number(rate(p.rows)) });
      },
      stop: () => { if (started) bar.stop(); },
    };
  }
  let last = performance.now();
  return {
    update: (p: Progress) => {
      if (performance.now() - last < PLAIN_EVERY_MS) return;
      last = performance.now();
      process.stderr.write(`${pipeline}: ${p.objectsDone}/${p.objectsTotal} files, ${number(p.rows)} rows, ${number(rate(p.rows))} rows/s\n`);
    },
    stop: () => {},
  };
}
