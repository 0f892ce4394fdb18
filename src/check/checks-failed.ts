/** The error a run fails with when blocking checks failed: it names each check and its first failing values. */
import type { Check } from './check-config.ts';
import type { CheckResult } from './run-checks.ts';

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

/** ` (first: 31 at supplier.tbl line 7, 25 at supplier.tbl line 9)`: up to three failing values and where they came from. */
function first(result: CheckResult, check: Check | undefined): string {
  const values = result.samples.slice(0, 3).map((row) => {
    const { __source, __line, ...rest } = row;
    const key = check?.kind === 'uniqueKey' ? check.key : result.column ? [result.column] : undefined;
    const value = key ? (key.length === 1 ? show(rest[key[0]!]) : `(${key.map((k) => show(rest[k])).join(', ')})`) : JSON.stringify(rest);
    const at = __source !== undefined && __source !== null ? ` at ${__source}${__line !== undefined && __line !== null ? ` line ${__line}` : ''}` : '';
    return `${value.length > 80 ? `${value.slice(0, 77)}...` : value}${at}`;
  });
  return values.length ? ` (first: ${values.join(', ')})` : '';
}

function show(value: unknown): string {
  // Plain words and numbers as they are (Postgres gives numerics as text); anything else quoted, so '' and ' x' show.
  if (value === null || value === undefined) return 'null';
  return typeof value === 'string' && !/^[\w.:+-]+$/.test(value) ? JSON.stringify(value) : typeof value === 'object' ? JSON.stringify(value) : String(value);
}
