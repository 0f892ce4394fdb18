/**
 * A run's log: structured lines (pino) kept in `sluice.run_logs` as they come, so `sluice logs --follow` can show
 * a live run from any machine, and written to the lake as `logs/<pipeline>/<runId>.jsonl` when the run ends.
 * Secret values are redacted from every line.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type pg from 'pg';
import type { Lake } from '../lake/lake.ts';
import { redact } from '../secrets/redact.ts';

const FLUSH_MS = 250;
const FLUSH_LINES = 200;

/** The logger a run writes to, and how to finish it. */
export interface RunLog {
  readonly logger: pino.Logger;
  /** Writes what is pending to the database and the whole log to the lake; returns the lake key. */
  close(): Promise<string>;
}

export function openRunLog(pool: pg.Pool, lake: Lake, pipeline: string, runId: string, prefix = 'logs'): RunLog {
  const key = `${prefix}/${pipeline}/${runId}.jsonl`;
  const all: string[] = [];
  let pending: string[] = [];
  let seq = 0;
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (!pending.length) return writing;
    const lines = pending;
    pending = [];
    const first = seq + 1;
    seq += lines.length;
    writing = writing.then(() => pool.query(
      `INSERT INTO sluice.run_logs (run_id, seq, line) SELECT $1, $2 + n - 1, l::jsonb FROM unnest($3::text[]) WITH ORDINALITY AS t(l, n)`,
      [runId, first, lines]).then(() => undefined, () => undefined));
    return writing;
  };
  const timer = setInterval(flush, FLUSH_MS);
  timer.unref();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        const clean = redact(line);
        all.push(clean);
        pending.push(clean);
      }
      if (pending.length >= FLUSH_LINES) void flush();
      done();
    },
  });
  const logger = pino({ base: { pipeline, runId }, timestamp: pino.stdTimeFunctions.isoTime }, sink);
  return {
    logger,
    async close() {
      clearInterval(timer);
      await new Promise<void>((resolve) => sink.end(resolve));
      await flush();
      await lake.put(key, all.join('\n') + '\n');
      return key;
    },
  };
}

/** Log lines of a run after `afterSeq`, in order. */
export async function readRunLog(pool: pg.Pool, runId: string, afterSeq = 0): Promise<{ seq: number; line: Record<string, unknown> }[]> {
  const { rows } = await pool.query<{ seq: number; line: Record<string, unknown> }>(
    'SELECT seq, line FROM sluice.run_logs WHERE run_id = $1 AND seq > $2 ORDER BY seq', [runId, afterSeq]);
  return rows;
}
