/** The combine stage of a run: each landed object's rows staged into its source's table, then the join into the load. */
import type pg from 'pg';
import type { Logger } from 'pino';
import { TerminalError } from '../extract/errors.ts';
import type { Source } from '../extract/source.ts';
import type { Lake } from '../lake/lake.ts';
import type { LandedObject } from '../lake/raw-zone.ts';
import type { Fed } from '../load/destination.ts';
import type { Columns } from '../transform/columns.ts';
import type { Quarantine } from '../transform/quarantine.ts';
import { transformBatch } from '../transform/transform-batch.ts';
import type { Combine } from './combine-config.ts';
import { combineInto } from './combine-into.ts';
import { sourceOf } from './combined-source.ts';
import { stageSources } from './source-stages.ts';

/** What the combine stage needs from the run. */
export interface CombineFeed {
  readonly combine: Combine;
  /** The pipeline's combined source (or its replay), which parses each object with its own source. */
  readonly source: Source;
  readonly objects: readonly LandedObject[];
  readonly destination: { describe(): string; readonly columns: Columns };
  readonly params: Readonly<Record<string, string>>;
  readonly quarantine: Quarantine;
  readonly lake: Lake;
  readonly runId: string;
  readonly startedAt: Date;
  readonly log: Logger;
}

/** The load's SQL session: the ledger's transaction, and an INSERT ... SELECT into the destination's stage. */
export interface CombineSession {
  readonly client: pg.ClientBase;
  insertSelect(columns: readonly string[], select: string): Promise<number>;
  /** Ends the transaction by dropping its connection, for a failure while a COPY is open. */
  drop(): void;
}

/**
 * Stages every source's rows (typed by its columns, bad rows quarantined) in the load's transaction, then inserts
 * the join's rows into the destination's stage. Accounting: extracted counts the sources' rows; the staged rows the
 * join does not carry into its result count as filtered, so extracted = joined + rejected + filtered still holds.
 */
export async function combineAndLoad(feed: CombineFeed, load: { readonly sql?: CombineSession }): Promise<Fed> {
  const { combine, quarantine } = feed;
  const session = load.sql;
  if (!session) throw new TerminalError(`combine: ${feed.destination.describe()} does not load in SQL; a combine needs postgres.table() (without curated)`);
  const base = { runId: feed.runId, startedAt: feed.startedAt, params: feed.params };
  const transforms = Object.fromEntries(Object.entries(combine.sources).map(([name, s]) => [name, transformBatch(s.columns, s.transform, base)]));
  const stages = await stageSources(session.client, Object.fromEntries(Object.entries(combine.sources).map(([name, s]) => [name, s.columns])));
  const rows = new Map<string, number>();
  let extracted = 0;
  let rejected = 0;
  let filtered = 0;
  try {
    for (const object of feed.objects) {
      const name = sourceOf(object.name).source;
      const transform = transforms[name];
      if (!transform) throw new TerminalError(`${object.name}: not an object of this pipeline's sources (${Object.keys(combine.sources).join(', ')})`);
      let read = 0;
      for await (const batch of feed.source.parse(await feed.lake.get(object.key), object.name)) {
        const out = transform.apply(batch);
        const rowRejects = out.rejects.filter((r) => !r.wholeObject).length;
        const batchRows = out.rows.length + rowRejects + out.filtered;
        read += batchRows;
        extracted += batchRows;
        rejected += rowRejects;
        filtered += out.filtered;
        await quarantine.add(out.rejects);
        await stages.write(name, out.rows);
      }
      rows.set(object.key, read);
      feed.log.info({ object: object.name, source: name, rows: read }, 'staged');
    }
  } catch (error) {
    // A ROLLBACK would queue behind the open COPY forever: dropping the connection rolls back instead.
    if (stages.copying) session.drop();
    throw error;
  }
  const staged = await stages.end();
  const empty = Object.entries(staged).filter(([, n]) => n === 0).map(([name]) => name);
  if (empty.length) {
    const of = (name: string) => feed.objects.filter((o) => sourceOf(o.name).source === name).map((o) => o.name);
    throw new TerminalError(`combine: nothing to join: ${empty.map((n) => `source "${n}" staged no rows (${of(n).length ? `read ${of(n).join(', ')}` : 'it extracted nothing'})`).join('; ')}`);
  }
  const total = Object.values(staged).reduce((a, b) => a + b, 0);
  const joined = await combineInto(session.client, combine.sql, { columns: feed.destination.columns, describe: feed.destination.describe(), insertSelect: session.insertSelect });
  if (joined > total) {
    throw new TerminalError(`combine: the join gave ${joined} rows from ${total} staged rows; a join that multiplies rows cannot be accounted for (join on a key of one side)`);
  }
  feed.log.info({ staged, joined }, 'combined');
  const each = Object.entries(staged).map(([name, n]) => `${name} ${n}`).join(', ');
  return {
    extracted, written: joined, rejected, filtered: filtered + total - joined, rows, copiedObjects: 0, warnings: [],
    notes: [`combine: staged ${each} rows; the join gave ${joined} rows (${total - joined} staged rows not in its result are counted as filtered)`],
  };
}
