import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { connectionConfig } from '../src/database/database.ts';
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../src/database/embedded-postgres.ts';
import { tempDir } from './helpers.ts';

/** A CA, and a server certificate it signed for `localhost`. */
function certificates(dir: string) {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=sluice test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=DNS:localhost\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem');
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=other CA', '-keyout', 'other.key', '-out', 'other.pem');
}

async function usesTls(connectionString: string): Promise<boolean> {
  const client = new pg.Client(connectionConfig(connectionString));
  await client.connect();
  try {
    const { rows } = await client.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return rows[0].ssl;
  } finally {
    await client.end();
  }
}

describe('TLS to Postgres', () => {
  const state = path.join(tempDir(), '.sluice');
  const certs = tempDir();
  let port: number;
  let auth: string;

  before(async () => {
    certificates(certs);
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      for (const f of ['server.pem', 'server.key']) fs.chownSync(path.join(certs, f), uid, uid);
    }
    fs.chmodSync(path.join(certs, 'server.key'), 0o600);
    const server = await ensureEmbeddedPostgres(state);
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`ALTER SYSTEM SET ssl_cert_file = '${path.join(certs, 'server.pem')}'`);
    await admin.query(`ALTER SYSTEM SET ssl_key_file = '${path.join(certs, 'server.key')}'`);
    await admin.query(`ALTER SYSTEM SET ssl = on`);
    await admin.query('SELECT pg_reload_conf()');
    await admin.end();
    const url = new URL(server.url);
    port = server.port;
    auth = `${url.username}:${url.password}`;
  });
  after(() => stopEmbeddedPostgres(state));

  it('connects with sslmode=verify-full and a CA file, over TLS', async () => {
    assert.equal(await usesTls(`postgres://${auth}@localhost:${port}/sluice?sslmode=verify-full&sslrootcert=${path.join(certs, 'ca.pem')}`), true);
  });

  it('refuses a server whose certificate another CA signed', async () => {
    await assert.rejects(usesTls(`postgres://${auth}@localhost:${port}/sluice?sslmode=verify-full&sslrootcert=${path.join(certs, 'other.pem')}`),
      /self-signed certificate|unable to verify|certificate/);
  });

  it('refuses a server whose certificate names another host', async () => {
    await assert.rejects(usesTls(`postgres://${auth}@127.0.0.1:${port}/sluice?sslmode=verify-full&sslrootcert=${path.join(certs, 'ca.pem')}`),
      /Hostname\/IP does not match|altnames/);
  });

  it('verifies by default for a host that is not this machine, and stays plain on loopback', () => {
    assert.deepEqual(connectionConfig('postgres://u:p@db.example.com:5432/x').ssl, { rejectUnauthorized: true });
    assert.equal(connectionConfig('postgres://u:p@127.0.0.1:5432/x').ssl, undefined);
    assert.equal(connectionConfig('postgres://u:p@db.example.com/x?sslmode=disable').ssl, undefined);
  });
});
