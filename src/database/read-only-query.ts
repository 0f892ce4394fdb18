/** Read-only SQL on sluice's database, for people (`sluice query`, the dashboard's SQL page). */
import pg from 'pg';
import { checkout } from './checkout.ts';
import { connectAs, type Database } from './database.ts';
import { readerUrl } from './reader-role.ts';

/** Roles whose members could reach the server's files or programs, signal other backends or write anything. */
const POWERFUL = ['pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program', 'pg_signal_backend', 'pg_write_all_data'];

/**
 * Runs exactly one statement, `sql`, as the reader role (see `readerUrl`) in a read-only transaction on a
 * connection of its own, and cancels it from another connection when `timeoutMs` is up: nothing the statement
 * says (`set local statement_timeout = 0`, `commit`, `set role`, `reset role`) gives it more than reading.
 */
export async function readOnlyQuery(database: Database, sql: string, timeoutMs: number, limits: { maxRows?: number } = {}): Promise<{ columns: string[]; rows: unknown[][]; truncated?: boolean }> {
  const url = await readerUrl(database);
  const client = await connectAs(url, 'sluice query');
  try {
    const pid = await checkReader(client);
    await client.query('BEGIN READ ONLY');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stop(database, url, pid);
    }, timeoutMs);
    try {
      // The extended protocol takes one statement only; the server's parser decides what "one" is.
      return await readRows(client, sql, limits.maxRows);
    } catch (error) {
      if (timedOut) throw new Error(`the query ran past ${timeoutMs / 1000} s and was stopped`);
      if (/cannot insert multiple commands into a prepared statement/.test((error as Error).message)) {
        throw new Error('sluice runs exactly one SQL statement at a time: remove the others (and the semicolons between them)');
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Past this many characters of values the answer is cut, whatever its row limit: rows can be of any size. */
const MAX_CHARS = 64 * 1024 * 1024;

/**
 * The statement's rows as they arrive, keeping `maxRows` + 1 at most (the +1 tells that there are more) and
 * MAX_CHARS of values; past either the connection is cut, so the server stops the statement and the process
 * that serves the SQL page (also the scheduler's) never holds a whole huge answer.
 */
async function readRows(client: pg.Client, sql: string, maxRows = Infinity): Promise<{ columns: string[]; rows: unknown[][]; truncated?: boolean }> {
  const rows: unknown[][] = [];
  let columns: string[] = [];
  let chars = 0;
  let enough = false;
  const query = new pg.Query({ text: sql, rowMode: 'array', queryMode: 'extended' } as pg.QueryConfig);
  query.on('row', (row: unknown[], result?: { fields: { name: string }[] }) => {
    if (enough) return;
    rows.push(row);
    for (const value of row) chars += typeof value === 'string' ? value.length : value !== null && typeof value === 'object' ? JSON.stringify(value)?.length ?? 8 : 8;
    if (rows.length > maxRows || chars > MAX_CHARS) {
      enough = true;
      columns = result?.fields.map((f) => f.name) ?? columns;
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    }
  });
  try {
    const result = await new Promise<pg.QueryResult>((resolve, reject) => {
      query.on('end', resolve);
      query.on('error', reject);
      void client.query(query);
    });
    // COPY ... TO STDOUT streams its rows outside the query's answer: it would show as "0 rows".
    if (result.command === 'COPY') throw new Error('sluice shows the answer of a query, not a COPY: write it as a SELECT (and use --csv for CSV)');
    return { columns: result.fields.map((f) => f.name), rows };
  } catch (error) {
    // Rows stop being kept once there are maxRows + 1 of them: no more to cut here.
    if (enough) return { columns, rows, truncated: true };
    throw error;
  }
}

/** Refuses a role that can do more than read (a superuser given in SLUICE_READER_URL, say); returns its backend's pid. */
async function checkReader(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ pid: number; user: string; superuser: boolean; creates: boolean; powers: string[] }>(
    `SELECT pg_backend_pid() AS pid, current_user AS user, r.rolsuper AS superuser, r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls AS creates,
       ARRAY(SELECT p.rolname::text FROM pg_roles p WHERE p.rolname = ANY($1) AND pg_has_role(current_user, p.oid, 'MEMBER')) AS powers
     FROM pg_roles r WHERE r.rolname = current_user`, [POWERFUL]);
  const me = rows[0]!;
  const reasons = [me.superuser && 'it is a superuser', me.creates && 'it may create roles or databases, or bypass row security', me.powers.length > 0 && `it is a member of ${me.powers.join(', ')}`].filter(Boolean);
  if (reasons.length) throw new Error(`refusing to run people's SQL as ${me.user}: ${reasons.join('; ')}. Give sluice a role that can only read (see docs/running.md#security-model)`);
  return me.pid;
}

/**
 * Cancels the statement of backend `pid` from another connection as the same role, or as sluice's own when the
 * reader has no connection left (its connection limit); terminates it if it does not stop.
 */
async function stop(database: Database, url: string, pid: number): Promise<void> {
  let client: pg.Client | pg.PoolClient | undefined;
  try {
    client = await connectAs(url, 'sluice query timeout').catch(() => checkout(database.pool));
    await client.query('SELECT pg_cancel_backend($1)', [pid]);
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { rows } = await client.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid]);
      if (!rows.length) return;
    }
    await client.query('SELECT pg_terminate_backend($1)', [pid]);
  } catch {
    // The statement ended on its own meanwhile, or the server is gone: nothing left to stop.
  } finally {
    if (client && 'release' in client) client.release();
    else await client?.end().catch(() => {});
  }
}
