/** `npm run bench:dashboard`: server-side render time of the overview and a pipeline page with 10,000 runs recorded. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDashboard } from '../src/dashboard/dashboard.ts';
import { openDatabase } from '../src/database/database.ts';
import { stopEmbeddedPostgres } from '../src/database/embedded-postgres.ts';
import { col, definePipeline, files, postgres } from '../src/index.ts';
import { localLake } from '../src/lake/local-lake.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-ui-'));
fs.chmodSync(work, 0o755);
const state = path.join(work, '.sluice');
const database = await openDatabase({ stateDir: state });
const pipelines = Array.from({ length: 20 }, (_, i) => definePipeline({
  name: `p${i}`, source: files('*.csv'), destination: postgres.table(`t${i}`, { columns: { n: col.integer() } }),
}));
// 10,000 runs of p0, 500 of each other pipeline.
await database.pool.query(`
  INSERT INTO sluice.runs (run_id, pipeline, status, trigger, run_key, attempt, queued_at, started_at, finished_at, counts, stages)
  SELECT 'r' || p || '-' || i, 'p' || p, CASE WHEN i % 17 = 0 THEN 'failed' ELSE 'succeeded' END, 'cron', 'k' || p || '-' || i, 1,
         now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval + interval '3 seconds',
         jsonb_build_object('extracted', i, 'loaded', i, 'rejected', 0, 'filtered', 0), '[]'
  FROM generate_series(0, 19) AS p, generate_series(1, 10000) AS i WHERE p = 0 OR i <= 500`);
await database.pool.query('ANALYZE sluice.runs');
const token = 'bench';
const app = createDashboard({ token, database, lake: localLake(path.join(work, 'lake')), pipelines, lakePlaces: { cacheDir: work }, runNow: async () => 'x' });
const time = async (route: string) => {
  const samples: number[] = [];
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    const response = await app.request(route, { headers: { cookie: `sluice_token=${token}` } });
    await response.text();
    if (response.status !== 200) throw new Error(`${route}: ${response.status}`);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50Ms: +samples[12]!.toFixed(1), maxMs: +samples.at(-1)!.toFixed(1) };
};
const results = {
  date: new Date().toISOString(), runs: 19_500, pipelines: 20,
  overview: await time('/'), pipelinePage: await time('/pipelines/p0'), olderPage: await time('/pipelines/p0?page=150&status=succeeded'),
};
console.log(JSON.stringify(results, null, 2));
fs.writeFileSync(path.join(ROOT, 'bench/results/dashboard.json'), JSON.stringify(results, null, 2) + '\n');
await database.close();
await stopEmbeddedPostgres(state);
fs.rmSync(work, { recursive: true, force: true });
