/** Runs a pipeline once through its stages, in order: claim, extract, land, transform + load (the commit protocol), record. Start reading here. */
import type { Database } from '../database/database.ts';
import { isRetryable } from '../extract/errors.ts';
import type { Source } from '../extract/source.ts';
import type { Lake } from '../lake/lake.ts';
import { rawPrefix, writeManifest } from '../lake/raw-zone.ts';
import { claimAttempt, isCommitted } from '../load/ledger.ts';
import { openRunLog } from '../runs/run-log.ts';
import { abandonRuns, finishRun, newRunId, startRun } from '../runs/run-store.ts';
import type { RunResult } from '../runs/run-result.ts';
import { openQuarantine } from '../transform/quarantine.ts';
import { commitLoad, publishPending } from './commit-load.ts';
import type { Pipeline } from './define-pipeline.ts';
import { extractAndLand, type Landed } from './extract-and-land.ts';
import { attemptOutcome, failedOutcome, type Outcome } from './run-outcome.ts';
import { stageTimer } from './stage-timer.ts';
import { transformAndLoad, type Progress } from './transform-and-load.ts';
import { combineAndLoad } from '../combine/combine-and-load.ts';
import { runWarnings, StrictError, validateLoad } from './validate-load.ts';
import { recordCheckResults } from '../check/check-results.ts';
import { ChecksFailed } from '../check/checks-failed.ts';
import type { CheckResult } from '../check/run-checks.ts';

/** What a run needs from its surroundings. */
export interface RunEnvironment {
  readonly projectDir: string;
  readonly database: Database;
  readonly lake: Lake;
}

/** How this run was asked for. */
export interface RunOptions {
  readonly trigger?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly onProgress?: (progress: Progress) => void;
  /** Identifies the work, e.g. an interval of a schedule: a run key loads at most once. Default: the run id. */
  readonly runKey?: string;
  /** Read these objects instead of the pipeline's source (a replay), and load them even if their content was loaded before. */
  readonly replay?: { readonly source: (params: Readonly<Record<string, string>>) => Source };
  /** Warnings fail the run (before anything commits), as `sluice run --strict`. */
  readonly strict?: boolean;
  /** Once aborted, the run stops at its next step (between objects and batches, and just before COMMIT): it fails, not retried. */
  readonly signal?: AbortSignal;
}

