/** `sluice runs`: run history, newest first. */
import { closeDeadRuns } from '../pipeline/close-dead-runs.ts';
import { listRuns } from '../runs/run-store.ts';
import { withContext } from './context.ts';
import { number, seconds, table } from './format.ts';

interface Options {
  readonly project: string;
  readonly pipeline?: string;
  readonly limit: string;
  readonly json?: boolean;
}

export async function runsCommand(options: Options): Promise<void> {
  const runs = await withContext(options.project, async (ctx) => {
    // A run whose process died is shown as what it is, never as running.
    await closeDeadRuns(ctx.database, 'its process stopped before the run ended; found by sluice runs');
    return listRuns(ctx.database.pool, { pipeline: options.pipeline, limit: Number(options.limit) || 20 });
  });
  if (options.json) {
    process.stdout.write(JSON.stringify(runs) + '\n');
    return;
  }
  if (!runs.length) {
    process.stdout.write('no runs yet\n');
    return;
  }
  process.stdout.write(table(
    ['run', 'pipeline', 'status', 'started', 'duration', 'extracted', 'loaded', 'rejected', 'error or warning'],
    runs.map((r) => [r.runId, r.pipeline, r.status, r.startedAt?.toISOString().slice(0, 19).replace('T', ' ') ?? '',
      r.startedAt && r.finishedAt ? seconds(r.finishedAt.getTime() - r.startedAt.getTime()) : '',
      number(r.counts.extracted), number(r.counts.loaded), number(r.counts.rejected),
      (r.error ?? (r.warnings.length ? `warning: ${r.warnings.join('; ')}` : '')).slice(0, 80)]),
  ));
}
