/**
 * The scheduler: fires cron ticks when due and file triggers when objects arrive, through the trigger ledger,
 * so two schedulers on one database start each run once.
 */
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { checkout } from '../database/checkout.ts';
import type { Database } from '../database/database.ts';
import { listFiles } from '../extract/files/list-files.ts';
import type { Pipeline } from '../pipeline/define-pipeline.ts';
import { fire, firedKeys, lastFired } from './trigger-ledger.ts';
import type { Lake } from '../lake/lake.ts';
import { applyLifecycle, type LifecycleRule } from '../lake/lifecycle.ts';
import { dueTicks, nextTick, tickRun, type CronTrigger, type FileTrigger } from './triggers.ts';

const MAX_SLEEP_MS = 1000;
const LIFECYCLE_EVERY_MS = 3_600_000;

/** Starts the scheduler; `stop()` ends its loops and resolves when they have. */
export function startScheduler(options: {
  database: Database; boss: PgBoss; pipelines: readonly Pipeline[]; projectDir: string; log: Logger;
  lake: Lake; lifecycle: readonly LifecycleRule[];
}) {
  const { database, boss, log } = options;
  const startedAt = new Date();
  let stopped = false;
  const loops: Promise<void>[] = [];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

  const cronLoop = async (pipeline: Pipeline, trigger: CronTrigger) => {
    let after = (await lastFired(database.pool, pipeline.name, 'cron:')) ?? startedAt;
    while (!stopped) {
      const now = new Date();
      for (const tick of dueTicks(trigger, after, now, startedAt)) {
        const { key, params } = tickRun(trigger, tick);
        if (await fire(database.pool, boss, pipeline.name, key, 'cron', { tick }, params)) log.info({ pipeline: pipeline.name, tick }, 'cron fired');
        after = tick;
      }
      const next = nextTick(trigger, after);
      await sleep(next ? Math.min(MAX_SLEEP_MS, next.getTime() - Date.now()) : MAX_SLEEP_MS);
    }
  };

  const fileLoop = async (pipeline: Pipeline, trigger: FileTrigger) => {
    while (!stopped) {
      try {
        const arrivals = (await listFiles(trigger.dir, trigger.pattern, options.projectDir)).map((file) => {
          const period = trigger.atMost === '1/day' ? file.modified.toISOString().slice(0, 10) : trigger.atMost === '1/hour' ? file.modified.toISOString().slice(0, 13) : undefined;
          // One run per object version; with atMost, one run per period whatever arrives.
          return { file, key: period ? `file:${trigger.atMost}:${period}` : `file:${file.name}@${file.size}:${file.modified.toISOString()}` };
        });
        const fired = await firedKeys(database.pool, pipeline.name, arrivals.map((a) => a.key));
        for (const { file, key } of arrivals) {
          if (fired.has(key)) continue;
          fired.add(key);
          if (await fire(database.pool, boss, pipeline.name, key, 'file', { file: file.name })) log.info({ pipeline: pipeline.name, file: file.name }, 'file trigger fired');
        }
      } catch (error) {
        log.warn({ pipeline: pipeline.name, error: (error as Error).message }, 'file trigger could not list its folder');
      }
      await sleep(trigger.pollSeconds * 1000);
    }
  };

  // The lake's lifecycle rules, hourly; one scheduler at a time applies them (the others find the lock taken).
  const lifecycleLoop = async () => {
    while (!stopped) {
      const client = await checkout(database.pool).catch(() => undefined);
      try {
        const { rows } = client ? await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('sluice.lifecycle')) AS ok`) : { rows: [] };
        if (rows[0]?.ok) {
          try {
            const done = await applyLifecycle(options.lake, options.lifecycle);
            if (done.length) log.info({ objects: done.length }, 'lifecycle applied');
          } finally {
            await client!.query(`SELECT pg_advisory_unlock(hashtext('sluice.lifecycle'))`);
          }
        }
      } catch (error) {
        log.warn({ error: (error as Error).message }, 'lifecycle could not be applied');
      } finally {
        client?.release();
      }
      for (let waited = 0; waited < LIFECYCLE_EVERY_MS && !stopped; waited += MAX_SLEEP_MS) await sleep(MAX_SLEEP_MS);
    }
  };
  if (options.lifecycle.length) loops.push(lifecycleLoop());

  for (const pipeline of options.pipelines) {
    if (pipeline.trigger.kind === 'cron') loops.push(cronLoop(pipeline, pipeline.trigger));
    if (pipeline.trigger.kind === 'file') loops.push(fileLoop(pipeline, pipeline.trigger));
  }
  return {
    async stop() {
      stopped = true;
      await Promise.allSettled(loops);
    },
  };
}
