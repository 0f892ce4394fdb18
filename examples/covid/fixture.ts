/**
 * A local stand-in for the GitHub-hosted files the COVID system downloads daily, in their real layouts: the NYT
 * national series `us.csv` (date,cases,deaths), and the Johns Hopkins data in both of its layouts: the CSSE
 * `time_series_covid19_recovered_global.csv` (wide: one row per country/province, one column per date `1/22/20`) and
 * the datahub `time-series-19-covid-combined.csv` (long: Date,Country/Region,Province/State,Lat,Long,Confirmed,Recovered,Deaths).
 * Generated series grow by one day per `nextDay()`, which can also revise the last days' numbers, as the real files
 * are revised; answers carry an ETag, so an unchanged file is answered 304. `--nyt FILE --jhu FILE --jhu-long FILE`
 * serve recorded files instead (e.g. the snapshots in ../shared/data/covid).
 * Usage: node examples/covid/fixture.ts [--port 4692] [--days 120]
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { COVID_FILES } from './files.ts';

export const { nyt: NYT_PATH, wide: JHU_WIDE_PATH, long: JHU_LONG_PATH } = COVID_FILES;

/** Day `i` of the NYT series (day 0 is 2020-01-21; JHU starts a day later). */
const day = (i: number) => new Date(Date.UTC(2020, 0, 21 + i));
const iso = (i: number) => day(i).toISOString().slice(0, 10);
const jhuDate = (i: number) => `${day(i).getUTCMonth() + 1}/${day(i).getUTCDate()}/${String(day(i).getUTCFullYear()).slice(2)}`;

/** Revisions: per day index, how much later publications added to its numbers. */
type Revisions = ReadonlyMap<number, number>;

/** The US numbers of day `i`. */
export function usDay(i: number, revisions: Revisions = new Map()) {
  const bump = revisions.get(i) ?? 0;
  return { date: iso(i), cases: Math.round(1 + i * i * 11.5) + bump * 10, deaths: Math.round(i * i * 0.4) + bump, recovered: Math.round((i - 1) ** 2 * 3.1) + bump * 5 };
}

/** The NYT series for `days` days (cumulative cases and deaths). */
export function nytCsv(days: number, revisions: Revisions = new Map()): string {
  const lines = ['date,cases,deaths'];
  for (let i = 0; i < days; i++) {
    const d = usDay(i, revisions);
    lines.push(`${d.date},${d.cases},${d.deaths}`);
  }
  return lines.join('\n'); // the real file has no trailing newline
}

// A few countries, the US among them, with the numbers of another country derived from the US ones.
const COUNTRIES = [
  { province: '', country: 'Afghanistan', lat: '33.93911', long: '67.709953', factor: 0.07 },
  { province: 'Australian Capital Territory', country: 'Australia', lat: '-35.4735', long: '149.0124', factor: 0.003 },
  { province: '', country: 'US', lat: '40.0', long: '-100.0', factor: 1 },
  { province: '', country: 'Zimbabwe', lat: '-19.015438', long: '29.154857', factor: 0.02 },
];
const scaled = (n: number, factor: number) => Math.round(n * factor);

/** The JHU CSSE wide file: one row per country/province, one column per date from 1/22/20 (day 1). */
export function jhuWideCsv(days: number, revisions: Revisions = new Map()): string {
  const dates = Array.from({ length: days - 1 }, (_, j) => j + 1);
  return [['Province/State', 'Country/Region', 'Lat', 'Long', ...dates.map(jhuDate)].join(','),
    ...COUNTRIES.map((c) => [c.province, c.country, c.lat, c.long,
      ...dates.map((i) => scaled(usDay(i, revisions).recovered, c.factor))].join(','))].join('\n') + '\n';
}

/** The datahub long file: one row per country/province and date from 2020-01-22, countries in turn. */
export function jhuLongCsv(days: number, revisions: Revisions = new Map()): string {
  const lines = ['Date,Country/Region,Province/State,Lat,Long,Confirmed,Recovered,Deaths'];
  for (const c of COUNTRIES) {
    for (let i = 1; i < days; i++) {
      const d = usDay(i, revisions);
      lines.push([d.date, c.country, c.province, c.lat, c.long, scaled(d.cases, c.factor), scaled(d.recovered, c.factor), scaled(d.deaths, c.factor)].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

/** Options: how many days are published, recorded files to serve instead, or any path's body replaced (e.g. a file in the wrong layout). */
export interface CovidFixtureOptions {
  readonly days?: number;
  readonly nyt?: string;
  readonly jhu?: string;
  readonly jhuLong?: string;
  readonly serve?: Readonly<Record<string, string>>;
}

export async function startCovidFixture(port = 4692, options: CovidFixtureOptions = {}) {
  const state = { days: options.days ?? 120, revisions: new Map<number, number>() };
  const recorded = (file: string | undefined, made: () => string) => (file ? fs.readFileSync(file, 'utf8') : made());
  const body = (path: string): string | undefined => {
    if (options.serve?.[path] !== undefined) return options.serve[path];
    if (path === NYT_PATH) return recorded(options.nyt, () => nytCsv(state.days, state.revisions));
    if (path === JHU_WIDE_PATH) return recorded(options.jhu, () => jhuWideCsv(state.days, state.revisions));
    if (path === JHU_LONG_PATH) return recorded(options.jhuLong, () => jhuLongCsv(state.days, state.revisions));
    return undefined;
  };
  const server = http.createServer((req, res) => {
    const text = body(new URL(req.url!, 'http://127.0.0.1').pathname);
    if (text === undefined) return void res.writeHead(404).end('404: Not Found');
    const etag = `"${createHash('sha1').update(text).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', etag }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    base,
    /** Publishes the next day, as the real files grow; `revise` days before it get revised numbers in every file. */
    nextDay: ({ revise = 0 } = {}) => {
      for (let i = state.days - revise; i < state.days; i++) state.revisions.set(i, (state.revisions.get(i) ?? 0) + 1);
      state.days++;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

if (import.meta.main) {
  const arg = (name: string) => process.argv.find((_, i) => process.argv[i - 1] === `--${name}`);
  const { base } = await startCovidFixture(Number(arg('port') ?? 4692), { days: Number(arg('days') ?? 120), nyt: arg('nyt'), jhu: arg('jhu'), jhuLong: arg('jhu-long') });
  console.log(`COVID files fixture on ${base}: ${NYT_PATH}, ${JHU_WIDE_PATH} (wide), ${JHU_LONG_PATH} (long); Ctrl-C to stop`);
}
