/** The supplier tables' columns, as the original DDL declares them. */
import { col } from 'sluice';

export const supplierColumns = {
  s_suppkey: col.bigint({ nullable: false }),
  s_name: col.text({ maxLength: 100 }),
  s_address: col.text({ maxLength: 100 }),
  s_nationkey: col.integer(),
  s_phone: col.text({ maxLength: 40 }),
  s_acctbal: col.numeric(12, 2),
  s_comment: col.text(),
};
