/** The database sluice keeps its state in (and loads by default): external via DATABASE_URL, else the embedded one. */
import pg from 'pg';
import { ensureEmbeddedPostgres } from './embedded-postgres.ts';
import { migrate } from './migrate.ts';
import { registerUrlSecrets } from '../secrets/redact.ts';

/** An open connection pool to sluice's database, migrated. */
export interface Database {
  readonly pool: pg.Pool;
  /** The connection URL, with its password: for other clients of the same database (the run queue). Never print it. */
  readonly url: string;
  /** Where it is, for people: the URL without its password. */
  readonly display: string;
  close(): Promise<void>;
}

/** Where the database is: an explicit URL, or the embedded server kept in `stateDir`. */
export interface DatabaseLocation {
  readonly url?: string;
  readonly stateDir: string;
}

// A date is a calendar day, not an instant: keep it 'YYYY-MM-DD' instead of a Date at some time zone's midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

/** Opens (starting the embedded server if needed) and migrates the database. */
export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  const url = location.url ?? (await ensureEmbeddedPostgres(location.stateDir)).url;
  registerUrlSecrets(url);
  const pool = new pg.Pool({ ...connectionConfig(url), max: 8, application_name: 'sluice' });
  // An idle client that loses its server (restart, network) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  await migrate(pool);
  return { pool, url, display: withoutPassword(url), close: () => pool.end() };
}

const LOCAL_HOSTS = /^(localhost|127(\.\d+){3}|::1|\[::1\])$/;

/**
 * Connection settings for a URL. A URL's own `sslmode` (and `sslrootcert`, a CA file) is obeyed; without one,
 * a server that is not on this machine is reached over TLS with its certificate and host name verified
 * (verify-full against the system's CAs), never in clear or unverified by default.
 */
export function connectionConfig(url: string): pg.PoolConfig {
  const parsed = new URL(url);
  const host = parsed.hostname;
  if (parsed.searchParams.has('sslmode') || !host || LOCAL_HOSTS.test(host) || host.startsWith('/')) return { connectionString: url };
  return { connectionString: url, ssl: { rejectUnauthorized: true } };
}

/**
 * A connection of its own to `url`, outside the pool (a lock, a reader's query, a load's second session), named
 * `name` in pg_stat_activity; closed again if it cannot connect.
 */
export async function connectAs(url: string, name: string): Promise<pg.Client> {
  const client = new pg.Client({ ...connectionConfig(url), application_name: name });
  // A connection cut by the server (a cancel gone wrong, a restart) must fail the query, not crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}

/** A connection URL safe to print. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}
