/**
 * TPC-H supplier load, the "serverless" process's load step: COPY the gzip part files that prepare.ts wrote
 * into supplier_stage and append them to supplier_data with load_ts, in one transaction.
 * Original (SEED-SYSTEMS.md #2): a Glue Python job loading Redshift. Real: node examples/tpch-supplier/prepare.ts
 * over dbgen output, then this pipeline (--param prepared=/path/to/parts).
 */
import path from 'node:path';
import { definePipeline, files, postgres } from 'sluice';
import { supplierChecks, supplierColumns } from '../columns.ts';
import { dataSource, dropFolder } from '../data-sources.ts';
import { SUPPLIER_COLUMNS } from '../generate.ts';

const PROJECT = path.resolve(import.meta.dirname, '..');

export default definePipeline({
  name: 'supplier-parts',
  description: 'TPC-H supplier part files written by prepare.ts, appended as a snapshot with load_ts',
  params: { prepared: 'prepared', source: 'supplier', date: '', config: 'supplier.ini' },
  source: ({ prepared, source, date, config }) => files('part-*.csv.gz', {
    dir: dropFolder(path.resolve(PROJECT, prepared), source, date),
    header: [...SUPPLIER_COLUMNS],
    delimiter: dataSource(path.resolve(PROJECT, config), source).output_file_delimiter,
  }),
  destination: postgres.table('supplier_data', {
    columns: supplierColumns,
    write: { mode: 'append', loadTimestamp: 'load_ts' },
    stageTable: 'supplier_stage',
  }),
  rejects: 'fail',
  checks: supplierChecks,
});
