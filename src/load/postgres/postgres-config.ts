/** Options of the `postgres.table()` destination. */
import { z } from 'zod';
import type { Columns } from '../../transform/columns.ts';

export const postgresTableConfig = z.object({
  schema: z.string().min(1).max(63).default('public'),
  columns: z.custom<Columns>((v) => typeof v === 'object' && v !== null && Object.keys(v).length > 0,
    'expected at least one column, e.g. { id: col.bigint() }'),
  write: z.object({
    /** append: every load adds its rows; the source grain is kept. */
    mode: z.literal('append').default('append'),
  }).default({ mode: 'append' }),
});

export type PostgresTableOptions<C extends Columns> = Omit<z.input<typeof postgresTableConfig>, 'columns'> & { readonly columns: C };
