/** Options of the `files()` source, validated once here; the docs and error messages come from this schema. */
import { z } from 'zod';
import type { Columns } from '../../transform/columns.ts';

/** What `select` is told about a matched file. */
export interface FileInfo {
  /** Path relative to `dir`, with `/` separators. */
  readonly name: string;
  readonly path: string;
  readonly size: number;
}

export const filesConfig = z.object({
  /** Folder the pattern is matched in (relative to the project folder), or a bucket prefix `s3://bucket/prefix`. */
  dir: z.string().min(1).default('.'),
  /** A file loaded before whose content changed: load it again (`reload`), or leave it (`ignore`). */
  onChange: z.enum(['reload', 'ignore']).default('reload'),
  /** csv: delimited text (any delimiter); jsonl: one JSON object per line; json: one document, records at `records`; parquet: DuckDB. */
  format: z.enum(['csv', 'jsonl', 'json', 'parquet']).default('csv'),
  /** json: where the records are in each document, e.g. `data.children[].data` (as for http()). */
  records: z.string().default(''),
  /** true: first line names the columns; false: `column_1`...; or the names. */
  header: z.union([z.boolean(), z.array(z.string().min(1)).min(1)]).default(true),
  delimiter: z.string().min(1).default(','),
  quote: z.string().length(1).default('"'),
  /** Text that stands for null, e.g. `\\N`. */
  nullValue: z.string().optional(),
  /** Lines end with the delimiter too (TPC-H `.tbl`). */
  trailingDelimiter: z.boolean().default(false),
  /** `auto`: gzip when the name ends in `.gz`. */
  compression: z.enum(['auto', 'gzip', 'none']).default('auto'),
  /** Keep only the files this returns true for. */
  select: z.custom<(file: FileInfo) => boolean>((v) => typeof v === 'function', 'expected a function (file) => boolean').optional(),
  /** Declared input columns: rows reach the transform typed, and a value that does not fit is quarantined. */
  columns: z.custom<Columns>((v) => typeof v === 'object' && v !== null, 'expected columns such as { Open: col.double() }').optional(),
  /** A field (or an unclosed quote) past this many characters fails the file; COPY of raw CSV takes fields this long too. */
  maxFieldChars: z.number().int().positive().default(256 * 1024 * 1024),
});

/** Options as a user writes them. */
export type FilesOptions = z.input<typeof filesConfig>;
/** Options after defaults. */
export type FilesConfig = z.output<typeof filesConfig>;
