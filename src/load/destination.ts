/** The Destination interface: where transformed rows are loaded, atomically with the ledger. */
import type { Database } from '../database/database.ts';
import type { Columns } from '../transform/columns.ts';

/** A raw object whose rows this load carries; recorded so the same bytes are never loaded twice. */
export interface LoadedObject {
  readonly name: string;
  readonly rawKey: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** Facts of the load. `runKey` identifies the work: a retry of the same key must load nothing. */
export interface LoadContext {
  readonly database: Database;
  readonly pipeline: string;
  readonly runId: string;
  readonly runKey: string;
  readonly attempt: number;
}

/** Rows written, per the destination's write mode. */
export interface LoadResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** One load in progress. Rows are the declared columns' canonical text (see `toColumnText`), in declaration order. */
export interface Load {
  /** False when the ledger already holds this run key: the work was committed before; write nothing, commit nothing. */
  readonly fresh: boolean;
  write(rows: readonly (readonly (string | null)[])[]): Promise<void>;
  /** Makes everything written visible together with the ledger row and the loaded objects, or nothing at all. */
  commit(objects: readonly LoadedObject[], counts: Readonly<Record<string, number>>): Promise<LoadResult>;
  /** Discards everything written. Safe to call after a failed write or commit. */
  abort(): Promise<void>;
}

/**
 * A destination. Lifecycle per run: `open` once; `write` any number of times; then exactly one of `commit` or `abort`.
 * `Row` types the transform's output; it never exists at run time.
 */
export interface Destination<Row = unknown> {
  readonly kind: string;
  /** One line for people: `postgres public.historical_stocks_data (append)`. */
  describe(): string;
  readonly columns: Columns;
  open(ctx: LoadContext): Promise<Load>;
  readonly __row?: Row;
}

/** True for values made by a destination factory such as `postgres.table()`. */
export function isDestination(value: unknown): value is Destination {
  const v = value as Destination | undefined;
  return typeof v?.kind === 'string' && typeof v.open === 'function' && typeof v.columns === 'object';
}
