/**
 * The Destination interface: where transformed rows go. Destinations stage rows; the runner's commit protocol
 * (src/pipeline/commit-load.ts) decides and commits, together with the ledger. No destination commits on its own.
 */
import type pg from 'pg';
import type { Database } from '../database/database.ts';
import type { Lake } from '../lake/lake.ts';
import type { Readable } from 'node:stream';
import type { CsvText, SourceReject } from '../extract/source.ts';
import type { ColumnValue } from '../transform/column-coercer.ts';
import type { Columns } from '../transform/columns.ts';

/** A raw object whose rows this load carries; recorded so the same bytes are never loaded twice. */
export interface LoadedObject {
  readonly name: string;
  readonly rawKey: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly meta?: Readonly<Record<string, string>>;
}

/** Facts of the load, and the ledger's open transaction. `runKey` identifies the work: a retry of the same key loads nothing. */
export interface LoadContext {
  readonly database: Database;
  /** The lake, for destinations that write to it (curated zone, staged files). */
  readonly lake: Lake;
  /** When the run started: the curated zone's date partition. */
  readonly startedAt: Date;
  readonly pipeline: string;
  readonly runId: string;
  readonly runKey: string;
  readonly attempt: number;
  /** A replay: objects loaded before are loaded again (their ledger entries move to this run). */
  readonly reload?: boolean;
  /** The ledger's transaction (BEGUN, run key claimed). A destination that commits with the ledger writes on it. */
  readonly transaction: LedgerTransaction;
  /** The pipeline declares data-quality checks: `Load.staged()` must expose the rows this load will commit. */
  readonly checks?: boolean;
  /** Every row of the load arrives through `write` (a transform's rows: no raw CSV COPY, no combine's SQL). */
  readonly rowsOnly?: boolean;
  /** Aborted when the run is asked to stop: statements on connections of the destination's own are to be cancelled. */
  readonly signal?: AbortSignal;
}

/** The transaction the ledger row commits in, as destinations see it. */
export interface LedgerTransaction {
  readonly client: pg.ClientBase;
  /** Ends the transaction by dropping its connection (Postgres rolls back): for a connection busy with an open COPY. */
  drop(): void;
}

/**
 * Rows of one source object, in declaration order: each value the column's canonical text (see `toColumnText`),
 * or a checked number or boolean whose `String()` is that text.
 */
