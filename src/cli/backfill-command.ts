/** `sluice backfill <pipeline> --from T --to T`: queues one run per schedule interval; running it twice queues nothing new. */
import { DefinitionError } from '../config/parse-options.ts';
import { loadPipeline } from '../pipeline/project.ts';
import { openRunQueue } from '../schedule/run-queue.ts';
import { fire } from '../schedule/trigger-ledger.ts';
import { tickRun, ticksBetween } from '../schedule/triggers.ts';
import { withContext } from './context.ts';

export async function backfillCommand(name: string, options: { readonly project: string; readonly from: string; readonly to: string }): Promise<void> {
  const from = new Date(options.from);
  const to = new Date(options.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from > to) {
    throw new DefinitionError('backfill: --from and --to must be times (e.g. 2026-11-01 or 2026-11-01T00:00:00Z), --from first');
  }
  await withContext(options.project, async (ctx) => {
    const pipeline = await loadPipeline(ctx.project, name);
    if (pipeline.trigger.kind !== 'cron') throw new DefinitionError(`backfill: pipeline "${name}" has no cron trigger, so it has no intervals to fill`);
    const boss = await openRunQueue(ctx.database.url, [pipeline], () => {});
    try {
      const ticks = ticksBetween(pipeline.trigger, from, to);
      let queued = 0;
      for (const tick of ticks) {
        const { key, params } = tickRun(pipeline.trigger, tick);
        if (await fire(ctx.database.pool, boss, pipeline.name, key, 'backfill', { tick }, params)) queued++;
      }
      process.stdout.write(`${name}: ${ticks.length} interval(s) from ${from.toISOString()} to ${to.toISOString()}: ` +
        `${queued} run(s) queued, ${ticks.length - queued} already ran or queued. \`sluice start\` or \`sluice worker\` runs them.\n`);
    } finally {
      await boss.stop({ graceful: false, close: true });
    }
  });
}
