/** Triggers: what starts a pipeline's runs besides `sluice run` (a schedule, or files arriving). */
import { randomBytes } from 'node:crypto';
import { Cron } from 'croner';

/** A cron schedule. Missed ticks (sluice was down) are caught up per `catchUp`. */
export interface CronTrigger {
  readonly kind: 'cron';
  readonly expression: string;
  readonly timezone: string;
  /** skip: only ticks from now on; latest: the last missed tick too; all: every missed tick (at most 1000). */
  readonly catchUp: 'skip' | 'latest' | 'all';
}

/** The trigger's schedule, for computing ticks (never started: sluice fires ticks itself). */
function schedule(trigger: Pick<CronTrigger, 'expression' | 'timezone'>): Cron {
  return new Cron(trigger.expression, { timezone: trigger.timezone, paused: true });
}

/** Files arriving in a folder or bucket prefix: each new (or changed) object starts one run. */
export interface FileTrigger {
  readonly kind: 'file';
  readonly pattern: string;
  readonly dir: string;
  /** At most one run per day or hour, whatever arrives (a marker such as `.SUCCESS` uploaded twice runs once). */
  readonly atMost?: '1/day' | '1/hour';
  readonly pollSeconds: number;
}

/** Only `sluice run` (and the dashboard's Run now) start runs. */
export interface ManualTrigger {
  readonly kind: 'manual';
}

export type Trigger = CronTrigger | FileTrigger | ManualTrigger;

/**
 * A schedule (croner syntax, seconds optional), in a time zone, correct across daylight-saving changes.
 * @example
 * trigger: cron('0 * * * *', { timezone: 'Europe/Paris', catchUp: 'latest' })
 */
export function cron(expression: string, options: { timezone?: string; catchUp?: CronTrigger['catchUp'] } = {}): CronTrigger {
  const timezone = options.timezone ?? 'UTC';
  try {
    schedule({ expression, timezone }).nextRun();
  } catch (error) {
    throw new Error(`cron(${JSON.stringify(expression)}): ${(error as Error).message}`);
  }
  return { kind: 'cron', expression, timezone, catchUp: options.catchUp ?? 'latest' };
}

/**
 * Files arriving: one run per new object matching `pattern` in `dir` (a folder or `s3://bucket/prefix`), or a
 * marker that releases the batch it marks.
 * @example
 * trigger: onFile('.SUCCESS', { dir: 'landing/stocks', atMost: '1/day' })
 */
export function onFile(pattern: string, options: { dir?: string; atMost?: FileTrigger['atMost']; pollSeconds?: number } = {}): FileTrigger {
  return { kind: 'file', pattern, dir: options.dir ?? '.', atMost: options.atMost, pollSeconds: options.pollSeconds ?? 5 };
}

/** The run key of one manual request ("Run now"): its time plus a random part, so two requests in the same millisecond are two runs. */
export function manualRunKey(now = new Date()): string {
  return `manual:${now.toISOString()}:${randomBytes(6).toString('hex')}`;
}

/** Runs only when asked. */
export function manual(): ManualTrigger {
  return { kind: 'manual' };
}

/**
 * The ticks of `trigger` in (after, now] that are due, per its catch-up policy for ticks missed before the
 * scheduler started: skip them, run only the latest, or run them all (at most 1000 a call).
 */
export function dueTicks(trigger: CronTrigger, after: Date, now: Date, startedAt: Date): Date[] {
  const times = schedule(trigger);
  let from = after;
  if (trigger.catchUp === 'skip' && from < startedAt) from = new Date(startedAt.getTime() - 1);
  if (trigger.catchUp === 'latest' && from < startedAt) {
    const latest = times.previousRuns(1, startedAt)[0];
    if (latest && latest > from) from = new Date(latest.getTime() - 1);
  }
  const ticks: Date[] = [];
  for (let next = times.nextRun(from); next && next <= now && ticks.length < 1000; next = times.nextRun(next)) ticks.push(next);
  return ticks;
}

/**
 * The run key and params of a cron tick: the interval it closes, as `interval_start` and `interval_end`
 * (ISO times), so a pipeline can read just that interval. Backfills use the same keys: a tick runs once.
 */
export function tickRun(trigger: CronTrigger, tick: Date): { key: string; params: Record<string, string> } {
  const previous = schedule(trigger).previousRuns(1, tick)[0];
  return {
    key: `cron:${tick.toISOString()}`,
    params: { interval_start: (previous ?? tick).toISOString(), interval_end: tick.toISOString() },
  };
}

/** Every tick of the trigger in [from, to]. */
export function ticksBetween(trigger: CronTrigger, from: Date, to: Date, limit = 10_000): Date[] {
  const times = schedule(trigger);
  const ticks: Date[] = [];
  for (let next = times.nextRun(new Date(from.getTime() - 1)); next && next <= to && ticks.length < limit; next = times.nextRun(next)) ticks.push(next);
  return ticks;
}

/** When the trigger is next due, after `from` (for sleeping until then). */
export function nextTick(trigger: CronTrigger, from: Date): Date | null {
  return schedule(trigger).nextRun(from);
}

/** A trigger in words, for people. */
export function describeTrigger(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'cron': return `cron ${trigger.expression} (${trigger.timezone})`;
    case 'file': return `files ${trigger.dir.replace(/\/+$/, '')}/${trigger.pattern}${trigger.atMost ? `, at most ${trigger.atMost}` : ''}`;
    case 'manual': return 'manual';
  }
}
