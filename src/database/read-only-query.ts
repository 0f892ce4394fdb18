/** Read-only SQL on sluice's database, for people (`sluice query`, the dashboard's SQL page). */
import type pg from 'pg';
import { checkout } from './database.ts';

/** Runs `sql` in a read-only transaction with a statement timeout, whatever it says: it can look but never change anything. */
export async function readOnlyQuery(pool: pg.Pool, sql: string, timeoutMs: number): Promise<{ columns: string[]; rows: unknown[][] }> {
  const client = await checkout(pool);
  try {
    await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.round(timeoutMs)}`);
    const result = await client.query({ text: sql, rowMode: 'array' });
    return { columns: result.fields.map((f) => f.name), rows: result.rows as unknown[][] };
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
}