/** Runs `pipeline` once now. Never throws for a failed run: the result says `failed` and why. */
export async function runPipeline(pipeline: Pipeline, env: RunEnvironment, options: RunOptions = {}): Promise<RunResult> {
  const pool = env.database.pool;
  const runId = newRunId();
  const runKey = options.runKey ?? runId;
  const committed = await isCommitted(pool, pipeline.name, runKey);
  // Each attempt at a run key gets the next number; an older attempt still alive is fenced from now on,
  // and one still recorded as running is closed: its process stopped, this attempt took over.
  const attempt = committed ? 0 : await claimAttempt(pool, pipeline.name, runKey);
  if (attempt > 1) await abandonRuns(pool, pipeline.name, runKey, attempt);
  const params = { ...pipeline.params, ...options.params };
  const startedAt = await startRun(pool, { runId, pipeline: pipeline.name, trigger: options.trigger ?? 'manual', runKey, attempt, params });
  const began = performance.now();
  const timer = stageTimer();
  const log = openRunLog(pool, env.lake, pipeline.name, runId, pipeline.logsPrefix);
  log.logger.info({ trigger: options.trigger ?? 'manual', runKey, attempt, destination: pipeline.destination.describe() }, 'run started');
  const quarantine = openQuarantine(env.lake, pipeline.name, runId);
  const prefix = rawPrefix(pipeline.name, runId, startedAt);
  const strict = Boolean(options.strict || pipeline.strict);

  let landed: Landed | undefined;
  let checks: readonly CheckResult[] = [];
  const run = async (): Promise<Outcome> => {
    // A load an earlier run committed but could not publish (its process stopped) is finished first.
    await publishPending({ destination: pipeline.destination, database: env.database, lake: env.lake, pipeline: pipeline.name });
    if (committed) return attemptOutcome({ notes: [`run key ${runKey} was loaded by an earlier run; nothing was extracted or loaded again`] });
    const source = options.replay ? options.replay.source(params) : pipeline.source(params);
    const found = await extractAndLand({ source, pool, lake: env.lake, pipeline: pipeline.name, runId, projectDir: env.projectDir, prefix, replay: Boolean(options.replay), log: log.logger, time: timer.time, together: Boolean(pipeline.combine), signal: options.signal });
    landed = found;
    if (!found.fresh.length) {
      const warnings = found.landed.length ? [] : [`nothing to extract: ${source.describe()} found nothing`];
      if (strict && warnings.length) throw new StrictError(warnings);
      return attemptOutcome({ landed: found, warnings });
    }
    const loaded = await timer.time('load', () => commitLoad({
      destination: pipeline.destination, database: env.database, lake: env.lake, startedAt, pipeline: pipeline.name, runId, runKey, attempt,
      reload: Boolean(options.replay || pipeline.combine), quarantine, checks: pipeline.checks.length > 0, signal: options.signal,
      rowsOnly: Boolean(pipeline.transform) && !pipeline.combine,
      objects: found.fresh.filter((o) => o.bytes > 0).map((o) => ({ name: o.name, rawKey: o.key, sha256: o.sha256, bytes: o.bytes, meta: o.meta })),
      feed: (load) => pipeline.combine
        ? combineAndLoad({ combine: pipeline.combine, source, objects: found.fresh, destination: pipeline.destination, params, quarantine, lake: env.lake, runId, startedAt, log: log.logger }, load)
        : transformAndLoad({ pipeline, source, objects: found.fresh, params, quarantine, lake: env.lake, runId, startedAt, log: log.logger, onProgress: options.onProgress, signal: options.signal }, load),
      validate: async (v) => { checks = await validateLoad({ ...v, pipeline, rejectedObjects: quarantine.objects, strict, pool }); },
    }));
    if (loaded.kind === 'loaded-before') throw new Error(`run key ${runKey} was loaded meanwhile by another run; nothing was loaded again`);
    return attemptOutcome({ landed: found, loaded, warnings: runWarnings(pipeline, loaded.counts, loaded.fed, quarantine.objects, checks) });
  };
  const outcome = await run().catch((failure: unknown) => {
    if (failure instanceof ChecksFailed || failure instanceof StrictError) checks = failure instanceof ChecksFailed ? failure.results : failure.checks;
    return failedOutcome(failure, landed);
  });
  // On the pool, after the outcome: a failing check rolled the load back, and its results are kept all the same.
  await recordCheckResults(pool, runId, pipeline.name, checks).catch((caught: Error) => outcome.notes.push(`could not record the checks' results: ${caught.message}`));
  if (outcome.error) log.logger.error({ retryable: isRetryable(outcome.failure) }, outcome.error);
  // A failed run's rejects are kept for diagnosis under its own run id (the retry quarantines them again under its own).
  const rejectsKey = outcome.rejectsKey ?? (outcome.status === 'failed' ? await keepFailedRejects(quarantine, pool) : undefined);
  if (outcome.manifest.length) {
    await writeManifest(env.lake, prefix, runId, outcome.manifest).catch((caught: Error) => outcome.notes.push(`could not write the raw zone's manifest: ${caught.message}`));
  }
  log.logger.info({ status: outcome.status, counts: outcome.counts, notes: outcome.notes, warnings: outcome.warnings, durationMs: Math.round(performance.now() - began) }, 'run finished');
  const logKey = await log.close().catch(() => null);
  const record = await finishRun(pool, runId, {
    logKey, status: outcome.status, stages: timer.stages(), rawObjects: outcome.rawObjects, notes: outcome.notes, warnings: outcome.warnings, error: outcome.error,
    counts: { ...outcome.counts, rejectedObjects: outcome.status === 'failed' && !outcome.rejectsKey ? 0 : quarantine.objects, objects: outcome.manifest.length, skippedObjects: outcome.skippedObjects, copiedObjects: outcome.copiedObjects },
  });
  return {
    ...record,
    counts: record.counts as RunResult['counts'],
    durationMs: Math.round(performance.now() - began),
    rejects: { key: rejectsKey, objects: quarantine.objects, first: quarantine.first.slice(0, 20) },
    retryable: isRetryable(outcome.failure),
    retryAfterMs: isRetryable(outcome.failure) ? outcome.failure.retryAfterMs : undefined,
    checks,
  };
}

/** Ends a failed run's rejects file and records its first rejects, best effort (the lake may be what failed). */
async function keepFailedRejects(quarantine: ReturnType<typeof openQuarantine>, pool: Database['pool']): Promise<string | undefined> {
  if (!quarantine.count) return undefined;
  await quarantine.abandon();
  await quarantine.record(pool).catch(() => {});
  return quarantine.key;
}
