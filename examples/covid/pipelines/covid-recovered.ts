/**
 * COVID, daily (SEED-SYSTEMS.md #4), part 2: the JHU recovered series, US row, merged into the same table on
 * date. This pipeline declares only (date, recovered), so its upsert never touches cases or deaths.
 */
import { col, definePipeline, postgres } from 'sluice';
import { usRecovered } from '../us-recovered.ts';

export default definePipeline({
  name: 'covid-recovered',
  description: 'JHU CSSE recovered, US row, merged by date',
  params: { base: process.env.COVID_BASE ?? 'http://127.0.0.1:4692' },
  source: ({ base }) => usRecovered(
    `${base}/CSSEGISandData/COVID-19/master/csse_covid_19_data/csse_covid_19_time_series/time_series_covid19_recovered_global.csv`,
    new URL(base).hostname === '127.0.0.1' ? ['127.0.0.1'] : false),
  destination: postgres.table('covid_us_daily', {
    columns: { date: col.date({ nullable: false }), recovered: col.bigint() },
    write: { mode: 'merge', key: ['date'] },
  }),
});
