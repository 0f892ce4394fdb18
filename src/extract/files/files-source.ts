/** `files()`: delimited files matched by a glob in a local folder. */
import type { Readable } from 'node:stream';
import type { Columns, ReadRow } from '../../transform/columns.ts';
import { readCsv } from '../formats/csv-reader.ts';
import { readParquet } from '../formats/parquet-reader.ts';
import { checkGzip } from '../formats/check-gzip.ts';
import { readJsonDocument, readJsonLines } from '../formats/jsonl-reader.ts';
import type { RecordBatch, Source, SourceContext, SourceObject } from '../source.ts';
import { typeRecords } from '../type-records.ts';
import { filesConfig, type FilesOptions } from './files-config.ts';
import { listFiles } from './list-files.ts';
import { parseOptions } from '../../config/parse-options.ts';

/**
 * Files in a folder, matched by a glob, read as CSV (any delimiter), optionally gzip.
 * @example
 * source: files('*.us.txt', { dir: 'sample/Stocks', columns: { Date: col.date(), Open: col.double() } })
 */
export function files<C extends Columns>(pattern: string, options: FilesOptions & { columns: C }): Source<ReadRow<C>>;
export function files(pattern: string, options?: FilesOptions): Source<Record<string, string | null>>;
export function files(pattern: string, options: FilesOptions = {}): Source<unknown> {
  const config = parseOptions('files()', filesConfig, options);
  const layout = {
    ...config,
    header: config.header === false && config.columns ? Object.keys(config.columns) : config.header,
  };
  const gzipped = (name: string) => config.compression === 'gzip' || (config.compression === 'auto' && name.endsWith('.gz'));
  return {
    kind: 'files',
    describe: () => `files ${config.dir.replace(/\/+$/, '')}/${pattern} (${config.format})`,

    async list(ctx: SourceContext): Promise<readonly SourceObject[]> {
      const found = (await listFiles(config.dir, pattern, ctx.projectDir)).filter((file) => config.select?.(file) ?? true);
      const kept = [];
      for (const file of found) {
        // onChange 'ignore': a name loaded once is never read again, whatever its content now.
        if (config.onChange === 'ignore' && (await ctx.previous(file.name))) continue;
        kept.push({ name: file.name, open: file.open, meta: { size: String(file.size), modified: file.modified.toISOString() } });
      }
      return kept;
    },

    parse(body: Readable, name: string): AsyncIterable<RecordBatch<unknown>> {
      const records = config.format === 'parquet' ? readParquet(body, name)
        : config.format === 'jsonl' ? readJsonLines(body, name, gzipped(name))
        : config.format === 'json' ? readJsonDocument(body, name, config.records)
        : readCsv(body, name, { ...layout, gzip: gzipped(name) });
      return config.columns ? typeRecords(records, config.columns) : records;
    },

    check: async (name: string, open: () => Promise<Readable>) => (gzipped(name) ? checkGzip(await open()) : undefined),

    csvLayout(name: string) {
      if (config.format !== 'csv' || config.columns || config.header === false || config.trailingDelimiter || config.delimiter.length !== 1) return undefined;
      const names = Array.isArray(config.header) ? config.header : undefined;
      return { names, delimiter: config.delimiter, quote: config.quote, nullValue: config.nullValue, gzip: gzipped(name) };
    },
  };
}
