/**
 * A local stand-in for the two GitHub-hosted files the COVID system downloads daily, in their real layouts:
 * the NYT national series `us.csv` (date,cases,deaths) and the JHU CSSE `time_series_covid19_recovered_global.csv`
 * (one row per country/province, one column per date `1/22/20`). Generated series grow by one day per `days`;
 * answers carry an ETag, so an unchanged file is answered 304. `--nyt FILE --jhu FILE` serve recorded files instead.
 * Usage: node examples/covid/fixture.ts [--port 4692] [--days 120]
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

export const NYT_PATH = '/nytimes/covid-19-data/master/us.csv';
export const JHU_PATH = '/CSSEGISandData/COVID-19/master/csse_covid_19_data/csse_covid_19_time_series/time_series_covid19_recovered_global.csv';

const day = (i: number) => new Date(Date.UTC(2020, 0, 21 + i));

/** The NYT series for `days` days (cumulative cases and deaths). */
export function nytCsv(days: number): string {
  const lines = ['date,cases,deaths'];
  for (let i = 0; i < days; i++) lines.push(`${day(i).toISOString().slice(0, 10)},${Math.round(1 + i * i * 11.5)},${Math.round(i * i * 0.4)}`);
  return lines.join('\n'); // the real file has no trailing newline
}

/** The JHU wide file: a few countries, the US row among them, one column per date from 1/22/20. */
export function jhuCsv(days: number): string {
  const dates = Array.from({ length: days - 1 }, (_, i) => {
    const d = day(i + 1);
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${String(d.getUTCFullYear()).slice(2)}`;
  });
  const row = (province: string, country: string, lat: string, long: string, factor: number) =>
    [province, country, lat, long, ...dates.map((_, i) => Math.round(i * i * factor))].join(',');
  return [['Province/State', 'Country/Region', 'Lat', 'Long', ...dates].join(','),
    row('', 'Afghanistan', '33.93911', '67.709953', 0.2), row('Australian Capital Territory', 'Australia', '-35.4735', '149.0124', 0.01),
    row('', 'US', '40.0', '-100.0', 3.1), row('', 'Zimbabwe', '-19.015438', '29.154857', 0.05)].join('\n') + '\n';
}

export async function startCovidFixture(port = 4692, options: { days?: number; nyt?: string; jhu?: string } = {}) {
  const state = { days: options.days ?? 120 };
  const body = (path: string) =>
    path === NYT_PATH ? (options.nyt ? fs.readFileSync(options.nyt, 'utf8') : nytCsv(state.days))
    : path === JHU_PATH ? (options.jhu ? fs.readFileSync(options.jhu, 'utf8') : jhuCsv(state.days)) : undefined;
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
    /** Publishes the next day, as the real files grow. */
    nextDay: () => { state.days++; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

if (import.meta.main) {
  const arg = (name: string) => process.argv.find((_, i) => process.argv[i - 1] === `--${name}`);
  const { base } = await startCovidFixture(Number(arg('port') ?? 4692), { days: Number(arg('days') ?? 120), nyt: arg('nyt'), jhu: arg('jhu') });
  console.log(`COVID files fixture on ${base}${NYT_PATH} and ${base}${JHU_PATH}; Ctrl-C to stop`);
}
