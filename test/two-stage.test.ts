import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURE_CLIENT, startRedditFixture } from '../examples/reddit-hot/fixture.ts';
import { freshDatabase, query, ROOT, sluiceAsync, sluiceProcess, tempDir } from './helpers.ts';

describe('the Reddit system in two stages', () => {
  let fixture: Awaited<ReturnType<typeof startRedditFixture>>;
  before(async () => { fixture = await startRedditFixture(0); });
  after(() => fixture.close());

  it('lands the hourly answer raw, and the new raw object triggers its load', async () => {
    const url = await freshDatabase();
    const env = { DATABASE_URL: url, SLUICE_LAKE: tempDir(), REDDIT_CLIENT_ID: FIXTURE_CLIENT.id, REDDIT_CLIENT_SECRET: FIXTURE_CLIENT.secret };
    const project = path.join(ROOT, 'examples/reddit-hot');
    const extract = JSON.parse((await sluiceAsync(['run', 'reddit-extract', '--project', project, '--json', '--param', `api=${fixture.base}`, '--param', `auth=${fixture.base}`], env)).stdout);
    assert.deepEqual([extract.status, extract.rawObjects.length, extract.counts.extracted], ['succeeded', 1, 0]);
    const start = sluiceProcess(['start', '--project', project, '--port', '0'], env);
    try {
      const deadline = Date.now() + 30_000;
      let rows = 0;
      while (rows < 102) {
        assert.ok(Date.now() < deadline, 'the load never happened');
        await new Promise((resolve) => setTimeout(resolve, 200));
        rows = (await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'reddit_hot_posts'`))[0]!.n
          ? (await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM reddit_hot_posts'))[0]!.n : 0;
      }
      const [load] = await query(url, `SELECT trigger, status, counts->>'loaded' AS loaded FROM sluice.runs WHERE pipeline = 'reddit-load'`);
      assert.deepEqual(load, { trigger: 'file', status: 'succeeded', loaded: '102' });
      const [hours] = await query(url, `SELECT count(DISTINCT snapshot_hour)::int AS n FROM reddit_hot_posts`);
      assert.equal(hours!.n, 1);
    } finally {
      start.kill('SIGTERM');
      await new Promise((resolve) => start.once('exit', resolve));
    }
  });
});
