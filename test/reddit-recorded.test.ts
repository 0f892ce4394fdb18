import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURE_CLIENT, hotListing, startRedditFixture } from '../examples/reddit-hot/fixture.ts';
import { freshDatabase, query, ROOT, sluiceAsync, tempDir } from './helpers.ts';

// Reddit's answers as recorded (praw's cassettes): a quarantined subreddit answers 403 with this body; a client over
// its quota gets 429 with the x-ratelimit-* headers saying when the window resets.
const FORBIDDEN = { status: 403, headers: { 'x-ratelimit-remaining': '598.0', 'x-ratelimit-used': '2' }, body: '{"message": "Forbidden", "error": 403}' };
const LIMITED = { status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '600', 'x-ratelimit-reset': '1' }, body: '{"message": "Too Many Requests", "error": 429}' };
const LISTING = { status: 200, headers: { 'x-ratelimit-remaining': '599.0', 'x-ratelimit-reset': '359' }, body: JSON.stringify(hotListing('python', 490_000, 100)) };

describe('the Reddit example replaying recorded answers with their status and headers', () => {
  let fixture: Awaited<ReturnType<typeof startRedditFixture>>;
  let url: string;
  before(async () => {
    url = await freshDatabase();
    fixture = await startRedditFixture(0, { recorded: { ferguson: [FORBIDDEN], busy: [LIMITED], python: [LIMITED, LISTING] } });
  });
  after(() => fixture.close());
  const run = async (pipeline: string, subreddit: string) => {
    const env = { DATABASE_URL: url, SLUICE_LAKE: tempDir(), REDDIT_CLIENT_ID: FIXTURE_CLIENT.id, REDDIT_CLIENT_SECRET: FIXTURE_CLIENT.secret };
    const out = await sluiceAsync(['run', pipeline, '--project', path.join(ROOT, 'examples/reddit-hot'), '--json',
      '--param', `api=${fixture.base}`, '--param', `auth=${fixture.base}`, '--param', `subreddit=${subreddit}`], env);
    return { ...JSON.parse(out.stdout), exit: out.status };
  };

  it('fails a run whose subreddit answers 403, naming the subreddit and the status, and does not retry it', async () => {
    const result = await run('reddit-hot', 'ferguson');
    assert.equal(result.status, 'failed');
    assert.equal(result.exit, 1);
    assert.match(result.error, /GET http:\/\/127\.0\.0\.1:\d+\/r\/ferguson\/hot\?…: 403 Forbidden/);
    assert.equal(result.counts.extracted, 0);
    const runs = await query(url, `SELECT status, attempt FROM sluice.runs WHERE run_id = $1`, [result.runId]);
    assert.deepEqual(runs, [{ status: 'failed', attempt: 1 }]);
  });

  it('reports a 429 as retryable with the wait x-ratelimit-reset asks for, and the retrying extraction then lands the answer', async () => {
    const limited = await run('reddit-hot', 'busy');
    assert.equal(limited.status, 'failed');
    assert.match(limited.error, /\/r\/busy\/hot\?…: 429 Too Many Requests \(retry after 1 s\)/);

    // reddit-extract retries (3 tries): the first answer is the 429, the second the listing.
    const extract = await run('reddit-extract', 'python');
    assert.equal(extract.status, 'succeeded', extract.error);
    assert.equal(extract.rawObjects.length, 1);
    const attempts = await query(url, `SELECT attempt, status, error FROM sluice.runs WHERE pipeline = 'reddit-extract' ORDER BY attempt`);
    assert.equal(attempts.length, 2);
    assert.deepEqual(attempts.map((a) => a.status), ['failed', 'succeeded']);
    assert.match(String(attempts[0]!.error), /\/r\/python\/hot\?…: 429/);
  });
});
