/**
 * TPC-H supplier load (SEED-SYSTEMS.md #2, the "persistent cluster" process): the INI section of the data source
 * says how its files look; in ONE transaction supplier_stage is truncated and filled by COPY, and its rows are
 * appended to supplier_data stamped with load_ts. Every load is a snapshot; the source grain is kept.
 * Original: S3 + Glue (Spark and Python) + Redshift + EMR. Offline: node examples/tpch-supplier/generate.ts.
 * Real: dbgen's supplier.tbl under <input>/<source>/<YYYYMMDD>/: --param input=/path/to/drops [--param source=NAME]
 */
import path from 'node:path';
import { definePipeline, postgres } from 'sluice';
import { supplierChecks, supplierColumns } from '../columns.ts';
import { dataSource, dropFolder, supplierFiles } from '../data-sources.ts';

const PROJECT = path.resolve(import.meta.dirname, '..');

export default definePipeline({
  name: 'supplier',
  description: 'TPC-H supplier files of one dated drop, appended as a snapshot with load_ts',
  // input: folder holding <source>/<YYYYMMDD>/; date: empty for the latest drop; config: the INI file.
  params: { input: 'sample', source: 'supplier', date: '', config: 'supplier.ini' },
  source: ({ input, source, date, config }) =>
    supplierFiles(dropFolder(path.resolve(PROJECT, input), source, date), dataSource(path.resolve(PROJECT, config), source)),
  destination: postgres.table('supplier_data', {
    columns: supplierColumns,
    write: { mode: 'append', loadTimestamp: 'load_ts' },
    stageTable: 'supplier_stage',
  }),
  rejects: 'fail',
  checks: supplierChecks,
});
