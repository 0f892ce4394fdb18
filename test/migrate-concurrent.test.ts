import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openDatabase } from '../src/database/database.ts';
import { ensureEmbeddedPostgres, stopEmbeddedPostgres } from '../src/database/embedded-postgres.ts';
import { readOnlyQuery } from '../src/database/read-only-query.ts';
import { tempDir } from './helpers.ts';

describe('several projects on one Postgres server', () => {
  const state = path.join(tempDir(), '.sluice');
  after(() => stopEmbeddedPostgres(state));

  it('migrate at the same moment: the server-wide reader role is set up once, and every database opens', async () => {
    // CI failed with "tuple concurrently updated" from `ALTER ROLE sluice_reader` when two test databases of one
    // server migrated at once: roles belong to the server, the migration lock to one database.
    const { url } = await ensureEmbeddedPostgres(state);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const names = Array.from({ length: 8 }, (_, i) => `project_${i}`);
    for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
    const urls = names.map((name) => Object.assign(new URL(url), { pathname: `/${name}` }).toString());
    const opened = await Promise.allSettled(urls.map((u) => openDatabase({ url: u, stateDir: tempDir() })));
    const failures = opened.flatMap((o) => o.status === 'rejected' ? [String(o.reason)] : []);
    assert.deepEqual(failures, []);
    const databases = opened.map((o) => (o as PromiseFulfilledResult<Awaited<ReturnType<typeof openDatabase>>>).value);
    try {
      const { rows: [role] } = await admin.query(`SELECT rolconnlimit, rolsuper FROM pg_roles WHERE rolname = 'sluice_reader'`);
      assert.deepEqual(role, { rolconnlimit: 16, rolsuper: false });
      // Each database's people's SQL runs as the reader, all at once too.
      const answers = await Promise.all(databases.map((d) => readOnlyQuery(d, 'select current_user, current_database()', 10_000)));
      assert.deepEqual(answers.map((a) => a.rows[0]), names.map((name) => ['sluice_reader', name]));
    } finally {
      await Promise.all(databases.map((d) => d.close()));
      await admin.end();
    }
  });
});
