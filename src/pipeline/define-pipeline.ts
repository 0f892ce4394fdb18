/** `definePipeline`: a pipeline's definition, checked when its module loads, typed from source to destination. */
import { z } from 'zod';
import { isSource, type Source } from '../extract/source.ts';
import { isDestination, type Destination } from '../load/destination.ts';
import type { TransformFn } from '../transform/transform-batch.ts';
import { parseOptions } from '../config/parse-options.ts';
import { combineSchema, combineSourcesSchema, makeCombine, type Combine, type CombineSourceDefinition } from '../combine/combine-config.ts';
import { combinedSource } from '../combine/combined-source.ts';
import type { AlertRule } from '../alerts/alert-channel.ts';
import type { Trigger } from '../schedule/triggers.ts';
import { parseChecks, type Check, type CheckDeclaration } from '../check/check-config.ts';

type Params = Readonly<Record<string, string>>;

/** What a user writes. `Out` is fixed by the destination's columns; the transform must produce it. */
export interface PipelineDefinition<In, Out, P extends Params> {
  /** Lowercase letters, digits, `-` and `_`; used in the raw zone's keys and the CLI. */
  readonly name: string;
  readonly description?: string;
  /** Named string options with defaults, overridden per run with `sluice run <name> --param key=value`. */
  readonly params?: P;
  /** The source, or a function of the params that makes it. (Or several `sources` and a `combine`.) */
  readonly source?: Source<In> | ((params: P) => Source<In>);
  /**
   * Several sources read in one run, each staged as a table named after it (with its own columns and transform),
   * then joined by `combine` into the destination's rows. Instead of `source` and `transform`.
   */
  readonly sources?: Readonly<Record<string, CombineSourceDefinition<P>>>;
  /** With `sources`: one SELECT over them returning the destination's columns, e.g. `SELECT ... FROM us JOIN recovered USING (date)`. */
  readonly combine?: string | { readonly sql: string };
  /** Per record: the row to load, or null to filter it out. Without it, fields map to columns by name. */
  readonly transform?: TransformFn<In, NoInfer<Out>>;
  readonly destination: Destination<Out>;
  /**
   * How many bad rows a run may quarantine before it fails (loading nothing). Default: no limit.
   * `'fail'` is `{ maxRows: 0 }`.
   */
  readonly rejects?: 'fail' | RejectLimit;
  /**
   * Retries of a run whose failure may pass (timeouts, 429, 5xx, dropped connections); others fail at once.
   * When attempts run out: `fail`, or `skip` (the run is recorded as skipped, e.g. until the next schedule).
   */
  readonly retry?: RetryPolicy;
  /** Where to say how runs went: `email({...})`, `webhook({...})`, or a list of them. */
  readonly alerts?: AlertRule | readonly AlertRule[];
  /** What starts runs under `sluice start`: `cron(...)`, `onFile(...)`, or `manual()` (the default). */
  readonly trigger?: Trigger;
  /** A run asked for while one runs: wait for it (`queue`, the default) or drop it (`skip`). Never two at once. */
  readonly concurrency?: 'queue' | 'skip';
  /**
   * Warnings fail the run, before anything commits: nothing extracted, every row rejected, a header that does
   * not match the declared columns (as `sluice run --strict` for one run). Default false: the run succeeds with warnings.
   */
  readonly strict?: boolean;
  /** The lake folder of this pipeline's run logs: `<logsPrefix>/<pipeline>/<runId>.jsonl`. Default `logs`. */
  readonly logsPrefix?: string;
  /** Charts of the loaded data shown on the pipeline's dashboard page. */
  readonly dashboards?: readonly ChartSpec[];
  /** Data-quality checks over each load's rows, before COMMIT; blocking unless `warn: true` (docs/checks.md). */
  readonly checks?: readonly CheckDeclaration<keyof Out & string>[];
}

/** How a failed run is tried again. */
export interface RetryPolicy {
  /** Tries in all, the first included. Default 1 (no retry). */
  readonly attempts?: number;
  readonly backoff?: 'exponential' | 'fixed';
  /** The first wait; exponential doubles it each time, with jitter. */
  readonly delayMs?: number;
  readonly maxDelayMs?: number;
  readonly then?: 'fail' | 'skip';
}

/** A chart of loaded data for the pipeline's dashboard page: a time (or number) column against numeric columns. */
export interface ChartSpec {
  readonly title: string;
  readonly table: string;
  readonly schema?: string;
  readonly x: string;
  readonly y: readonly string[];
  /** One line per value of this column (the first `y` column), e.g. close price per company. */
  readonly group?: string;
  /** Only these groups (default: the 12 with the most rows). */
  readonly groups?: readonly string[];
}

/** Limits on quarantined rows per run. */
export interface RejectLimit {
  readonly maxRows?: number;
  readonly maxPercent?: number;
}

