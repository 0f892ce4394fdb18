/** The INI config of the TPC-H loads: one section per data source, read the way the original cluster process read it. */
import fs from 'node:fs';
import path from 'node:path';
import ini from 'ini';
import { files, type Source } from 'sluice';
import { SUPPLIER_COLUMNS } from './generate.ts';

/** One data source's section. */
export interface DataSource {
  readonly source_file_type: 'tbl' | 'csv' | 'parquet';
  readonly file_header: boolean;
  readonly file_delimiter: string;
  readonly null_value?: string;
  readonly output_file_partitions: number;
  readonly output_file_delimiter: string;
}

/** Reads section `name` of the INI file, checking each key. */
export function dataSource(configFile: string, name: string): DataSource {
  const sections = ini.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, Record<string, unknown>>;
  const section = sections[name];
  if (!section) throw new Error(`${configFile} has no [${name}] section (found: ${Object.keys(sections).join(', ') || 'none'})`);
  const type = String(section.source_file_type ?? 'tbl');
  if (type !== 'tbl' && type !== 'csv' && type !== 'parquet') throw new Error(`[${name}] source_file_type: expected tbl, csv or parquet, got ${type}`);
  const partitions = Number(section.output_file_partitions ?? 4);
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`[${name}] output_file_partitions: expected a whole number >= 1`);
  return {
    source_file_type: type,
    file_header: section.file_header === true || section.file_header === 'true',
    file_delimiter: String(section.file_delimiter || (type === 'tbl' ? '|' : ',')),
    null_value: section.null_value === undefined || section.null_value === '' ? undefined : String(section.null_value),
    output_file_partitions: partitions,
    output_file_delimiter: String(section.output_file_delimiter || '|'),
  };
}

/** The dated folder to load: `date` (YYYYMMDD), or the latest one under `<input>/<source>/`. */
export function dropFolder(input: string, source: string, date: string): string {
  const base = path.join(input, source);
  const dates = fs.existsSync(base) ? fs.readdirSync(base).filter((d) => /^\d{8}$/.test(d)).sort() : [];
  const chosen = date || dates.at(-1);
  if (!chosen || !fs.existsSync(path.join(base, chosen))) throw new Error(`no dated folder ${date || '<YYYYMMDD>'} under ${base}`);
  return path.join(base, chosen);
}

/** The files() source for one drop, as its section describes it. */
export function supplierFiles(dir: string, config: DataSource): Source<Record<string, unknown>> {
  if (config.source_file_type === 'parquet') return files('*.parquet', { dir, format: 'parquet' });
  return files(config.source_file_type === 'tbl' ? '*.tbl{,.gz}' : '*.csv{,.gz}', {
    dir,
    header: config.file_header ? true : [...SUPPLIER_COLUMNS],
    delimiter: config.file_delimiter,
    nullValue: config.null_value,
    trailingDelimiter: config.source_file_type === 'tbl',
  });
}
