/** `sluice run <pipeline>`: one run now, in this process, with progress on stderr and a summary or JSON on stdout. */
import os from 'node:os';
import { loadPipeline } from '../pipeline/project.ts';
import { executeRun } from '../pipeline/execute-run.ts';
import type { RunResult } from '../runs/run-result.ts';
import type { SentAlert } from '../alerts/send-alerts.ts';
import { DefinitionError } from '../config/parse-options.ts';
import { withContext } from './context.ts';
import { progressReporter } from './progress.ts';
import { number, seconds } from './format.ts';
import { describeChecks } from '../check/describe-checks.ts';

interface Options {
  readonly project: string;
  readonly json?: boolean;
  readonly param: readonly string[];
  readonly runKey?: string;
  readonly strict?: boolean;
}

/** `--param key=value` pairs as an object. */
export function parseParams(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new DefinitionError(`--param ${pair}: expected key=value`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }));
}

export async function runCommand(name: string, options: Options): Promise<void> {
  const params = parseParams(options.param);
  const stop = stopOnSignals();
  const ran = withContext(options.project, async (ctx) => {
    const pipeline = await loadPipeline(ctx.project, name);
    const progress = progressReporter(name);
    try {
      return await executeRun(pipeline, { projectDir: ctx.project.dir, database: ctx.database, lake: ctx.lake, alerts: ctx.project.alerts },
        { params, runKey: options.runKey, strict: options.strict, onProgress: progress.update, signal: stop.signal });
    } finally {
      progress.stop();
    }
  }).finally(stop.release);
  // Stopped before the run began (queued behind another run of the pipeline): nothing ran, and the exit code says why.
  const result = await ran.catch((error: unknown) => {
    if (!stop.signal.aborted) throw error;
    process.stderr.write(`sluice: ${(error as Error).message}\n`);
    process.exitCode = 128 + (os.constants.signals[stop.signal.reason as NodeJS.Signals] ?? 0);
    return null;
  });
  if (result === null) return;
  if (!result) {
    process.stderr.write(`${name}: another run of this pipeline is in progress (concurrency: skip); nothing was run\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(options.json ? JSON.stringify(contractJson(result)) + '\n' : summary(result, options.project));
  // A signal that came too late to stop the run (after COMMIT) leaves a run that succeeded: 0 all the same.
  process.exitCode = result.status === 'succeeded' ? 0 : stop.signal.aborted ? 128 + (os.constants.signals[stop.signal.reason as NodeJS.Signals] ?? 0) : 1;
}

/**
 * SIGTERM or Ctrl-C stops the run at its next step (cancelling the statement its load runs): it rolls back, is recorded failed ("stopped by SIGTERM ..."),
 * alerts go out, and sluice exits 128 + the signal's number (0 if the run had committed already). A second signal
 * exits at once (the run's record is then closed by the next command that finds it).
 */
function stopOnSignals() {
  const controller = new AbortController();
  const handlers = (['SIGTERM', 'SIGINT'] as const).map((signal) => {
    const handler = () => {
      if (controller.signal.aborted) process.exit(128 + os.constants.signals[signal]);
      process.stderr.write(`sluice: ${signal}: stopping the run at its next step, before it commits (again to exit at once)\n`);
      controller.abort(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return { signal: controller.signal, release: () => handlers.forEach((off) => off()) };
}

/** The object `sluice run --json` prints: exactly these keys (PRODUCT.md, CLI contract, plus `warnings` and `checks`). */
export function contractJson(result: RunResult) {
  const { extracted, loaded, rejected, filtered, inserted, updated, unchanged } = result.counts;
  return {
    runId: result.runId,
    pipeline: result.pipeline,
    status: result.status,
    counts: { extracted, loaded, rejected, filtered, inserted, updated, unchanged },
    rawObjects: result.rawObjects,
    durationMs: result.durationMs,
    error: result.error,
    warnings: result.warnings,
    checks: result.checks,
  };
}

function summary(result: RunResult & { readonly alerts: readonly SentAlert[] }, project: string): string {
  const c = result.counts;
  const lines = [
    `${result.pipeline}: ${result.status} in ${seconds(result.durationMs)} (run ${result.runId}${result.attempt > 1 ? `, attempt ${result.attempt}` : ''})`,
    `  rows     extracted ${number(c.extracted)} = loaded ${number(c.loaded)} + rejected ${number(c.rejected)} + filtered ${number(c.filtered)}`,
    `  table    inserted ${number(c.inserted)}, updated ${number(c.updated)}, unchanged ${number(c.unchanged)}`,
    `  files    ${number(result.rawObjects.length)} landed in the raw zone` +
      (c.skippedObjects ? `, ${number(c.skippedObjects)} skipped (content already loaded)` : '') +
      (result.rejects.objects ? `, ${number(result.rejects.objects)} rejected` : ''),
    `  stages   ${result.stages.map((s) => `${s.stage} ${seconds(s.ms)}`).join(', ')}`,
  ];
  if (result.rejects.key) {
    lines.push(`  rejects  quarantined in ${result.rejects.key} (lake) and sluice.rejects:`);
    for (const r of result.rejects.first.slice(0, 5)) lines.push(`           ${r.source} line ${r.line}: ${r.reason}`);
    const more = c.rejected + result.rejects.objects - Math.min(5, result.rejects.first.length);
    if (more > 0) lines.push(`           ... and ${number(more)} more`);
  }
  // Each warned check is a warning below, a failed one the error: here, how they all went.
  if (result.checks.length) lines.push(`  checks   ${describeChecks(result.checks).summary}`);
  for (const warning of result.warnings) lines.push(`  warning  ${warning}`);
  for (const note of result.notes) lines.push(`  note     ${note}`);
  for (const a of result.alerts) lines.push(`  alert    ${a.event} to ${a.channel}: ${a.status}${a.error ? ` (${a.error})` : ''}`);
  if (result.error) lines.push(`  error    ${result.error}${result.retryable && result.status === 'failed' ? ' (retryable)' : ''}`);
  if (result.status === 'succeeded' && c.inserted) {
    lines.push(`  next     npx sluice runs --project ${project}`);
  }
  return lines.join('\n') + '\n';
}
