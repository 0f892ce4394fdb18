/**
 * An API polled hourly into a raw and a curated zone (SEED-SYSTEMS.md #5): the answer is kept as received in
 * the raw zone, its observations become Parquet in the curated zone (`sluice query --lake`). The API key comes
 * from the secret store. A down API is tried 3 times, then the hour is skipped; the raw JSON of a run stays
 * in the raw zone even when the Parquet step fails.
 * Original: Lambda + CloudWatch + two S3 buckets + Step Functions + SNS + Glue/Athena + CDK.
 * Offline: node examples/api-to-parquet/fixture.ts. Real: your API's key in WEATHER_API_KEY and --param api=https://...
 */
import { col, definePipeline, http, parquet, secret } from 'sluice';

interface Observation {
  station: string;
  observed_at: string;
  temperature_c: number;
  humidity_pct: number;
  wind?: { speed_ms?: number; direction_deg?: number };
}

export default definePipeline({
  name: 'weather',
  description: 'Hourly weather observations, raw JSON and curated Parquet',
  params: { api: process.env.WEATHER_API ?? 'http://127.0.0.1:4693', stations: 'OSL,ROM,LIM' },
  source: ({ api, stations }) => http<Observation>({
    url: `${api}/v1/observations`,
    query: { stations },
    auth: { kind: 'apiKey', header: 'x-api-key', value: secret('WEATHER_API_KEY') },
    records: 'observations[]',
    timeoutMs: 10_000,
    allowPrivateNetwork: new URL(api).hostname === '127.0.0.1' ? ['127.0.0.1'] : false,
  }),
  transform: (o) => ({
    station: o.station,
    observed_at: o.observed_at,
    temperature_c: o.temperature_c,
    humidity_pct: o.humidity_pct,
    wind_speed_ms: o.wind?.speed_ms ?? null,
    wind_direction_deg: o.wind?.direction_deg ?? null,
  }),
  destination: parquet.table('observations', {
    columns: {
      station: col.text({ nullable: false }), observed_at: col.timestamptz({ nullable: false }), temperature_c: col.double(),
      humidity_pct: col.integer(), wind_speed_ms: col.double(), wind_direction_deg: col.integer(),
    },
  }),
  retry: { attempts: 3, backoff: 'exponential', delayMs: 2_000, then: 'skip' },
});
