import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { ensureEmbeddedPostgres, findEmbeddedPostgres, stopEmbeddedPostgres } from '../src/database/embedded-postgres.ts';
import { sluice, tempDir } from './helpers.ts';

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query('SELECT 1 AS one');
  await client.end();
  return rows[0].one;
}

describe('the embedded Postgres', () => {
  const project = tempDir();
  const state = path.join(project, '.sluice');
  after(() => stopEmbeddedPostgres(state));

  it('starts on demand, and a second command finds it running instead of starting another', async () => {
    const first = sluice(['db', 'start', '--project', project]);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /embedded Postgres started on 127\.0\.0\.1:\d+/);
    const second = sluice(['db', 'start', '--project', project]);
    assert.match(second.stdout, /already running/);
    const url = sluice(['db', 'url', '--project', project]).stdout.trim();
    assert.equal(await selectOne(url), 1);
    const [major] = (await (async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('SHOW server_version');
      await client.end();
      return String(rows[0].server_version).split('.');
    })());
    assert.equal(major, '18');
  });

  it('recovers from a crash that left a stale lock file behind', async () => {
    const running = await findEmbeddedPostgres(state);
    assert.ok(running);
    const pidFile = path.join(running.dataDir, 'postmaster.pid');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    // Wait for the server's other processes to notice and exit, as after a real crash.
    for (let i = 0; i < 100 && spawnSync('pgrep', ['-f', running.dataDir]).status === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(fs.existsSync(pidFile), 'the crash left postmaster.pid behind');
    const again = await ensureEmbeddedPostgres(state);
    assert.equal(again.started, true);
    assert.equal(await selectOne(again.url), 1);
  });

  it('stops, and says so', () => {
    assert.match(sluice(['db', 'stop', '--project', project]).stdout, /embedded Postgres stopped/);
    assert.match(sluice(['db', 'stop', '--project', project]).stdout, /was not running/);
  });
});
