/** `/metrics` in the Prometheus format (prom-client): runs by status, rows loaded, check results, run durations, queue depth. */
import type pg from 'pg';
import client from 'prom-client';
import { checkResultCounts } from '../check/check-results.ts';

/** A registry whose values are read from sluice's database at each scrape. */
export function metricsRegistry(pool: pg.Pool): client.Registry {
  const registry = new client.Registry();
  new client.Gauge({
    name: 'sluice_runs', help: 'Runs recorded, by pipeline and status', labelNames: ['pipeline', 'status'], registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool.query<{ pipeline: string; status: string; n: string }>('SELECT pipeline, status, count(*) AS n FROM sluice.runs GROUP BY 1, 2');
      for (const r of rows) this.set({ pipeline: r.pipeline, status: r.status }, Number(r.n));
    },
  });
  new client.Gauge({
    name: 'sluice_rows_loaded', help: 'Rows loaded by committed runs, by pipeline', labelNames: ['pipeline'], registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool.query<{ pipeline: string; n: string }>(
        `SELECT pipeline, sum(coalesce((counts->>'loaded')::bigint, 0)) AS n FROM sluice.runs WHERE status = 'succeeded' GROUP BY 1`);
      for (const r of rows) this.set({ pipeline: r.pipeline }, Number(r.n));
    },
  });
  new client.Gauge({
    name: 'sluice_check_results', help: 'Data-quality check results recorded, by pipeline, check and status (passed, warned, failed)',
    labelNames: ['pipeline', 'check', 'status'], registers: [registry],
    async collect() {
      this.reset();
      for (const r of await checkResultCounts(pool)) this.set({ pipeline: r.pipeline, check: r.name, status: r.status }, r.n);
    },
  });
  const buckets = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];
  new client.Gauge({
    name: 'sluice_run_duration_seconds_bucket', help: 'Finished runs by duration (cumulative histogram buckets)', labelNames: ['pipeline', 'le'], registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool.query<{ pipeline: string; s: number }>(
        `SELECT pipeline, extract(epoch FROM finished_at - started_at) AS s FROM sluice.runs WHERE finished_at IS NOT NULL AND started_at IS NOT NULL`);
      const pipelines = [...new Set(rows.map((r) => r.pipeline))];
      for (const p of pipelines) {
        const mine = rows.filter((r) => r.pipeline === p).map((r) => Number(r.s));
        for (const le of buckets) this.set({ pipeline: p, le: String(le) }, mine.filter((s) => s <= le).length);
        this.set({ pipeline: p, le: '+Inf' }, mine.length);
      }
    },
  });
  new client.Gauge({
    name: 'sluice_queue_depth', help: 'Runs queued and not yet started, by queue', labelNames: ['queue'], registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool.query<{ name: string; n: string }>(
        `SELECT name, count(*) AS n FROM sluice_queue.job WHERE state IN ('created', 'retry') GROUP BY 1`).catch(() => ({ rows: [] }));
      for (const r of rows) this.set({ queue: r.name }, Number(r.n));
    },
  });
  return registry;
}
