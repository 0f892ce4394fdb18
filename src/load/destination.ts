/** The Destination interface: where transformed rows are loaded, atomically with the ledger. */
import type { Database } from '../database/database.ts';
import type { Lake } from '../lake/lake.ts';
import type { Readable } from 'node:stream';
import type { CsvText, SourceReject } from '../extract/source.ts';
import type { Columns } from '../transform/columns.ts';

/** A raw object whose rows this load carries; recorded so the same bytes are never loaded twice. */
export interface LoadedObject {
  readonly name: string;
  readonly rawKey: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly meta?: Readonly<Record<string, string>>;
}

/** Facts of the load. `runKey` identifies the work: a retry of the same key must load nothing. */
export interface LoadContext {
  readonly database: Database;
  /** The lake, for destinations that write to its curated zone. */
  readonly lake: Lake;
  /** When the run started: the curated zone's date partition. */
  readonly startedAt: Date;
  readonly pipeline: string;
  readonly runId: string;
  readonly runKey: string;
  readonly attempt: number;
  /** A replay: objects loaded before are loaded again (their ledger entries move to this run). */
  readonly reload?: boolean;
}

/** Rows of one source object, as the declared columns' canonical text (see `toColumnText`) in declaration order. */
export interface RowBatch {
  readonly source: string;
  readonly rows: readonly (readonly (string | null)[])[];
  /** Line (or record index) of each row. */
  readonly lines: readonly number[];
}

/** CSV text for `Load.copyCsv`: the columns in file order, and the bytes after the header. */
export interface CsvCopy extends CsvText {
  readonly source: string;
  readonly columns: readonly string[];
  readonly body: Readable;
}

/** The database refused an object's CSV text; nothing of it was kept. */
export class CsvRefused extends Error {
  override readonly name = 'CsvRefused';
}

/** What a load did. `superseded` rows were in-batch duplicates replaced by a later row of their key (counted as filtered). */
export interface LoadResult {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly superseded: number;
  /** Rows the destination itself refused (e.g. duplicate keys under duplicates: 'reject'). */
  readonly rejects: readonly SourceReject[];
  /** Schema changes made (table created, column added or widened). */
  readonly changes: readonly string[];
}

/** One load in progress. */
export interface Load {
  /** False when the ledger already holds this run key: the work was committed before; write nothing, commit nothing. */
  readonly fresh: boolean;
  write(batch: RowBatch): Promise<void>;
  /**
   * Optional: loads CSV text (after its header line) as it is, the database parsing it. Resolves to the rows
   * loaded. Throws CsvRefused, keeping nothing of it, when the database refuses the text: the caller then
   * loads that object row by row, so each bad row is quarantined with its line.
   */
  copyCsv?(csv: CsvCopy): Promise<number>;
  /** Makes everything written visible together with the ledger row and the loaded objects, or nothing at all. */
  commit(objects: readonly LoadedObject[]): Promise<LoadResult>;
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
  /** The database table it loads, if it loads one (for the dashboard's data pages). */
  readonly table?: { readonly schema: string; readonly name: string };
  /** True when runs only land their objects: no record is read or written (see `landOnly()`). */
  readonly landOnly?: boolean;
  open(ctx: LoadContext): Promise<Load>;
  readonly __row?: Row;
}

/** True for values made by a destination factory such as `postgres.table()`. */
export function isDestination(value: unknown): value is Destination {
  const v = value as Destination | undefined;
  return typeof v?.kind === 'string' && typeof v.open === 'function' && typeof v.columns === 'object';
}
