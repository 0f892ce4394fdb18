/** Splits a delimited file into its header names and the rest of its bytes, for loading the rest as it is. */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';

const MAX_HEADER_BYTES = 1 << 20;

/**
 * The column names and a stream of the CSV text after the header line. Names given in `options` mean the text
 * has no header line. Undefined when there is no clean header line.
 */
export async function splitHeader(body: Readable, options: { gzip: boolean; delimiter: string; quote: string; names?: readonly string[] }):
  Promise<{ names: string[]; rest: Readable } | undefined> {
  const input = options.gzip ? body.pipe(createGunzip()) : body;
  if (options.names) return { names: [...options.names], rest: input };
  const chunks = input[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value as Buffer]);
    if (head.includes(10) || head.length > MAX_HEADER_BYTES) break;
  }
  const end = head.indexOf(10);
  if (end < 0) {
    input.destroy();
    return undefined;
  }
  const line = head.subarray(0, end).toString('utf8').replace(/^\uFEFF/, '').replace(/\r$/, '');
  const parsed = Papa.parse<string[]>(line, { delimiter: options.delimiter, quoteChar: options.quote });
  if (parsed.errors.length || line.includes('\uFFFD') || parsed.data.length !== 1) {
    input.destroy();
    return undefined;
  }
  const remainder = head.subarray(end + 1);
  const rest = Readable.from((async function* () {
    if (remainder.length) yield remainder;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value as Buffer;
  })(), { objectMode: false });
  return { names: parsed.data[0]!, rest };
}
