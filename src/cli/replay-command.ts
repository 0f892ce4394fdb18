/** `sluice replay <pipeline>`: re-derives past runs from the raw zone with the pipeline as it is now (e.g. after a transform changed), with the params they ran with. */
import { executeRun } from '../pipeline/execute-run.ts';
import { DefinitionError } from '../config/parse-options.ts';
import { loadPipeline } from '../pipeline/project.ts';
import { replaySource } from '../pipeline/replay-source.ts';
import { withContext } from './context.ts';
import { contractJson, parseParams } from './run-command.ts';

interface Options {
  readonly project: string;
  readonly run: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly param?: readonly string[];
  readonly json?: boolean;
}

export async function replayCommand(name: string, options: Options): Promise<void> {
  if (!options.run.length && !options.from) throw new DefinitionError('replay: name runs with --run <runId> (repeatable), or a time range with --from [--to]');
  const overrides = parseParams(options.param ?? []);
  const result = await withContext(options.project, async (ctx) => {
    const pipeline = await loadPipeline(ctx.project, name);
    const { rows } = await ctx.database.pool.query<{ run_id: string; raw_objects: string[]; params: Record<string, string> }>(
      `SELECT run_id, raw_objects, params FROM sluice.runs WHERE pipeline = $1 AND status = 'succeeded'
         AND (cardinality($2::text[]) = 0 OR run_id = ANY($2)) AND ($3::timestamptz IS NULL OR started_at >= $3) AND ($4::timestamptz IS NULL OR started_at <= $4)
       ORDER BY started_at`, [name, options.run, options.from ?? null, options.to ?? null]);
    const missing = options.run.filter((id) => !rows.some((r) => r.run_id === id));
    if (missing.length) throw new DefinitionError(`replay: no succeeded run ${missing.join(', ')} of pipeline "${name}"`);
    const keys = rows.flatMap((r) => r.raw_objects);
    if (!keys.length) throw new DefinitionError(`replay: the selected runs of "${name}" kept no raw objects`);
    const params = replayedParams(name, rows, overrides);
    process.stderr.write(`${name}: replaying ${keys.length} raw object(s) of ${rows.length} run(s)\n`);
    return executeRun(pipeline, { projectDir: ctx.project.dir, database: ctx.database, lake: ctx.lake, alerts: ctx.project.alerts }, {
      trigger: 'replay', runKey: `replay:${new Date().toISOString()}`, params,
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

/**
 * The params the replayed runs ran with (recorded on each run): a replay re-derives them as they were, e.g. with
 * the same input folder; `--param` overrides them. Runs made with different params cannot be replayed as one run.
 */
function replayedParams(name: string, rows: readonly { params: Record<string, string> }[], overrides: Record<string, string>): Record<string, string> {
  const merged = rows.map((r) => ({ ...r.params, ...overrides }));
  const shown = (p: Record<string, string>) => JSON.stringify(Object.fromEntries(Object.entries(p).sort(([a], [b]) => a.localeCompare(b))));
  const distinct = [...new Set(merged.map(shown))];
  if (distinct.length > 1) {
    throw new DefinitionError(`replay: the selected runs of "${name}" ran with different params (${distinct.join(' / ')}); replay them separately with --run, or set the differing ones with --param`);
  }
  return merged[0] ?? overrides;
}
