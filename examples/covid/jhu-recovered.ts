/**
 * The Johns Hopkins recovered series, US row, in either layout it is published in: `wide` (CSSE
 * time_series_covid19_recovered_global.csv, one column per date) or `long` (datahub time-series-19-covid-combined.csv,
 * one row per country and date). Both read as one (date, recovered) record per day, so they give the same table.
 */
import { httpFile, TerminalError, type RecordBatch, type Source } from 'sluice';
import { COVID_FILES } from './files.ts';

/** A JHU layout. */
export type JhuLayout = 'wide' | 'long';

type Row = Record<string, string | null>;
type Recovered = { date: string; recovered: string | null };

/** `1/22/20` -> `2020-01-22` */
function isoDate(header: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2})$/.exec(header);
  return m ? `20${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}` : undefined;
}

const isUs = (r: Row) => r['Country/Region'] === 'US' && !r['Province/State'];

/** Refuses a file that is not in `layout`, saying what was looked for and what was found. */
function checkLayout(layout: JhuLayout, name: string, fields: readonly string[]): void {
  const found = `found the header ${fields.slice(0, 8).join(',')}${fields.length > 8 ? ',…' : ''}`;
  if (layout === 'wide' && !(fields.includes('Country/Region') && fields.includes('Province/State') && fields.some((f) => isoDate(f)))) {
    throw new TerminalError(`${name}: not the JHU CSSE wide layout (expected Province/State,Country/Region,Lat,Long and one column per date such as 1/22/20); ${found}. Is it the long file? Use --param layout=long`);
  }
  if (layout === 'long' && !['Date', 'Country/Region', 'Province/State', 'Recovered'].every((f) => fields.includes(f))) {
    throw new TerminalError(`${name}: not the JHU long layout (expected Date,Country/Region,Province/State,Lat,Long,Confirmed,Recovered,Deaths); ${found}. Is it the wide file? Use --param layout=wide`);
  }
}

/** The US row's days, as (date, recovered) records. The file is fetched and landed as is; only reading it differs by layout. */
export function jhuRecovered(base: string, layout: string, allowPrivateNetwork: boolean | string[]): Source<Recovered> {
  if (layout !== 'wide' && layout !== 'long') throw new TerminalError(`covid: layout must be wide or long, not ${JSON.stringify(layout)}`);
  const file = httpFile(`${base}${COVID_FILES[layout]}`, { allowPrivateNetwork });
  return {
    kind: 'http-file',
    describe: () => `${file.describe()}, JHU ${layout} layout, US row by date`,
    list: (ctx) => file.list(ctx),
    async *parse(body, name): AsyncIterable<RecordBatch<Recovered>> {
      let checked = false;
      let rows = 0;
      let usRows = 0;
      for await (const batch of file.parse(body, name)) {
        if (!checked && batch.records.length) {
          checkLayout(layout, name, Object.keys(batch.records[0]!));
          checked = true;
        }
        rows += batch.records.length;
        const records: Recovered[] = [];
        const lines: number[] = [];
        batch.records.forEach((r, i) => {
          if (!isUs(r)) return;
          usRows++;
          if (layout === 'long') {
            records.push({ date: r.Date ?? '', recovered: r.Recovered ?? null });
            lines.push(batch.lines[i]!);
            return;
          }
          for (const [header, value] of Object.entries(r)) {
            const date = isoDate(header);
            if (!date) continue;
            records.push({ date, recovered: value });
            lines.push(batch.lines[i]!);
          }
        });
        yield { source: name, records, lines, rejects: batch.rejects };
      }
      if (!usRows) {
        throw new TerminalError(`${name}: no US row (Country/Region "US" with an empty Province/State) among its ${rows} rows: nothing to join for the recovered series`);
      }
    },
  };
}
