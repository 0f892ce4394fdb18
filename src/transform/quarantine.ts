/** Quarantine: every rejected row or file, with where it came from and why, in the lake and in `sluice.rejects`. */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type pg from 'pg';
import type { SourceReject } from '../extract/source.ts';
import type { Lake } from '../lake/lake.ts';

/** A rejected row (or whole object) on its way to quarantine. */
export type Reject = SourceReject;

/** The first rejects of a run are also kept in the database, for the CLI and the dashboard; the lake file has them all. */
const DATABASE_LIMIT = 10_000;
const RAW_LIMIT = 2_000;

/** A run's quarantine. `add` streams rejects to `rejects/<pipeline>/<runId>.jsonl`; `seal` makes the file durable; `record` writes the table rows. */
export function openQuarantine(lake: Lake, pipeline: string, runId: string) {
  const key = `rejects/${pipeline}/${runId}.jsonl`;
  const kept: Reject[] = [];
  let file: { stream: PassThrough; done: Promise<void> } | undefined;
  let rows = 0;
  let objects = 0;
  return {
    key,
    /** Rejected rows so far (whole objects are not rows and are counted apart). */
    get rows() { return rows; },
    get objects() { return objects; },
    /** The first rejects, for summaries. */
    get first(): readonly Reject[] { return kept; },
    /** How many rejects were added (rows and objects). */
    get count() { return rows + objects; },

    async add(rejects: readonly Reject[]): Promise<void> {
      if (!rejects.length) return;
      if (!file) {
        const stream = new PassThrough();
        const done = lake.put(key, stream);
        // Awaited in seal(); a failure (a full disk) also fails the next add(), so the load stops before COMMIT.
        done.catch(() => {});
        file = { stream, done };
      }
      const { stream, done } = file;
      for (const reject of rejects) {
        if (reject.wholeObject) objects++; else rows++;
        if (kept.length < DATABASE_LIMIT) kept.push(reject);
        if (!stream.write(JSON.stringify(reject) + '\n')) await Promise.race([once(stream, 'drain'), done.then(() => { throw new Error(`could not write rejects to ${key}: the lake stopped reading`); })]);
      }
    },

    /**
     * Finishes the lake file and waits until it is durable (before the load commits: a load whose rejects could
     * not be kept must not commit). Returns its key, if any reject.
     */
    async seal(): Promise<string | undefined> {
      if (!file) return undefined;
      file.stream.end();
      await file.done;
      return key;
    },

    /** Records the first rejects in `sluice.rejects`, on `client` (the load's transaction, so they commit with it). */
    async record(client: pg.ClientBase | pg.Pool): Promise<void> {
      if (!kept.length) return;
      await client.query(
        `INSERT INTO sluice.rejects (run_id, seq, pipeline, source, line, column_name, reason, raw)
         SELECT $1, r.seq, $2, r.source, r.line, r.column_name, r.reason, r.raw
         FROM unnest($3::int[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[]) AS r(seq, source, line, column_name, reason, raw)`,
        [runId, pipeline, kept.map((_, i) => i + 1), kept.map((r) => r.source), kept.map((r) => r.line),
          kept.map((r) => r.column ?? null), kept.map((r) => r.reason), kept.map((r) => r.raw?.slice(0, RAW_LIMIT).replaceAll('\0', '\\0') ?? null)]);
    },

    /** Stops writing the lake file (a failed run), keeping what reached it. */
    async abandon(): Promise<void> {
      if (!file) return;
      file.stream.end();
      await file.done.catch(() => {});
    },
  };
}
/** A run's quarantine, as returned by `openQuarantine`. */
export type Quarantine = ReturnType<typeof openQuarantine>;
