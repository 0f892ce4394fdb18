/** Streams a delimited text file (CSV, TSV, pipe) into named records with exact line numbers, in bounded memory. */
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';
import type { RecordBatch, SourceReject } from '../source.ts';
import { compileRecord } from '../compile-record.ts';
import { utf8Text } from './utf8-text.ts';

/** How a delimited file is laid out. */
export interface CsvLayout {
  readonly delimiter: string;
  readonly quote: string;
  /** true: names from the first line; false: `column_1`...; or the names themselves. */
  readonly header: boolean | readonly string[];
  /** This text stands for null, e.g. `\N` or `NULL`. */
  readonly nullValue?: string;
  /** Each line ends with a delimiter too, as TPC-H `.tbl` files do. */
  readonly trailingDelimiter: boolean;
  readonly gzip: boolean;
  /** A field (or a quoted run of lines) longer than this many characters makes the file fail. */
  readonly maxFieldChars: number;
}

/**
 * Reads records as `Record<column, string | null>`. Ragged lines are rejected with their line number;
 * blank lines are skipped; a BOM is dropped; a line with bytes that are not UTF-8 is rejected (a real U+FFFD is kept).
 */
export async function* readCsv(body: Readable, name: string, layout: CsvLayout): AsyncIterable<RecordBatch<Record<string, string | null>>> {
  const text = (layout.gzip ? body.pipe(createGunzip()) : body);
  // U+FFFD is a valid character: only once the bytes proved not UTF-8 does a U+FFFD mark a line as broken.
  const utf8 = utf8Text();
  let parser: Papa.Parser | undefined;
  let newlineChar = '\n';
  let pending = '';
  let line = 1;
  let names: readonly string[] | undefined = Array.isArray(layout.header) ? layout.header : undefined;
  let header: readonly string[] | undefined;

  let makeRecord: ((fields: readonly string[]) => Record<string, string | null>) | undefined;
  let reparseAt = 0;

  const toBatch = (rows: string[][], errors: Papa.ParseError[], quoted: boolean): RecordBatch<Record<string, string | null>> => {
    const records: Record<string, string | null>[] = [];
    const lines: number[] = [];
    const rejects: SourceReject[] = [];
    const broken = errors.length ? new Map(errors.map((e) => [e.row, e.message])) : undefined;
    const { invalid } = utf8;
    for (let i = 0; i < rows.length; i++) {
      const fields = rows[i]!;
      const at = line;
      // Only a quoted field can hold a line break.
      if (quoted) for (const field of fields) line += count(field, newlineChar);
      line += 1;
      if (fields.length === 1 && fields[0] === '') continue;
      if (layout.trailingDelimiter && fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
      if (!names) {
        names = layout.header === true ? uniqueNames(fields) : fields.map((_, j) => `column_${j + 1}`);
        if (layout.header === true) {
          header = [...fields];
          continue;
        }
      }
      const raw = () => fields.join(layout.delimiter);
      const quoteError = broken?.get(i);
      if (quoteError !== undefined) {
        rejects.push({ source: name, line: at, reason: `malformed quoting: ${quoteError}`, raw: raw() });
        continue;
      }
      if (fields.length !== names.length) {
        rejects.push({ source: name, line: at, reason: `expected ${names.length} fields, found ${fields.length}`, raw: raw() });
        continue;
      }
      const broke = invalid ? fields.findIndex((value) => value.includes('\uFFFD')) : -1;
      if (broke !== -1) {
        rejects.push({ source: name, line: at, column: names[broke], reason: 'is not valid UTF-8', raw: raw() });
        continue;
      }
      makeRecord ??= recordMaker(names, layout.nullValue);
      records.push(makeRecord(fields));
      lines.push(at);
    }
    return { source: name, records, lines, rejects, ...(names ? { keys: names } : {}), ...(header ? { fields: header } : {}) };
  };

  const parse = (input: string, last: boolean): RecordBatch<Record<string, string | null>> | undefined => {
    // The line ending is decided by the first line break, so wait until one is in hand (or the input ends).
    if (!parser && !last && !input.includes('\n') && input.length < 65536) {
      pending = input;
      return undefined;
    }
    // A quoted value running over many chunks is parsed again from its start each time: only once the text has
    // doubled (or reached the limit), so a long value costs a few passes, not one per chunk.
    if (!last && input.length < Math.min(reparseAt, layout.maxFieldChars + 1)) {
      pending = input;
      return undefined;
    }
    parser ??= new Papa.Parser({ delimiter: layout.delimiter, quoteChar: layout.quote, newline: (newlineChar = detectNewline(input)) as '\n' });
    const result = parser.parse(input, 0, !last) as Papa.ParseResult<string[]>;
    pending = input.slice(result.meta.cursor);
    if (pending.length > layout.maxFieldChars) {
      throw new Error(`${name} line ${line}: a field or quoted value runs past ${layout.maxFieldChars} characters (unclosed quote?)`);
    }
    reparseAt = pending.length > 65536 ? pending.length * 2 : 0;
    // A field holds a line break only when quoted, or, in a file of \r\n lines, as a bare \n.
    return toBatch(result.data, result.errors, newlineChar === '\r\n' || input.includes(layout.quote));
  };

  for await (const chunk of text) {
    const input = pending + utf8.decode(chunk as Buffer);
    const batch = parse(input, false);
    if (batch && (batch.records.length || batch.rejects.length)) yield batch;
  }
  const rest = pending + utf8.end();
  if (rest) yield parse(rest, true)!;
  if (!names && layout.header === true) {
    yield { source: name, records: [], lines: [], rejects: [{ source: name, line: 1, reason: 'file is empty: expected a header line', wholeObject: true }] };
  }
}

/** Makes one line's record, compiled for these names (see compileRecord); field by field where that cannot be. */
function recordMaker(names: readonly string[], nullValue: string | undefined): (fields: readonly string[]) => Record<string, string | null> {
  const value = (j: number) => (nullValue === undefined ? `input[${j}]` : `(input[${j}] === nullValue ? null : input[${j}])`);
  // Object.fromEntries defines its keys, `__proto__` too.
  return compileRecord(names, value, { nullValue })
    ?? ((fields) => Object.fromEntries(names.map((n, j) => [n, fields[j] === nullValue ? null : fields[j]!])));
}

/** Line ending of the file: the first line break decides (\r\n, \n, or a lone \r). */
function detectNewline(sample: string): string {
  const lf = sample.indexOf('\n');
  if (lf > 0 && sample[lf - 1] === '\r') return '\r\n';
  if (lf === -1 && sample.includes('\r')) return '\r';
  return '\n';
}

function count(field: string, newline: string): number {
  const ch = newline === '\r' ? '\r' : '\n';
  let n = 0;
  for (let i = field.indexOf(ch); i !== -1; i = field.indexOf(ch, i + 1)) n++;
  return n;
}

/** Header names made unique and non-empty: a repeated `x` becomes `x_2`, an empty one `column_<n>`. */
function uniqueNames(fields: readonly string[]): string[] {
  const seen = new Set<string>();
  return fields.map((field, i) => {
    let name = field.trim() || `column_${i + 1}`;
    for (let n = 2; seen.has(name); n++) name = `${field.trim() || `column_${i + 1}`}_${n}`;
    seen.add(name);
    return name;
  });
}
