import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWeatherFixture, FIXTURE_API_KEY } from '../examples/api-to-parquet/fixture.ts';
import { col, definePipeline, http, postgres } from '../src/index.ts';
import { backoffMs, runWithRetry } from '../src/pipeline/run-with-retry.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;

describe('retry policy', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());
  const env = () => ({ projectDir: h.dir, database: h.database, lake: h.lake });
  const pipeline = (base: string, then: 'fail' | 'skip', key = 'wrong-key-not-' + FIXTURE_API_KEY.slice(0, 0)) => definePipeline({
    name: `retry-${then}`,
    source: http({ url: `${base}/v1/observations`, auth: { kind: 'apiKey', header: 'x-api-key', value: key }, records: 'observations[]', allowPrivateNetwork: ['127.0.0.1'] }),
    transform: (o: Record<string, unknown>) => ({ station: o.station as string }),
    destination: postgres.table(`retry_${then}`, { columns: { station: col.text() } }),
    retry: { attempts: 3, delayMs: 10, then },
  });

  it('tries a retryable failure again under the same run key, and succeeds once the API is back', async () => {
    const fixture = await startWeatherFixture(0, { failures: 2 });
    try {
      const result = await runWithRetry(pipeline(fixture.base, 'fail', FIXTURE_API_KEY), env());
      assert.deepEqual([result.status, result.attempt, result.counts.loaded], ['succeeded', 3, 3]);
      const runs = await h.rows(`SELECT attempt, status, run_key FROM sluice.runs WHERE pipeline = 'retry-fail' ORDER BY attempt`);
      assert.deepEqual(runs.map((r) => [r.attempt, r.status]), [[1, 'failed'], [2, 'failed'], [3, 'succeeded']]);
      assert.equal(new Set(runs.map((r) => r.run_key)).size, 1);
    } finally {
      await fixture.close();
    }
  });

  it('skips the run when attempts run out with then: skip, and never retries a terminal failure', async () => {
    const fixture = await startWeatherFixture(0, { failures: 5 });
    try {
      const skipped = await runWithRetry(pipeline(fixture.base, 'skip', FIXTURE_API_KEY), env());
      assert.equal(skipped.status, 'skipped');
      assert.match(skipped.error!, /skipped after 3 attempts: .*503 Service Unavailable/);
      assert.deepEqual(await h.rows(`SELECT status FROM sluice.runs WHERE run_id = $1`, [skipped.runId]), [{ status: 'skipped' }]);
      const before = fixture.state.requests;
      const terminal = await runWithRetry(pipeline(fixture.base, 'fail', 'wrong'), env());
      assert.deepEqual([terminal.status, terminal.attempt, fixture.state.requests - before], ['failed', 1, 1]);
    } finally {
      await fixture.close();
    }
  });

  it('backs off exponentially with jitter, up to the maximum, and at least as long as Retry-After', () => {
    const policy = { attempts: 5, backoff: 'exponential' as const, delayMs: 1000, maxDelayMs: 5000, then: 'fail' as const };
    assert.deepEqual([1, 2, 3, 4].map((a) => backoffMs(policy, a, 0, () => 1)), [1000, 2000, 4000, 5000]);
    assert.equal(backoffMs(policy, 1, 0, () => 0), 500);
    assert.equal(backoffMs(policy, 1, 3000, () => 0), 3000);
  });
});
