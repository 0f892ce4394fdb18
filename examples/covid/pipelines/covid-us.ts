/**
 * COVID, daily (SEED-SYSTEMS.md #4), part 1: the NYT US series (date, cases, deaths), upserted by date:
 * new days inserted, a day updated only if a number changed; the run reports inserted and updated.
 */
import { col, definePipeline, httpFile, postgres } from 'sluice';

export default definePipeline({
  name: 'covid-us',
  description: 'NYT US national cases and deaths, upserted by date',
  // Offline: the fixture (node examples/covid/fixture.ts). Real: --param base=https://raw.githubusercontent.com
  params: { base: process.env.COVID_BASE ?? 'http://127.0.0.1:4692' },
  source: ({ base }) => httpFile(`${base}/nytimes/covid-19-data/master/us.csv`, {
    allowPrivateNetwork: new URL(base).hostname === '127.0.0.1' ? ['127.0.0.1'] : false,
  }),
  destination: postgres.table('covid_us_daily', {
    // Only these columns: the recovered column belongs to covid-recovered, and a merge updates declared columns only.
    columns: { date: col.date({ nullable: false }), cases: col.bigint(), deaths: col.bigint() },
    write: { mode: 'merge', key: ['date'] },
  }),
  // The original showed this in QuickSight; sluice's dashboard draws it on the pipeline's page.
  dashboards: [{ title: 'US cases, deaths and recovered', table: 'covid_us_daily', x: 'date', y: ['cases', 'deaths', 'recovered'] }],
});