export interface RowBatch {
  readonly source: string;
  readonly rows: readonly (readonly ColumnValue[])[];
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

/** This load's rows before COMMIT, for data-quality checks (set-based SQL). */
export interface StagedRows {
  /** 'postgres': `relation` names a table visible in the load's transaction; 'duckdb': a DuckDB relation (e.g. read_parquet('...')) over the staged Parquet. */
  readonly engine: 'postgres' | 'duckdb';
  /** A SQL relation holding exactly the rows this load will commit (after in-batch duplicate resolution), with the destination's columns, plus __source (text, object name) and __line (bigint) columns when known. */
  readonly relation: string;
  /** The destination table as it is before this load's write statement (for comparisons with previous loads, referential checks, `{{target}}`), when there is one. */
  readonly target?: string;
  /** Column sets no two of these rows share (all parts present), and what guarantees it: a `unique`/`uniqueKey` check on one of them, or a superset, passes without a scan. */
  readonly uniqueOn?: readonly UniqueColumns[];
  /** Runs one read query in the load's transaction/session; rows as objects. */
  query(sql: string, values?: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

/** Columns the staged rows are unique on, and why (`the merge key's duplicate resolution`). */
export interface UniqueColumns {
  readonly columns: readonly string[];
  readonly by: string;
}

/** The rows written, with in-batch duplicates resolved: what the load will commit unless validation fails. */
export interface Staged {
  /** Rows dropped for a later row of their key (counted as filtered). */
  readonly superseded: number;
  /** Rows the destination itself refused (e.g. duplicate keys under duplicates: 'reject'). */
  readonly rejects: readonly SourceReject[];
  /** The rows, for checks; present when `LoadContext.checks` asked for them. */
  readonly rows?: StagedRows;
}

/** What a destination needs, after the ledger committed, to make staged rows visible (kept in the ledger row until done). */
export type Publication = Readonly<Record<string, string>>;

/** What applying a load did (or, for a destination that publishes after the ledger, will do once published). */
export interface Applied {
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  /** In-batch duplicates the write itself resolved (a merge that found a repeated key only when it ran). */
  readonly superseded: number;
  /** Schema changes made (table created, column added or widened), and files written. */
  readonly changes: readonly string[];
  /** For `commitsWithLedger: false`: what `publish` needs; recorded in the ledger row in the same transaction. */
  readonly publication?: Publication;
}

/**
 * One load in progress. Lifecycle: `write` / `copyCsv` any number of times; then `stage` once; then `apply` once;
 * or `abort` at any point (also after a failed call). Nothing a load does is visible before the runner commits
 * the ledger's transaction (and, for an external store, publishes).
 */
export interface Load {
  write(batch: RowBatch): Promise<void>;
  /**
   * Optional: loads CSV text (after its header line) as it is, the database parsing it. Resolves to the rows
   * loaded. Throws CsvRefused, keeping nothing of it, when the database refuses the text: the caller then
   * loads that object row by row, so each bad row is quarantined with its line.
   */
  copyCsv?(csv: CsvCopy): Promise<number>;
  /**
   * Optional, for a pipeline's combine step: the load's SQL session (the ledger's transaction) where the sources
   * are staged, an INSERT ... SELECT of the join's rows into the load's stage (counted as written rows), and a way
   * to end the transaction while a COPY of the sources is open.
   */
  readonly sql?: {
    readonly client: pg.ClientBase;
    insertSelect(columns: readonly string[], select: string): Promise<number>;
    drop(): void;
  };
  /** Ends writing: resolves in-batch duplicates. The target is untouched, but for rows only this load's transaction sees. */
  stage(): Promise<Staged>;
  /** Runs the write into the target inside the ledger's transaction, or makes the staged rows durable for `publish`. */
  apply(): Promise<Applied>;
  /** Discards everything written; safe after a failure. The runner rolls the ledger's transaction back afterwards. */
  abort(): Promise<void>;
}

/**
 * A destination. Per run the runner calls `open` once (inside the ledger's transaction), drives the `Load`, and
 * commits. `commitsWithLedger`: true when its writes are on the ledger's transaction and commit with it (Postgres);
 * false for an external store (the lake's curated zone, any other): its rows are staged durably, the ledger row
 * commits with a `Publication`, then `publish` makes them visible. `publish` must be idempotent: after a crash
 * between the ledger's COMMIT and the end of `publish`, the next run of the pipeline calls it again.
 * `Row` types the transform's output; it never exists at run time.
 */
export interface Destination<Row = unknown> {
  readonly kind: string;
  /** One line for people: `postgres public.historical_stocks_data (append)`. */
  describe(): string;
  readonly columns: Columns;
  /** The database table it loads, if it loads one (for the dashboard's data pages). */
  readonly table?: { readonly schema: string; readonly name: string };
  /** Any difference between a file's header and the columns fails the run (postgres `schemaPolicy: 'freeze'`). */
  readonly frozen?: boolean;
  /** True when runs only land their objects: no record is read or written (see `landOnly()`). */
  readonly landOnly?: boolean;
  readonly commitsWithLedger: boolean;
  open(ctx: LoadContext): Promise<Load>;
  /** Makes a committed load's staged rows visible; idempotent. Required when `commitsWithLedger` is false or `apply` returns a publication. */
  publish?(publication: Publication, lake: Lake): Promise<void>;
  readonly __row?: Row;
}

/** True for values made by a destination factory such as `postgres.table()`. */
export function isDestination(value: unknown): value is Destination {
  const v = value as Destination | undefined;
  return typeof v?.kind === 'string' && typeof v.open === 'function' && typeof v.columns === 'object';
}

/** What a transform (or combine) stage handed to a load: its tally, before the destination resolves duplicates. */
export interface Fed {
  readonly extracted: number;
  /** Rows written to the load. */
  readonly written: number;
  readonly rejected: number;
  readonly filtered: number;
  /** Records read per raw key, for the manifest. */
  readonly rows: ReadonlyMap<string, number>;
  /** How many objects went straight into COPY as CSV text. */
  readonly copiedObjects: number;
  readonly notes: readonly string[];
  /** What needs a person's attention without failing the run (header mismatches...). */
  readonly warnings: readonly string[];
}
