/** Options of the `postgres.table()` destination: the table, its columns, how each load writes, and the schema policy. */
import { z } from 'zod';
import type { Columns } from '../../transform/columns.ts';

const identifier = z.string().min(1).refine((s) => Buffer.byteLength(s) <= 63 && !s.includes('\0'), 'expected a name of at most 63 bytes');
const key = z.array(identifier).min(1, 'expected at least one key column');
/** In-batch duplicate keys: keep the last (by `orderBy`, then file order), or quarantine every row of the key. */
const duplicates = z.enum(['last', 'reject']).default('last');

export const writeConfig = z.discriminatedUnion('mode', [
  z.object({
    /** Every load adds its rows; the source grain is kept (no dedup). */
    mode: z.literal('append'),
    /** Column stamped with the load's commit-transaction time. */
    loadTimestamp: identifier.optional(),
  }).strict(),
  z.object({
    /** The table's contents are swapped for the load's rows, atomically. */
    mode: z.literal('replace'),
    /** Let a load with no rows empty the table; by default it fails instead. */
    allowEmpty: z.boolean().default(false),
    loadTimestamp: identifier.optional(),
  }).strict(),
  z.object({
    /** Insert new keys, update a row only if a column changed, count unchanged ones. */
    mode: z.literal('merge'),
    key,
    duplicates,
    orderBy: identifier.optional(),
  }).strict(),
  z.object({
    /** SCD type 2: every version kept with valid_from, valid_to and is_current; an unchanged row adds no version. */
    mode: z.literal('history'),
    key,
    duplicates,
    orderBy: identifier.optional(),
  }).strict(),
]);

/** How a load writes. */
export type WriteConfig = z.output<typeof writeConfig>;

export const postgresTableConfig = z.object({
  schema: identifier.default('public'),
  columns: z.custom<Columns>((v) => typeof v === 'object' && v !== null && Object.keys(v).length > 0,
    'expected at least one column, e.g. { id: col.bigint() }'),
  write: writeConfig.default({ mode: 'append' }),
  /**
   * evolve: columns new in the declaration are added (nullable) and types widen safely;
   * freeze: any difference between the declaration and the table fails the run before it writes.
   */
  schemaPolicy: z.enum(['evolve', 'freeze']).default('evolve'),
  /** Also publish each load's rows as Parquet in the lake's curated zone (`curated/<table>/dt=.../<runId>.parquet`). */
  curated: z.boolean().default(false),
  /** A persistent staging table (truncated, then filled, in the load's transaction) instead of a temporary one. */
  stageTable: identifier.optional(),
}).strict().superRefine((config, ctx) => {
  const names = Object.keys(config.columns);
  for (const name of names) {
    if (Buffer.byteLength(name) > 63) ctx.addIssue({ code: 'custom', path: ['columns', name], message: 'column names are at most 63 bytes' });
  }
  const write = config.write;
  const mentioned = [
    ...('key' in write ? write.key : []),
    ...('orderBy' in write && write.orderBy ? [write.orderBy] : []),
  ];
  for (const name of mentioned) {
    if (!names.includes(name)) ctx.addIssue({ code: 'custom', path: ['write'], message: `"${name}" is not a declared column` });
  }
  if ('loadTimestamp' in write && write.loadTimestamp && names.includes(write.loadTimestamp)) {
    ctx.addIssue({ code: 'custom', path: ['write', 'loadTimestamp'], message: `"${write.loadTimestamp}" is also a declared column; sluice fills it itself` });
  }
  if (write.mode === 'history') {
    for (const name of HISTORY_COLUMNS) {
      if (names.includes(name)) ctx.addIssue({ code: 'custom', path: ['columns', name], message: 'history mode keeps this column itself' });
    }
  }
});

/** Columns history mode adds to the table. */
export const HISTORY_COLUMNS = ['valid_from', 'valid_to', 'is_current'] as const;

export type PostgresTableConfig = z.output<typeof postgresTableConfig>;
export type PostgresTableOptions<C extends Columns> = Omit<z.input<typeof postgresTableConfig>, 'columns'> & { readonly columns: C };
