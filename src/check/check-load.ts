/** The check step of a load's validation: the pipeline's checks over its staged rows, before COMMIT. */
import type pg from 'pg';
import type { Columns } from '../transform/columns.ts';
import type { Check } from './check-config.ts';
import { ChecksFailed } from './checks-failed.ts';
import { first } from './describe-checks.ts';
import { previousLoadRows } from './previous-load-rows.ts';
import { runChecks, type CheckResult } from './run-checks.ts';
import { CHECK_WORK_MEM, withSettings } from './with-settings.ts';
import type { StagedRows } from '../load/destination.ts';

/** What the step needs of the run. */
export interface CheckLoadContext {
  readonly pipeline: string;
  readonly columns: Columns;
  readonly pool: pg.Pool;
}

/** Runs `checks` over `rows`; returns every result, or throws ChecksFailed (carrying them) when a blocking check failed. */
export async function checkLoad(checks: readonly Check[], rows: StagedRows | undefined, context: CheckLoadContext): Promise<CheckResult[]> {
  if (!checks.length) return [];
  if (!rows) throw new Error('the pipeline declares checks, but its destination exposed no staged rows to check');
  const compares = checks.some((c) => c.kind === 'rowCount' && c.withinPercent !== undefined);
  const previousRows = compares ? await previousLoadRows(context.pool, context.pipeline) : null;
  // Enough memory for the checks' sorts and hashes over a few million rows, in this step only.
  const results = await withSettings(rows, { work_mem: CHECK_WORK_MEM }, () => runChecks(checks, rows, { columns: context.columns, previousRows, pool: context.pool }));
  if (results.some((r) => r.status === 'failed')) throw new ChecksFailed(results, checks);
  return results;
}

/** The run's warnings from checks that warned: `check "low <= high" warned: 2 of 300 rows ... (first: ...)`. */
export function checkWarnings(results: readonly CheckResult[]): string[] {
  return results.filter((r) => r.status === 'warned').map((r) => `check "${r.name}" warned: ${r.message}${first(r)}`);
}
