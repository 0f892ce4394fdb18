/** The Source interface: what every source plugin (files, HTTP, buckets) provides to the runner. */
import type { Readable } from 'node:stream';

/** One thing a source found to extract: a file, an object, an API answer. It is landed in the raw zone as is. */
export interface SourceObject {
  /** Path-like name, unique within one run; becomes the last part of its raw-zone key. */
  readonly name: string;
  /** The bytes exactly as received. Called once, by the land stage. */
  open(): Promise<Readable>;
  /** What the source knows of it (ETag, Last-Modified, size, mtime...), kept with it in the ledger once loaded. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** The last load of an object by this name: its content hash and what the source knew of it then. */
export interface PreviousObject {
  readonly sha256: string;
  readonly meta: Readonly<Record<string, string>>;
}

/** Where a record came from: shown in rejects and given to the transform. */
export interface RecordPosition {
  /** The source object's name. */
  readonly source: string;
  /** 1-based line (files) or record index (APIs). */
  readonly line: number;
}

/** A row or file the source could not read; it goes to quarantine with its reason. */
export interface SourceReject extends RecordPosition {
  readonly reason: string;
  /** The whole object could not be read (e.g. an empty file with no header): no row is counted for it. */
  readonly wholeObject?: boolean;
  readonly column?: string;
  readonly raw?: string;
}

/** Records parsed from one landed object, in order, with their positions. */
export interface RecordBatch<Row> {
  /** The source object's name. */
  readonly source: string;
  readonly records: readonly Row[];
  readonly lines: readonly number[];
  readonly rejects: readonly SourceReject[];
  /** The object's header line as written, when it has one (on every batch): the header policy reads it. */
  readonly fields?: readonly string[];
  /** Set when every record of the batch has exactly these keys (a delimited file's columns, in the file's order). */
  readonly keys?: readonly string[];
}

/** Run facts a source may use. */
export interface SourceContext {
  /** The project folder: relative paths in a source's options resolve against it. */
  readonly projectDir: string;
  readonly runId: string;
  /** The last time this pipeline loaded an object of this name, if it ever did. */
  previous(name: string): Promise<PreviousObject | undefined>;
}

/**
 * A source. Lifecycle per run: `list` is called once, then each object is landed; then `parse` is called
 * once per landed object, on the raw-zone copy, so a replay from the raw zone parses exactly the same bytes.
 * A source never retries on its own: it throws, classified (see `errors.ts`), and the runner decides.
 */
export interface Source<Row = unknown> {
  readonly kind: string;
  /** One line for people: `files sample/Stocks/*.us.txt (csv)`. */
  describe(): string;
  /** What there is to extract now. */
  list(ctx: SourceContext): Promise<readonly SourceObject[]>;
  /** Streams the records of one landed object, in batches. */
  parse(body: Readable, name: string): AsyncIterable<RecordBatch<Row>>;
  /**
   * Optional: why a landed object cannot be read at all (a truncated .gz), checked before any of its rows load;
   * undefined when it can. Such an object is quarantined whole, named, and the others load.
   */
  check?(name: string, open: () => Promise<Readable>): Promise<string | undefined>;
  /**
   * Optional: the object's layout when its bytes are plain CSV that a destination may load as they are
   * (no typed input, no trailing delimiter); undefined when they must be parsed record by record.
   */
  csvLayout?(name: string): CsvText | undefined;
}

/** How to read an object's bytes as CSV text. */
export interface CsvText {
  /** The column names when the text has no header line; undefined when its first line is the header. */
  readonly names?: readonly string[];
  readonly delimiter: string;
  readonly quote: string;
  readonly nullValue?: string;
  readonly gzip: boolean;
}

/** True for values made by a source factory such as `files()`. */
export function isSource(value: unknown): value is Source {
  const v = value as Source | undefined;
  return typeof v?.kind === 'string' && typeof v.list === 'function' && typeof v.parse === 'function';
}
