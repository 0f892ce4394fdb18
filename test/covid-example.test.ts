import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { JHU_LONG_PATH, JHU_WIDE_PATH, jhuLongCsv, jhuWideCsv, startCovidFixture, usDay } from '../examples/covid/fixture.ts';
import { freshDatabase, query, ROOT, sluiceAsync, tempDir } from './helpers.ts';

const PROJECT = path.join(ROOT, 'examples/covid');

/** The table the original system built: the days both files report (JHU starts a day after NYT), as numbers. */
const expected = (days: number, revisions = new Map<number, number>()) => Array.from({ length: days - 1 }, (_, j) => {
  const d = usDay(j + 1, revisions);
  return { date: d.date, cases: d.cases, deaths: d.deaths, recovered: d.recovered };
});
const table = (url: string) => query(url, 'SELECT date::text AS date, cases::int, deaths::int, recovered::int FROM covid_us_daily ORDER BY date');

describe('the COVID system as the original ran it: one pipeline, two sources joined on date, upserted, one alert', () => {
  let smtp: SMTPServer;
  let smtpUrl = '';
  const mails: ParsedMail[] = [];
  before(async () => {
    smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'],
      onData: (stream, _session, done) => void simpleParser(stream).then((mail) => { mails.push(mail); done(); }, done),
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  const run = async (env: Record<string, string>, base: string, ...params: string[]) => {
    const out = await sluiceAsync(['run', 'covid', '--project', PROJECT, '--json', '--param', `base=${base}`, ...params.flatMap((p) => ['--param', p])], env);
    if (!out.stdout.trim()) throw new Error(`sluice run covid printed nothing (exit ${out.status}): ${out.stderr}`);
    return { ...JSON.parse(out.stdout), exit: out.status };
  };

  it('gives the inner-joined table from the NYT file and either JHU layout, the same table for the same days', async () => {
    const fixture = await startCovidFixture(0, { days: 60 });
    try {
      for (const layout of ['wide', 'long']) {
        const env = { DATABASE_URL: await freshDatabase(), SLUICE_LAKE: tempDir() };
        const result = await run(env, fixture.base, `layout=${layout}`);
        assert.equal(result.status, 'succeeded', result.error);
        // 60 NYT days + 59 JHU days read; the 59 days both report are loaded.
        assert.deepEqual([result.counts.extracted, result.counts.loaded, result.counts.inserted], [119, 59, 59]);
        assert.deepEqual(await table(env.DATABASE_URL), expected(60), `layout ${layout}`);
        // Both sources landed together under the one run's raw prefix, each in its own folder.
        assert.equal(result.rawObjects.length, 2);
        assert.ok(result.rawObjects.every((k: string) => k.startsWith(`raw/covid/dt=`) && k.includes(`/${result.runId}/`)));
        assert.deepEqual(result.rawObjects.map((k: string) => k.split('/').slice(4, 5)[0]).sort(), ['recovered', 'us']);
        const [ledger] = await query(env.DATABASE_URL, `SELECT count(*)::int AS n FROM sluice.ledger WHERE pipeline = 'covid'`);
        assert.equal(ledger!.n, 1);
      }
    } finally {
      await fixture.close();
    }
  });

  it("counts a second day's revised files as inserted and updated, in the one run record and the one alert", async () => {
    const serve: Record<string, string> = {};
    const fixture = await startCovidFixture(0, { days: 60, serve });
    const env = { DATABASE_URL: await freshDatabase(), SLUICE_LAKE: tempDir(), SLUICE_SMTP_URL: smtpUrl, COVID_ALERT_TO: 'covid@example.com' };
    mails.length = 0;
    try {
      const first = await run(env, fixture.base);
      assert.deepEqual([first.status, first.counts.inserted], ['succeeded', 59], first.error);
      const same = await run(env, fixture.base);
      assert.deepEqual([same.status, same.counts.extracted, same.counts.inserted, same.counts.updated], ['succeeded', 0, 0, 0], 'unchanged files load nothing');

      fixture.nextDay({ revise: 3 });
      const next = await run(env, fixture.base);
      assert.equal(next.status, 'succeeded', next.error);
      assert.deepEqual([next.counts.inserted, next.counts.updated, next.counts.unchanged], [1, 3, 56]);
      const revisions = new Map([[57, 1], [58, 1], [59, 1]]);
      assert.deepEqual(await table(env.DATABASE_URL), expected(61, revisions));

      // Only the JHU file changes (a revised day 10): the unchanged NYT file is joined again, not skipped.
      serve[JHU_WIDE_PATH] = jhuWideCsv(61, new Map([...revisions, [10, 2]]));
      const jhuOnly = await run(env, fixture.base);
      assert.deepEqual([jhuOnly.status, jhuOnly.counts.inserted, jhuOnly.counts.updated, jhuOnly.counts.unchanged], ['succeeded', 0, 1, 59], jhuOnly.error);
      const [day10] = await query(env.DATABASE_URL, `SELECT cases::int, recovered::int FROM covid_us_daily WHERE date = '2020-01-31'`);
      assert.deepEqual(day10, { cases: usDay(10).cases, recovered: usDay(10, new Map([[10, 2]])).recovered });

      // One run record and one notification per daily run, each with that run's counts.
      const runs = await query(env.DATABASE_URL, `SELECT run_id, counts->>'inserted' AS inserted, counts->>'updated' AS updated FROM sluice.runs WHERE pipeline = 'covid' ORDER BY started_at`);
      assert.equal(runs.length, 4);
      assert.equal(mails.length, 4);
      const mail = mails.find((m) => m.text?.includes(next.runId));
      assert.equal(mail?.subject, 'COVID daily load: Success');
      assert.match(mail!.text!, /inserted 1, updated 3, unchanged 56/);
    } finally {
      await fixture.close();
    }
  });

  it('fails a run whose JHU file is not in the expected layout, or has no US row, saying what it looked for', async () => {
    const noUs = jhuWideCsv(30).split('\n').filter((line) => !line.includes(',US,')).join('\n');
    const fixture = await startCovidFixture(0, { days: 30, serve: { [JHU_WIDE_PATH]: jhuLongCsv(30), [JHU_LONG_PATH]: jhuWideCsv(30) } });
    const other = await startCovidFixture(0, { days: 30, serve: { [JHU_WIDE_PATH]: noUs } });
    const env = { DATABASE_URL: await freshDatabase(), SLUICE_LAKE: tempDir(), SLUICE_SMTP_URL: smtpUrl, COVID_ALERT_TO: 'covid@example.com' };
    mails.length = 0;
    try {
      const wide = await run(env, fixture.base, 'layout=wide');
      assert.deepEqual([wide.status, wide.exit], ['failed', 1]);
      assert.match(wide.error, /source "recovered": time_series_covid19_recovered_global\.csv: not the JHU CSSE wide layout \(expected Province\/State,Country\/Region,Lat,Long and one column per date such as 1\/22\/20\); found the header Date,Country\/Region,Province\/State,Lat,Long,Confirmed,Recovered,Deaths\. Is it the long file\? Use --param layout=long/);
      const long = await run(env, fixture.base, 'layout=long');
      assert.match(long.error, /not the JHU long layout .*found the header Province\/State,Country\/Region,Lat,Long,1\/22\/20/);
      const missing = await run(env, other.base);
      assert.match(missing.error, /no US row \(Country\/Region "US" with an empty Province\/State\) among its 3 rows/);
      assert.deepEqual(await query(env.DATABASE_URL, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'covid_us_daily' AND schemaname = 'public'`).then(async ([t]) =>
        t!.n ? (await query(env.DATABASE_URL, 'SELECT count(*)::int AS n FROM covid_us_daily'))[0] : { n: 0 }), { n: 0 }, 'a failed run loads nothing');
      assert.deepEqual(mails.map((m) => m.subject), ['COVID daily load: Failure', 'COVID daily load: Failure', 'COVID daily load: Failure']);
      const bad = await run(env, fixture.base, 'layout=csv');
      assert.match(bad.error, /layout must be wide or long, not "csv"/);
    } finally {
      await fixture.close();
      await other.close();
    }
  });

  it('replays a run from the raw zone with the layout it ran with', async () => {
    const fixture = await startCovidFixture(0, { days: 40 });
    const env = { DATABASE_URL: await freshDatabase(), SLUICE_LAKE: tempDir() };
    try {
      const first = await run(env, fixture.base, 'layout=long');
      assert.equal(first.status, 'succeeded', first.error);
      await query(env.DATABASE_URL, `UPDATE covid_us_daily SET recovered = NULL WHERE date < '2020-02-01'`);
      const out = await sluiceAsync(['replay', 'covid', '--run', first.runId, '--project', PROJECT, '--json'], env);
      const replay = JSON.parse(out.stdout);
      assert.equal(replay.status, 'succeeded', replay.error ?? out.stderr);
      assert.deepEqual([replay.counts.extracted, replay.counts.updated, replay.counts.unchanged], [79, 10, 29]);
      assert.deepEqual(await table(env.DATABASE_URL), expected(40));
    } finally {
      await fixture.close();
    }
  });
});
