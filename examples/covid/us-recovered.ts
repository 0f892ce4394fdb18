/** A source for the JHU "recovered" wide file: the US row, turned into one (date, recovered) record per date column. */
import { httpFile, type Source } from 'sluice';

/** `1/22/20` -> `2020-01-22` */
function isoDate(header: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2})$/.exec(header);
  return m ? `20${m[3]}-${m[1]!.padStart(2, '0')}-${m[2]!.padStart(2, '0')}` : undefined;
}

/** The file is fetched and landed as is (httpFile, with ETag); only reading it differs. */
export function usRecovered(url: string, allowPrivateNetwork: boolean | string[]): Source<{ date: string; recovered: string | null }> {
  const file = httpFile(url, { allowPrivateNetwork });
  return {
    kind: 'http-file',
    describe: () => `${file.describe()}, US row by date`,
    list: (ctx) => file.list(ctx),
    async *parse(body, name) {
      for await (const batch of file.parse(body, name)) {
        const us = batch.records.findIndex((r) => r['Country/Region'] === 'US' && !r['Province/State']);
        if (us < 0) {
          yield { source: name, records: [], lines: [], rejects: batch.rejects };
          continue;
        }
        const row = batch.records[us]!;
        const records = Object.entries(row).flatMap(([header, value]) => {
          const date = isoDate(header);
          return date ? [{ date, recovered: value }] : [];
        });
        yield { source: name, records, lines: records.map(() => batch.lines[us]!), rejects: batch.rejects };
      }
    },
  };
}
