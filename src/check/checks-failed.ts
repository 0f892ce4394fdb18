/** The error a run fails with when blocking checks failed: it names each check and its first failing values. */
import type { Check } from './check-config.ts';
import type { CheckResult } from './run-checks.ts';
import { first } from './describe-checks.ts';

/** Blocking checks failed; the load was rolled back. Terminal: the same input fails the same way until it is fixed. */
export class ChecksFailed extends Error {
  override readonly name = 'ChecksFailed';
  readonly results: readonly CheckResult[];
  constructor(results: readonly CheckResult[], checks: readonly Check[]) {
    const failed = results.filter((r) => r.status === 'failed');
    const each = failed.map((r) => `"${r.name}" failed: ${r.message}${first(r, checks.find((c) => c.name === r.name))}`);
    super(`${failed.length === 1 ? `check ${each[0]}` : `${failed.length} checks failed: ${each.map((e) => e.replace(' failed: ', ': ')).join('; ')}`}; nothing was loaded`);
    this.results = results;
  }
}
