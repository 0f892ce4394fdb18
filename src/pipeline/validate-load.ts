/** The validate step of the commit protocol: everything that can fail a load is decided here, before COMMIT. */
import type pg from 'pg';
import { checkLoad, checkWarnings } from '../check/check-load.ts';
import type { CheckResult } from '../check/run-checks.ts';
import type { Fed, Staged } from '../load/destination.ts';
import { checkRowAccounting, type Counts } from '../runs/counts.ts';
import type { Pipeline } from './define-pipeline.ts';

/** What the load holds once staged, for the decisions before COMMIT. */
export interface Validation {
  readonly pipeline: Pipeline;
  /** The counts this load would commit. */
  readonly counts: Counts;
  /** The staged rows (their `rows` relation is there when the pipeline declares checks). */
  readonly staged: Staged;
  readonly fed: Fed;
  /** Whole objects quarantined so far. */
  readonly rejectedObjects: number;
  /** Warnings fail the run (`sluice run --strict`, or the pipeline's `strict: true`). */
  readonly strict: boolean;
  /** sluice's database, for what checks compare with (the previous load's row count). */
  readonly pool: pg.Pool;
}

/**
 * Decides on a staged load, inside its transaction: throws to fail it, leaving target, ledger and rejects untouched.
 * Order: accounting of what was read, reject limits, then data-quality checks over the staged rows.
 */
export async function validateLoad(validation: Validation): Promise<readonly CheckResult[]> {
  const { pipeline, counts } = validation;
  checkRowAccounting(counts);
  checkRejectLimit(pipeline, counts, true);
  // A blocking check that fails throws ChecksFailed (carrying every result): nothing of the load commits.
  const checks = await checkLoad(pipeline.checks, validation.staged.rows, { pipeline: pipeline.name, columns: pipeline.destination.columns, pool: validation.pool });
  const warnings = runWarnings(pipeline, counts, validation.fed, validation.rejectedObjects, checks);
  if (validation.strict && warnings.length) throw new StrictError(warnings, checks);
  return checks;
}

/** A run with warnings under `strict`: it fails before COMMIT, so nothing is loaded. */
export class StrictError extends Error {
  override readonly name = 'StrictError';
  /** The checks' results, recorded on the failed run. */
  readonly checks: readonly CheckResult[];
  constructor(warnings: readonly string[], checks: readonly CheckResult[] = []) {
    super(`strict: the run has warnings, so nothing was loaded: ${warnings.join('; ')}`);
    this.checks = checks;
  }
}

/** A load's warnings: the rows' and the warned checks'. A land-only run reads no rows, so it has none. */
export function runWarnings(pipeline: Pipeline, counts: Pick<Counts, 'extracted' | 'loaded' | 'rejected'>, fed: Pick<Fed, 'warnings'>, rejectedObjects: number, checks: readonly CheckResult[]): string[] {
  return pipeline.destination.landOnly ? [] : [...loadWarnings(counts, fed, rejectedObjects), ...checkWarnings(checks)];
}

/** What needs a person's attention in a load that would otherwise succeed. */
function loadWarnings(counts: Pick<Counts, 'extracted' | 'loaded' | 'rejected'>, fed: Pick<Fed, 'warnings'>, rejectedObjects: number): string[] {
  const warnings = [...fed.warnings];
  if (counts.loaded === 0 && (counts.rejected > 0 || rejectedObjects > 0)) {
    warnings.push(`loaded nothing: every row was rejected (${counts.rejected} row(s), ${rejectedObjects} file(s)); see the rejects`);
  } else if (counts.extracted === 0) {
    warnings.push('extracted no rows: the source\'s objects held no records (a different layout than expected, or an error page?)');
  }
  return warnings;
}

/** Fails the run once its rejects pass the pipeline's limit (a count as soon as it is passed; a percent at the end). */
export function checkRejectLimit(pipeline: Pipeline, counts: Pick<Counts, 'extracted' | 'rejected'>, atEnd: boolean): void {
  const { maxRows, maxPercent } = pipeline.rejects;
  if (maxRows !== undefined && counts.rejected > maxRows) {
    throw new Error(`${counts.rejected} rows rejected, more than the pipeline allows (rejects.maxRows: ${maxRows}); nothing was loaded`);
  }
  if (atEnd && maxPercent !== undefined && counts.extracted && (counts.rejected / counts.extracted) * 100 > maxPercent) {
    throw new Error(`${((counts.rejected / counts.extracted) * 100).toFixed(2)}% of rows rejected, more than the pipeline allows (rejects.maxPercent: ${maxPercent}); nothing was loaded`);
  }
}
