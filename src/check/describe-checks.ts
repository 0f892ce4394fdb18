/** Checks' results in words, for the run summary, alerts and errors. */
import type { Check } from './check-config.ts';
import type { CheckResult } from './run-checks.ts';

/** `3 passed, 1 warned, 0 failed`, and a line for each check that did not pass (with its first failing values). */
export function describeChecks(results: readonly CheckResult[]): { readonly summary: string; readonly lines: readonly string[] } {
  const n = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  return {
    summary: `${n('passed')} passed, ${n('warned')} warned, ${n('failed')} failed`,
    lines: results.filter((r) => r.status !== 'passed').map((r) => `${r.status}: ${r.name}: ${r.message}${first(r)}`),
  };
}

/** ` (first: 31 at supplier.tbl line 7, 25 at supplier.tbl line 9)`: up to three failing values and where they came from. */
export function first(result: CheckResult, check?: Check): string {
  const key = check?.kind === 'uniqueKey' ? check.key : result.column && result.kind !== 'sql' ? [result.column] : undefined;
  const values = result.samples.slice(0, 3).map((row) => {
    const { __source, __line, ...rest } = row;
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
