/** `sluice start` (scheduler, triggers and workers in one process) and `sluice worker` (workers only). */
import pino from 'pino';
import { loadPipelines } from '../pipeline/project.ts';
import { openRunQueue } from '../schedule/run-queue.ts';
import { startScheduler } from '../schedule/scheduler.ts';
import { describeTrigger } from '../schedule/triggers.ts';
import { startWorkers } from '../schedule/workers.ts';
import { openContext } from './context.ts';
import { startDashboard } from './dashboard-server.ts';

const GRACE_MS = 60_000;

export async function startCommand(options: { readonly project: string; readonly scheduler?: boolean; readonly port?: string; readonly host?: string; readonly ui?: boolean }): Promise<void> {
  const ctx = await openContext(options.project);
  const log = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
  const pipelines = [...(await loadPipelines(ctx.project)).values()];
  const boss = await openRunQueue(ctx.database.url, pipelines, (error) => log.error({ error: error.message }, 'queue error'));
  const env = { projectDir: ctx.project.dir, database: ctx.database, lake: ctx.lake, alerts: ctx.project.alerts };
  await startWorkers(boss, pipelines, env, log);
  const scheduler = options.scheduler === false ? undefined : startScheduler({
    database: ctx.database, boss, pipelines, projectDir: ctx.project.dir, log, lake: ctx.lake, lifecycle: ctx.project.lifecycle,
  });
  const dashboard = options.scheduler === false || options.ui === false ? undefined
    : await startDashboard(ctx, pipelines, { port: Number(options.port ?? 4680), host: options.host ?? '127.0.0.1', boss });
  process.stdout.write(`sluice ${scheduler ? 'started' : 'worker started'} on ${ctx.database.display}, ${pipelines.length} pipeline(s):\n` +
    pipelines.map((p) => `  ${p.name}: ${describeTrigger(p.trigger)}\n`).join('') +
    (dashboard ? `dashboard: ${dashboard.url}\n` : '') + 'stop with Ctrl-C or SIGTERM (running runs finish first)\n');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping: no new runs; waiting for running ones');
      await dashboard?.close();
      await scheduler?.stop();
      // Graceful: stop taking runs, let the running ones finish (or, past the grace period, be taken over later).
      await boss.stop({ graceful: true, timeout: GRACE_MS, close: true }).catch((error: Error) => log.error({ error: error.message }, 'queue stop'));
      await ctx.close();
      resolve();
    };
    // `on`, not `once`: a second signal (a service manager signalling the whole group) must not kill the process mid-stop.
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  });
  process.exitCode = 0;
}
