/** The login people's SQL runs as: `sluice_reader` (migration 0007), or the role an administrator gives in SLUICE_READER_URL. */
import { createHmac } from 'node:crypto';
import { registerSecret, registerUrlSecrets } from '../secrets/redact.ts';
import { connectAs, type Database } from './database.ts';

const ROLE = 'sluice_reader';
const ready = new WeakMap<Database, Promise<string>>();

/**
 * The connection URL of the reader role for `database`, giving the role its login first when sluice may (its own
 * user is a superuser or has CREATEROLE, as on the embedded server). Its password is derived from sluice's own
 * password, so every process and project on the same server agrees on it without storing another secret; it is
 * never printed. Throws, naming the statements an administrator must run, when sluice may not set the role up.
 */
export function readerUrl(database: Database): Promise<string> {
  let url = ready.get(database);
  if (!url) {
    url = prepare(database);
    url.catch(() => ready.delete(database));
    ready.set(database, url);
  }
  return url;
}

async function prepare(database: Database): Promise<string> {
  const given = process.env.SLUICE_READER_URL;
  if (given) {
    registerUrlSecrets(given);
    return given;
  }
  const main = new URL(database.url);
  if (!main.password) throw new Error(adminStatements(database, 'sluice connects without a password, so it cannot derive one for sluice_reader'));
  const password = createHmac('sha256', decodeURIComponent(main.password)).update(`sluice_reader@${main.host}`).digest('base64url');
  registerSecret(password);
  const reader = new URL(database.url);
  reader.username = ROLE;
  reader.password = password;
  const url = reader.toString();
  if (await canLogIn(url)) return url;
  const { rows } = await database.pool.query<{ may: boolean; exists: boolean }>(
    `SELECT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) AS may, EXISTS (SELECT FROM pg_roles WHERE rolname = $1) AS exists`, [ROLE]);
  if (!rows[0]!.may || !rows[0]!.exists) {
    throw new Error(adminStatements(database, rows[0]!.may ? 'the sluice_reader role does not exist' : `${main.username || 'sluice'} may not create roles`));
  }
  // Roles belong to the whole server: several processes and projects may set the same password at once, and Postgres
  // then reports "tuple concurrently updated". Wait a little; the other's password is the same one.
  for (let attempt = 1; ; attempt++) {
    try {
      await database.pool.query(`ALTER ROLE ${ROLE} LOGIN PASSWORD '${password}'`);
      break;
    } catch (error) {
      if (attempt >= 20 || !/concurrently/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
      if (await canLogIn(url)) break;
    }
  }
  return url;
}

async function canLogIn(url: string): Promise<boolean> {
  try {
    const client = await connectAs(url, 'sluice reader check');
    await client.end().catch(() => {});
    return true;
  } catch (error) {
    // 28P01: wrong password; 28000: no such role, or it may not log in. Anything else is a real failure.
    if (['28P01', '28000'].includes((error as { code?: string }).code ?? '')) return false;
    throw error;
  }
}

/** What an administrator runs on an external database so that sluice can serve people's SQL. */
export function adminStatements(database: Database, why: string): string {
  const main = new URL(database.url);
  const owner = decodeURIComponent(main.username) || '<sluice user>';
  const db = decodeURIComponent(main.pathname.slice(1)) || '<database>';
  return `cannot run people's SQL: ${why}. sluice runs it as a role that can only read; an administrator creates it once:
  CREATE ROLE sluice_reader LOGIN PASSWORD '<a new password>' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  ALTER ROLE sluice_reader SET default_transaction_read_only = on;
  GRANT CONNECT ON DATABASE "${db}" TO sluice_reader;
  GRANT USAGE ON SCHEMA sluice, public TO sluice_reader;
  GRANT SELECT ON ALL TABLES IN SCHEMA sluice, public TO sluice_reader;
  ALTER DEFAULT PRIVILEGES FOR ROLE "${owner}" GRANT SELECT ON TABLES TO sluice_reader;
  ALTER DEFAULT PRIVILEGES FOR ROLE "${owner}" GRANT USAGE ON SCHEMAS TO sluice_reader;
then sets SLUICE_READER_URL=postgres://sluice_reader:<that password>@${main.host}/${db} for sluice (see docs/running.md#security-model)`;
}
