/**
 * COVID, daily (SEED-SYSTEMS.md #4), as the original ran it: ONE job downloads the NYT US series and the Johns
 * Hopkins recovered data, keeps the US rows, joins them on the date (the days both sources report), and upserts
 * the result: new days inserted, a day updated only if a number changed; the one run record and the one alert
 * carry the inserted, updated and unchanged counts. Original: Lambda + RDS + SNS + QuickSight + Terraform.
 * Offline: node examples/covid/fixture.ts. Real: --param base=https://raw.githubusercontent.com, and
 * --param layout=long for the datahub file the challenge linked (default: the CSSE wide file).
 */
import { col, definePipeline, email, httpFile, postgres } from 'sluice';
import { COVID_FILES } from '../files.ts';
import { jhuRecovered } from '../jhu-recovered.ts';

const privateNetwork = (base: string) => (new URL(base).hostname === '127.0.0.1' ? ['127.0.0.1'] : false);

export default definePipeline({
  name: 'covid',
  description: 'NYT US cases and deaths joined with JHU recovered on date, upserted by date',
  params: { base: process.env.COVID_BASE ?? 'http://127.0.0.1:4692', layout: 'wide' },
  sources: {
    us: {
      source: ({ base }) => httpFile(`${base}${COVID_FILES.nyt}`, { allowPrivateNetwork: privateNetwork(base) }),
      columns: { date: col.date({ nullable: false }), cases: col.bigint(), deaths: col.bigint() },
    },
    recovered: {
      source: ({ base, layout }) => jhuRecovered(base, layout, privateNetwork(base)),
      columns: { date: col.date({ nullable: false }), recovered: col.bigint() },
    },
  },
  // The days both sources report, as the public solutions of the challenge merged them.
  combine: 'SELECT date, us.cases, us.deaths, recovered.recovered FROM us JOIN recovered USING (date)',
  destination: postgres.table('covid_us_daily', {
    columns: { date: col.date({ nullable: false }), cases: col.bigint(), deaths: col.bigint(), recovered: col.bigint() },
    write: { mode: 'merge', key: ['date'] },
  }),
  // One notification per run, success or failure, with the counts, as the original's SNS topic sent: set
  // SLUICE_SMTP_URL (smtp://user:pass@host:port) and COVID_ALERT_TO to turn it on.
  alerts: process.env.COVID_ALERT_TO ? email({ to: process.env.COVID_ALERT_TO, subject: 'COVID daily load: {{Status}}', on: ['success', 'failure'] }) : [],
  // Cumulative counts: a day lower than the day before is a revision or a bad file. Said on the run; the load goes on.
  checks: [{
    kind: 'sql', name: 'cases and deaths never decrease day over day', warn: true,
    query: `WITH days AS (
              SELECT s.date, s.cases, s.deaths FROM {{staged}} AS s
              UNION ALL
              SELECT t.date, t.cases, t.deaths FROM {{target}} AS t WHERE t.date NOT IN (SELECT s.date FROM {{staged}} AS s)
            ), ordered AS (
              SELECT date, cases, deaths, lag(date) OVER (ORDER BY date) AS day_before,
                     lag(cases) OVER (ORDER BY date) AS cases_before, lag(deaths) OVER (ORDER BY date) AS deaths_before
              FROM days
            )
            SELECT * FROM ordered
            WHERE (cases < cases_before OR deaths < deaths_before)
              AND (date IN (SELECT s.date FROM {{staged}} AS s) OR day_before IN (SELECT s.date FROM {{staged}} AS s))`,
  }],
  // The original showed this in QuickSight; sluice's dashboard draws it on the pipeline's page.
  dashboards: [{ title: 'US cases, deaths and recovered', table: 'covid_us_daily', x: 'date', y: ['cases', 'deaths', 'recovered'] }],
});
