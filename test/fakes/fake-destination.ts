/**
 * A fake destination with failure knobs, for the retry, crash and fencing paths: fail or crash (SIGKILL of this
 * process) at any step, slow writes, a partial load that fails after some rows. It stores rows for real, either on
 * the ledger's transaction (`commitsWithLedger: true`, a jsonb table) or as JSON lines in the lake, published
 * after the ledger commits (the external-store protocol).
 */
import { text } from 'node:stream/consumers';
import { col } from '../../src/transform/columns.ts';
import type { Destination, Load, LoadContext } from '../../src/load/destination.ts';
import type { Lake } from '../../src/lake/lake.ts';
import { lakePublication, publishStaged, stagedKey } from '../../src/load/lake-publication.ts';

/** The steps a knob can hit, in lifecycle order. */
export type FakeStep = 'open' | 'write' | 'stage' | 'apply' | 'publish';

export interface FakeKnobs {
  readonly name?: string;
  readonly commitsWithLedger?: boolean;
  /** Throws at this step (the first `times` times; default always). */
  readonly failAt?: FakeStep;
  readonly times?: number;
  /** Kills this process without warning at this step. */
  readonly crashAt?: FakeStep;
  /** Waits this long in each write. */
  readonly slowMs?: number;
  /** Fails the write that would take the load past this many rows (the earlier rows were written). */
  readonly partialAfter?: number;
  /** Called when a step starts (for tests that wait on it). */
  readonly onStep?: (step: FakeStep) => void;
}

/** The fake's columns: every fake load carries (id integer, v text). */
export const FAKE_COLUMNS = { id: col.integer(), v: col.text() };

/** A fake destination; `failures` counts the failures it injected so far. */
export function fakeDestination(knobs: FakeKnobs = {}): Destination & { readonly failures: number } {
  const name = knobs.name ?? 'fake';
  let failures = 0;
  const step = (at: FakeStep) => {
    knobs.onStep?.(at);
    if (knobs.crashAt === at) process.kill(process.pid, 'SIGKILL');
    if (knobs.failAt === at && failures < (knobs.times ?? Infinity)) {
      failures++;
      throw new Error(`fake destination: injected failure at ${at}`);
    }
  };
  const inLedger = knobs.commitsWithLedger ?? false;
  return {
    kind: 'fake',
    columns: FAKE_COLUMNS,
    commitsWithLedger: inLedger,
    get failures() { return failures; },
    describe: () => `fake ${name} (${inLedger ? 'in the ledger transaction' : 'published after the ledger'})`,
    async open(ctx: LoadContext): Promise<Load> {
      step('open');
      const rows: (readonly (string | null)[])[] = [];
      const { client } = ctx.transaction;
      if (inLedger) await client.query(`CREATE TABLE IF NOT EXISTS ${table(name)} (id integer, v text)`);
      const staged = stagedKey(ctx.pipeline, ctx.runId, `${name}.jsonl`);
      return {
        async write(batch) {
          step('write');
          if (knobs.slowMs) await new Promise((resolve) => setTimeout(resolve, knobs.slowMs));
          for (const row of batch.rows) {
            if (knobs.partialAfter !== undefined && rows.length >= knobs.partialAfter) {
              failures++;
              throw new Error(`fake destination: partial load, failed after ${rows.length} rows`);
            }
            // Kept as text, as a store of text would keep them (numbers arrive as numbers).
            rows.push(row.map((v) => (v === null ? null : String(v))));
          }
          if (inLedger && batch.rows.length) {
            await client.query(`INSERT INTO ${table(name)} SELECT * FROM unnest($1::int[], $2::text[])`,
              [batch.rows.map((r) => r[0]), batch.rows.map((r) => r[1])]);
          }
        },
        async stage() {
          step('stage');
          if (!inLedger) await ctx.lake.put(staged, rows.map((r) => JSON.stringify(r)).join('\n'));
          if (!ctx.checks) return { superseded: 0, rejects: [] };
          // The staged rows as a relation on the ledger's transaction: a VALUES list of exactly this load's rows.
          await client.query('CREATE TEMP TABLE fake_staged (id integer, v text) ON COMMIT DROP');
          await client.query('INSERT INTO fake_staged SELECT * FROM unnest($1::int[], $2::text[])', [rows.map((r) => r[0]), rows.map((r) => r[1])]);
          return {
            superseded: 0, rejects: [],
            rows: { engine: 'postgres' as const, relation: 'pg_temp.fake_staged', query: async (sql: string, values?: readonly unknown[]) => (await client.query(sql, values as unknown[])).rows },
          };
        },
        async apply() {
          step('apply');
          const base = { inserted: rows.length, updated: 0, unchanged: 0, superseded: 0, changes: [] };
          return inLedger ? base : { ...base, publication: lakePublication(staged, `fake/${name}/${ctx.runId}.jsonl`) };
        },
        async abort() {
          if (!inLedger) await ctx.lake.delete(staged);
        },
      };
    },
    async publish(publication, lake) {
      step('publish');
      await publishStaged(publication, lake);
    },
  };
}

function table(name: string): string {
  return `public."fake_${name.replaceAll('"', '')}"`;
}

/** The rows a fake published in the lake (external-store mode), sorted by id. */
export async function publishedRows(lake: Lake, name = 'fake'): Promise<(string | null)[][]> {
  const rows: (string | null)[][] = [];
  for await (const object of lake.list(`fake/${name}/`)) {
    const body = await text(await lake.get(object.key));
    for (const line of body.split('\n')) if (line) rows.push(JSON.parse(line) as (string | null)[]);
  }
  return rows.sort((a, b) => Number(a[0]) - Number(b[0]));
}
