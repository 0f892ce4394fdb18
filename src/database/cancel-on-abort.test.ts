import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { freshDatabase } from '../../test/helpers.ts';
import { cancelOnAbort, isCancelled } from './cancel-on-abort.ts';

describe('cancelOnAbort', () => {
  let url: string;
  let pool: pg.Pool;
  before(async () => {
    url = await freshDatabase();
    pool = new pg.Pool({ connectionString: url, max: 4 });
    await pool.query('CREATE TABLE held (id int)');
  });
  after(() => pool.end());

  async function connection() {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  }

  it('cancels a statement that starts after the abort, though the first cancel came while the connection was idle', { timeout: 20_000 }, async () => {
    const client = await connection();
    const holder = await connection();
    await holder.query('BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE');
    try {
      let answered!: () => void;
      const firstAnswered = new Promise<void>((resolve) => { answered = resolve; });
      const counting = { query: (text: string, values: unknown[]) => pool.query(text, values).finally(answered) } as unknown as pg.Pool;
      const controller = new AbortController();
      const stop = await cancelOnAbort(controller.signal, counting, client);
      controller.abort('SIGTERM');
      // The first cancel reached the idle backend, which ignored it; the statement after it must not wait on.
      await firstAnswered;
      const error = await client.query('SELECT count(*) FROM held').then(() => undefined, (caught: unknown) => caught);
      assert.ok(isCancelled(error), `cancelled, not ${String(error)}`);
      await stop();
      // Stopped: nothing cancels the connection's next statements.
      for (let i = 0; i < 5; i++) assert.equal((await client.query('SELECT pg_sleep(0.05), 1 AS one')).rows[0]!.one, 1);
    } finally {
      await holder.query('COMMIT');
      await Promise.all([holder.end(), client.end()]);
    }
  });

  it('starts at once for a signal aborted before, and does nothing for one never aborted', { timeout: 20_000 }, async () => {
    const client = await connection();
    try {
      const quiet = await cancelOnAbort(new AbortController().signal, pool, client);
      assert.equal((await client.query('SELECT pg_sleep(0.3), 1 AS one')).rows[0]!.one, 1);
      await quiet();
      const stopped = new AbortController();
      stopped.abort('SIGINT');
      const stop = await cancelOnAbort(stopped.signal, pool, client);
      await assert.rejects(client.query('SELECT pg_sleep(30)'), (error) => isCancelled(error));
      await stop();
    } finally {
      await client.end();
    }
  });
});
