/** Runs a pipeline once through its stages, in order: extract, land, transform + load, record. Start reading here. */
import type { Database } from '../database/database.ts';
import { isRetryable } from '../extract/errors.ts';
import type { Lake } from '../lake/lake.ts';
import { land, rawPrefix, writeManifest, type LandedObject, type ManifestEntry } from '../lake/raw-zone.ts';
import { claimAttempt, isCommitted, loadedContent, previousObject } from '../load/ledger.ts';
import { checkAccounting, emptyCounts, type Counts } from '../runs/counts.ts';
import { abandonRuns, finishRun, newRunId, startRun, type RunRecord, type StageTiming } from '../runs/run-store.ts';
import { openQuarantine } from '../transform/quarantine.ts';
import { openRunLog } from '../runs/run-log.ts';
import type { Pipeline } from './define-pipeline.ts';
import type { Source } from '../extract/source.ts';
import { transformAndLoad, type Progress } from './transform-and-load.ts';

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
}

/** A finished run: the run record plus what the CLI prints. */
export interface RunResult extends RunRecord {
  readonly counts: Counts & Record<string, number>;
  readonly durationMs: number;
  /** Rejected files and the first rejected rows, for the summary. */
  readonly rejects: { readonly key?: string; readonly objects: number; readonly first: readonly { source: string; line: number; reason: string }[] };
  /** The failure may pass if the run is tried again (timeout, 429, 5xx...); how long the server asked to wait. */
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

/** Runs `pipeline` once now. Never throws for a failed run: the result says `failed` and why. */
export async function runPipeline(pipeline: Pipeline, env: RunEnvironment, options: RunOptions = {}): Promise<RunResult> {
  const runId = newRunId();
  const runKey = options.runKey ?? runId;
  const committed = await isCommitted(env.database.pool, pipeline.name, runKey);
  // Each attempt at a run key gets the next number; an older attempt still alive is fenced from now on.
  const attempt = committed ? 0 : await claimAttempt(env.database.pool, pipeline.name, runKey);
  if (attempt > 1) await abandonRuns(env.database.pool, pipeline.name, runKey, attempt);
  const params = { ...pipeline.params, ...options.params };
  const startedAt = await startRun(env.database.pool, { runId, pipeline: pipeline.name, trigger: options.trigger ?? 'manual', runKey, attempt, params });
  const began = performance.now();
  const stages: StageTiming[] = [];
  const time = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      stages.push({ stage, startedAt, ms: Math.round(performance.now() - t0) });
    }
  };
  const log = openRunLog(env.database.pool, env.lake, pipeline.name, runId, pipeline.logsPrefix);
  log.logger.info({ trigger: options.trigger ?? 'manual', runKey, attempt, destination: pipeline.destination.describe() }, 'run started');
  const counts: Counts = emptyCounts();
  const quarantine = openQuarantine(env.lake, env.database.pool, pipeline.name, runId);
  const prefix = rawPrefix(pipeline.name, runId, startedAt);
  const landed: LandedObject[] = [];
  const skipped: ManifestEntry[] = [];
  const rows = new Map<string, number>();
  const copied = { count: 0 };
  const notes: string[] = [];
  let error: string | null = null;
  let failure: unknown;
  try {
    if (committed) {
      notes.push(`run key ${runKey} was loaded by an earlier run; nothing was extracted or loaded again`);
      throw SKIP;
    }
    const source = options.replay ? options.replay.source(params) : pipeline.source(params);
    const found = await time('extract', () => source.list({ projectDir: env.projectDir, runId, previous: (name) => previousObject(env.database.pool, pipeline.name, name) }));
    log.logger.info({ source: source.describe(), objects: found.length }, 'extracted');
    if (!found.length) notes.push(`nothing to extract: ${source.describe()} found nothing`);
    await time('land', async () => {
      for (const object of found) {
        const landedObject = await land(env.lake, prefix, object);
        landed.push(landedObject);
        log.logger.info({ object: object.name, key: landedObject.key, bytes: landedObject.bytes, sha256: landedObject.sha256 }, 'landed');
      }
    });
    // A replay re-derives what was loaded before, on purpose: the content ledger does not stop it.
    const fresh = await skipLoaded(env, pipeline.name, landed, skipped, Boolean(options.replay));
    for (const s of skipped) log.logger.info({ object: s.name, reason: s.skipped }, 'skipped');
    notes.push(...await time('load', () => transformAndLoad({
      pipeline, source, objects: fresh, params, counts, quarantine, rows, copied, log: log.logger, onProgress: options.onProgress,
      lake: env.lake, load: { database: env.database, lake: env.lake, startedAt, pipeline: pipeline.name, runId, runKey, attempt, reload: Boolean(options.replay) },
    })));
    checkAccounting(counts);
  } catch (caught) {
    if (caught !== SKIP) {
      failure = caught;
      error = caught instanceof Error ? caught.message : String(caught);
    }
  }
  if (error) log.logger.error({ retryable: isRetryable(failure) }, error);
  const rejectsKey = await quarantine.close().catch((caught: Error) => {
    error ??= `could not write rejects: ${caught.message}`;
    return undefined;
  });
  const kept = landed.filter((o) => !skipped.some((s) => s.sha256 === o.sha256 && s.name === o.name));
  const manifest: ManifestEntry[] = [...kept.map((o) => ({ ...o, rows: rows.get(o.key) })), ...skipped];
  if (manifest.length) {
    await writeManifest(env.lake, prefix, runId, manifest).catch((caught: Error) => notes.push(`could not write the raw zone's manifest: ${caught.message}`));
  }
  log.logger.info({ status: error ? 'failed' : 'succeeded', counts, notes, durationMs: Math.round(performance.now() - began) }, 'run finished');
  const logKey = await log.close().catch(() => null);
  const record = await finishRun(env.database.pool, runId, {
    logKey,
    status: error ? 'failed' : 'succeeded',
    stages,
    counts: { ...counts, rejectedObjects: quarantine.objects, objects: manifest.length, skippedObjects: skipped.length, copiedObjects: copied.count },
    rawObjects: kept.map((o) => o.key),
    notes,
    error,
  });
  return {
    ...record,
    counts: record.counts as RunResult['counts'],
    durationMs: Math.round(performance.now() - began),
    rejects: { key: rejectsKey, objects: quarantine.objects, first: quarantine.first.slice(0, 20) },
    retryable: isRetryable(failure),
    retryAfterMs: isRetryable(failure) ? failure.retryAfterMs : undefined,
  };
}

/** Ends a run early without an error (its run key was loaded before). */
const SKIP = Symbol('skip');

/**
 * Drops objects whose content this pipeline already loaded (or that repeat within this run) from the load,
 * and from the raw zone: re-running on the same files lands and loads nothing twice.
 */
async function skipLoaded(env: RunEnvironment, pipeline: string, landed: readonly LandedObject[], skipped: ManifestEntry[], replay: boolean): Promise<LandedObject[]> {
  const loaded = replay ? new Set<string>() : await loadedContent(env.database.pool, pipeline, landed.map((o) => o.sha256));
  const inRun = new Map<string, string>();
  const fresh: LandedObject[] = [];
  for (const object of landed) {
    // An empty object has no rows to duplicate: it is always read, so each one is reported.
    const reason = object.bytes === 0 ? undefined : loaded.has(object.sha256) ? 'already loaded' : inRun.has(object.sha256) ? `same content as ${inRun.get(object.sha256)}` : undefined;
    if (!reason) {
      if (object.bytes) inRun.set(object.sha256, object.name);
      fresh.push(object);
      continue;
    }
    await env.lake.delete(object.key);
    const { key: _key, ...rest } = object;
    skipped.push({ ...rest, skipped: reason });
  }
  return fresh;
}
