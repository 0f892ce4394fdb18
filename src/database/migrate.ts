/** Brings the `sluice` schema up to date from the numbered plain-SQL files in `migrations/`. */
import { checkout } from './checkout.ts';
import fs from 'node:fs/promises';
import type pg from 'pg';

const MIGRATIONS = new URL('./migrations/', import.meta.url);

/** Applies every migration not yet applied, each in its own transaction; safe to call from many processes at once. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const files = (await fs.readdir(MIGRATIONS)).filter((f) => /^\d{4}-.*\.sql$/.test(f)).sort();
  const client = await checkout(pool);
  try {
    await client.query('BEGIN');
    // One migrator at a time across processes; the others wait, then find nothing to do.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('sluice.migrate'))`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS sluice;
      CREATE TABLE IF NOT EXISTS sluice.migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM sluice.migrations')).rows.map((r) => r.version));
    for (const file of files) {
      const version = Number(file.slice(0, 4));
      if (done.has(version)) continue;
      await client.query(await fs.readFile(new URL(file, MIGRATIONS), 'utf8'));
      await client.query('INSERT INTO sluice.migrations (version, name) VALUES ($1, $2)', [version, file]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
