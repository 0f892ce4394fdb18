/** `sluice replay <pipeline>`: re-derives past runs from the raw zone with the pipeline as it is now (e.g. after a transform changed). */
import { executeRun } from '../pipeline/execute-run.ts';
import { DefinitionError } from '../pipeline/parse-options.ts';
import { loadPipeline } from '../pipeline/project.ts';
import { replaySource } from '../pipeline/replay-source.ts';
import { withContext } from './context.ts';
import { contractJson } from './run-command.ts';

interface Options {
  readonly project: string;
  readonly run: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly json?: boolean;
}

export async function replayCommand(name: string, options: Options): Promise<void> {
  if (!options.run.length && !options.from) throw new DefinitionError('replay: name runs with --run <runId> (repeatable), or a time range with --from [--to]');
  const result = await withContext(options.project, async (ctx) => {
    const pipeline = await loadPipeline(ctx.project, name);
    const { rows } = await ctx.database.pool.query<{ run_id: string; raw_objects: string[] }>(
      `SELECT run_id, raw_objects FROM sluice.runs WHERE pipeline = $1 AND status = 'succeeded'
         AND (cardinality($2::text[]) = 0 OR run_id = ANY($2)) AND ($3::timestamptz IS NULL OR started_at >= $3) AND ($4::timestamptz IS NULL OR started_at <= $4)
       ORDER BY started_at`, [name, options.run, options.from ?? null, options.to ?? null]);
    const missing = options.run.filter((id) => !rows.some((r) => r.run_id === id));
    if (missing.length) throw new DefinitionError(`replay: no succeeded run ${missing.join(', ')} of pipeline "${name}"`);
    const keys = rows.flatMap((r) => r.raw_objects);
    if (!keys.length) throw new DefinitionError(`replay: the selected runs of "${name}" kept no raw objects`);
    process.stderr.write(`${name}: replaying ${keys.length} raw object(s) of ${rows.length} run(s)\n`);
    return executeRun(pipeline, { projectDir: ctx.project.dir, database: ctx.database, lake: ctx.lake, alerts: ctx.project.alerts }, {
      trigger: 'replay', runKey: `replay:${new Date().toISOString()}`,
      replay: { source: (params) => replaySource(pipeline.source(params), ctx.lake, keys) },
    });
  });
  if (!result) throw new Error(`${name}: another run of this pipeline is in progress (concurrency: skip)`);
  const c = result.counts;
  process.stdout.write(options.json ? JSON.stringify(contractJson(result)) + '\n'
    : `${name}: replay ${result.status} (run ${result.runId}): extracted ${c.extracted} = loaded ${c.loaded} + rejected ${c.rejected} + filtered ${c.filtered}; ` +
      `inserted ${c.inserted}, updated ${c.updated}, unchanged ${c.unchanged}${result.error ? `\nerror: ${result.error}` : ''}\n`);
  process.exitCode = result.status === 'succeeded' ? 0 : 1;
}