/** A checked pipeline, as the runner sees it. */
export interface Pipeline {
  readonly name: string;
  readonly description?: string;
  readonly params: Params;
  /** Makes the source for a run's params (for a combine: its sources as one, each object under its source's name). */
  source(params: Params): Source;
  /** Several sources joined in SQL before the load, when the definition has `sources`. */
  readonly combine?: Combine;
  readonly transform?: TransformFn<unknown, object>;
  readonly destination: Destination;
  readonly rejects: RejectLimit;
  readonly retry: Required<RetryPolicy>;
  readonly alerts: readonly AlertRule[];
  readonly trigger: Trigger;
  readonly concurrency: 'queue' | 'skip';
  readonly strict: boolean;
  readonly logsPrefix: string;
  readonly dashboards: readonly ChartSpec[];
  readonly checks: readonly Check[];
}

const alertRule = z.custom<AlertRule>((v) => typeof (v as AlertRule)?.channel?.send === 'function', 'expected an alert such as email({ to }) or webhook({ url })');

const definitionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'expected lowercase letters, digits, - and _, starting with a letter'),
  description: z.string().optional(),
  params: z.record(z.string(), z.string()).default({}),
  source: z.custom<unknown>((v) => isSource(v) || typeof v === 'function', 'expected a source such as files("*.csv")').optional(),
  sources: combineSourcesSchema.optional(),
  combine: combineSchema.optional(),
  transform: z.custom<TransformFn<unknown, object>>((v) => typeof v === 'function', 'expected a function (row, ctx) => row').optional(),
  destination: z.custom<Destination>(isDestination, 'expected a destination such as postgres.table("name", { columns })'),
  rejects: z.union([
    z.literal('fail').transform(() => ({ maxRows: 0 })),
    z.object({ maxRows: z.number().int().min(0).optional(), maxPercent: z.number().min(0).max(100).optional() }).strict(),
  ]).default({}),
  retry: z.object({
    attempts: z.number().int().min(1).max(100).default(1),
    backoff: z.enum(['exponential', 'fixed']).default('exponential'),
    delayMs: z.number().int().min(0).default(5_000),
    maxDelayMs: z.number().int().min(0).default(300_000),
    then: z.enum(['fail', 'skip']).default('fail'),
  }).strict().default({ attempts: 1, backoff: 'exponential', delayMs: 5_000, maxDelayMs: 300_000, then: 'fail' }),
  alerts: z.union([alertRule, z.array(alertRule)]).default([]).transform((a) => (Array.isArray(a) ? a : [a])),
  trigger: z.custom<Trigger>((v) => ['cron', 'file', 'manual'].includes((v as Trigger)?.kind), 'expected cron(...), onFile(...) or manual()').default({ kind: 'manual' }),
  concurrency: z.enum(['queue', 'skip']).default('queue'),
  strict: z.boolean().default(false),
  logsPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a folder name such as Logs').default('logs'),
  dashboards: z.array(z.object({
    title: z.string().min(1), table: z.string().min(1), schema: z.string().optional(), x: z.string().min(1),
    y: z.array(z.string().min(1)).min(1), group: z.string().optional(), groups: z.array(z.string()).optional(),
  }).strict()).default([]),
  checks: z.array(z.unknown()).default([]),
}).strict().superRefine((d, ctx) => {
  if ((d.source === undefined) === (d.sources === undefined)) ctx.addIssue({ code: 'custom', path: ['source'], message: 'expected exactly one of source or sources' });
  if ((d.sources === undefined) !== (d.combine === undefined)) ctx.addIssue({ code: 'custom', path: ['combine'], message: 'sources and combine go together: the combine joins the sources' });
  if (d.sources && d.transform) ctx.addIssue({ code: 'custom', path: ['transform'], message: 'with sources, each source has its own transform (sources.<name>.transform)' });
}).transform(({ sources, combine, ...d }) => ({ ...d, combine: sources && combine !== undefined ? makeCombine(d.name, sources, combine) : undefined }));

/**
 * Defines a pipeline; the module's default export.
 * @example
 * export default definePipeline({
 *   name: 'stocks',
 *   source: files('*.us.txt', { dir: 'sample/Stocks' }),
 *   transform: (row) => ({ stock_date: row.Date, close_value: row.Close }),
 *   destination: postgres.table('historical_stocks_data', { columns: { stock_date: col.date(), close_value: col.numeric(12, 4) } }),
 * });
 */
export function definePipeline<In, Out, P extends Params = Params>(definition: PipelineDefinition<In, Out, P>): Pipeline {
  const name = typeof definition?.name === 'string' ? ` "${definition.name}"` : '';
  const checked = parseOptions(`pipeline${name}`, definitionSchema, definition);
  const { source, combine } = checked;
  const make = (params: Params): Source => {
    if (combine) return combinedSource(Object.fromEntries(Object.entries(combine.sources).map(([name, s]) => [name, s.source(params)])));
    const made = typeof source === 'function' && !isSource(source) ? (source as (p: Params) => unknown)(params) : source;
    if (!isSource(made)) throw new Error(`pipeline "${checked.name}": source(params) did not return a source`);
    return made;
  };
  const checks = parseChecks(`pipeline${name}`, checked.checks, checked.destination.columns);
  return Object.freeze({ ...checked, checks, source: make, [PIPELINE]: true });
}

const PIPELINE = Symbol.for('sluice.pipeline');

/** True for what `definePipeline` returns. */
export function isPipeline(value: unknown): value is Pipeline {
  return typeof value === 'object' && value !== null && PIPELINE in value;
}
