/** The supplier tables' columns, as the original DDL declares them, and the checks each drop must pass before it loads. */
import { col, type CheckDeclaration } from 'sluice';

export const supplierColumns = {
  s_suppkey: col.bigint({ nullable: false }),
  s_name: col.text({ maxLength: 100 }),
  s_address: col.text({ maxLength: 100 }),
  s_nationkey: col.integer(),
  s_phone: col.text({ maxLength: 40 }),
  s_acctbal: col.numeric(12, 2),
  s_comment: col.text(),
};

/**
 * The data-quality check the original planned "on the source before loading", as sluice checks (docs/checks.md):
 * a drop that fails one loads nothing. The row count is a warning: a new scale factor legitimately changes it.
 */
export const supplierChecks: readonly CheckDeclaration<keyof typeof supplierColumns>[] = [
  { kind: 'notNull', column: 's_suppkey' },
  { kind: 'unique', column: 's_suppkey' },
  { kind: 'range', column: 's_nationkey', min: 0, max: 24 },
  { kind: 'range', column: 's_acctbal', min: -999.99, max: 9999.99 },
  { kind: 'rowCount', withinPercent: 10, warn: true },
];
