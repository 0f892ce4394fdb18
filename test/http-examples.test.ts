import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { startWeatherFixture, FIXTURE_API_KEY } from '../examples/api-to-parquet/fixture.ts';
import { FIXTURE_CLIENT, startRedditFixture } from '../examples/reddit-hot/fixture.ts';
import { freshDatabase, query, ROOT, sluiceAsync, tempDir } from './helpers.ts';

const run = async (project: string, pipeline: string, env: Record<string, string>, ...params: string[]) => {
  const out = await sluiceAsync(['run', pipeline, '--project', path.join(ROOT, 'examples', project), '--json', ...params.flatMap((p) => ['--param', p])], env);
  if (!out.stdout.trim()) throw new Error(`sluice run ${pipeline} printed nothing (exit ${out.status}): ${out.stderr}`);
  return { ...JSON.parse(out.stdout), exit: out.status };
};

describe('the HTTP examples, offline against their fixture servers', () => {
  let url: string;
  before(async () => { url = await freshDatabase(); });

  it('reddit-hot: OAuth2, 100 hot posts plus the stickied ones, one snapshot per hour, no duplicates on a re-run', async () => {
    const fixture = await startRedditFixture(0);
    try {
      const env = { DATABASE_URL: url, SLUICE_LAKE: tempDir(), REDDIT_CLIENT_ID: FIXTURE_CLIENT.id, REDDIT_CLIENT_SECRET: FIXTURE_CLIENT.secret };
      const first = await run('reddit-hot', 'reddit-hot', env, `api=${fixture.base}`, `auth=${fixture.base}`);
      assert.equal(first.status, 'succeeded', first.error);
      assert.equal(first.counts.loaded, 102);
      const again = await run('reddit-hot', 'reddit-hot', { ...env, SLUICE_LAKE: tempDir() }, `api=${fixture.base}`, `auth=${fixture.base}`);
      assert.equal(again.status, 'succeeded', again.error);
      const [summary] = await query(url, `SELECT count(*)::int AS n, count(*) FILTER (WHERE stickied)::int AS stickied, count(DISTINCT snapshot_hour)::int AS hours,
        min(rank) AS first, max(rank) AS last, bool_and(title = btrim(title)) AS trimmed FROM reddit_hot_posts`);
      assert.deepEqual(summary, { n: 102, stickied: 2, hours: 1, first: 1, last: 102, trimmed: true });
      const wrong = await run('reddit-hot', 'reddit-hot', { ...env, REDDIT_CLIENT_SECRET: 'wrong' }, `api=${fixture.base}`, `auth=${fixture.base}`);
      assert.equal(wrong.status, 'failed');
      assert.match(wrong.error, /OAuth2 token request: 401/);
      assert.ok(!wrong.error.includes('wrong'));
    } finally {
      await fixture.close();
    }
  });

  it('api-to-parquet: API key from the secret store, a 503 retried, raw JSON kept, Parquet queryable', async () => {
    const fixture = await startWeatherFixture(0, { failures: 1 });
    const lake = tempDir();
    try {
      const env = { DATABASE_URL: url, SLUICE_LAKE: lake, WEATHER_API_KEY: FIXTURE_API_KEY };
      const result = await run('api-to-parquet', 'weather', env, `api=${fixture.base}`);
      assert.equal(result.status, 'succeeded', result.error);
      assert.equal(fixture.state.requests, 2);
      const runs = await query(url, `SELECT attempt, status FROM sluice.runs WHERE pipeline = 'weather' ORDER BY attempt`);
      assert.deepEqual(runs, [{ attempt: 1, status: 'failed' }, { attempt: 2, status: 'succeeded' }]);
      const rows = await sluiceAsync(['query', 'select station, humidity_pct from observations order by station', '--lake', '--json', '--project', path.join(ROOT, 'examples/api-to-parquet')], env);
      assert.deepEqual(JSON.parse(rows.stdout).map((r: { station: string }) => r.station), ['LIM', 'OSL', 'ROM']);

      // The Parquet step fails (the curated zone cannot be written): the run fails, the raw JSON stays.
      fs.rmSync(path.join(lake, 'curated'), { recursive: true });
      fs.writeFileSync(path.join(lake, 'curated'), 'not a folder');
      const broken = await run('api-to-parquet', 'weather', env, `api=${fixture.base}`, 'stations=OSL,XYZ');
      assert.equal(broken.status, 'failed');
      assert.equal(broken.rawObjects.length, 1);
      assert.match(fs.readFileSync(path.join(lake, broken.rawObjects[0]), 'utf8'), /"station":"XYZ"/);
    } finally {
      await fixture.close();
    }
  });
});
