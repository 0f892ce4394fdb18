/** Postgres settings for one part of the check step, set in the load's transaction and set back after it. */
import type { StagedRows } from '../load/destination.ts';

/**
 * `work_mem` of the check queries: their sorts and hashes over a few million staged rows stay in memory or spill
 * less than at Postgres's default 4MB. Bounded (one check query runs at a time per load); never lowers a larger setting.
 */
export const CHECK_WORK_MEM = '256MB';

/**
 * Runs `work` with `settings` in force for the load's transaction (set_config(..., true), i.e. SET LOCAL), then
 * puts the previous values back. `work_mem` is only raised. DuckDB-staged rows run `work` as it is.
 */
export async function withSettings<T>(rows: StagedRows, settings: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  if (rows.engine !== 'postgres') return work();
  const before: [string, string][] = [];
  for (const [name, value] of Object.entries(settings)) {
    // work_mem is only raised: a session given more keeps it.
    const [row] = name === 'work_mem'
      ? await rows.query(`SELECT current_setting('work_mem') AS was, pg_size_bytes(current_setting('work_mem')) >= pg_size_bytes($1) AS enough`, [value])
      : await rows.query(`SELECT current_setting($1) AS was, false AS enough`, [name]);
    if (row!.enough === true) continue;
    before.push([name, String(row!.was)]);
    await rows.query(`SELECT set_config($1, $2, true)`, [name, value]);
  }
  const result = await work();
  // After a failed check query the transaction is aborted; its ROLLBACK ends the SET LOCALs too.
  for (const [name, was] of before) {
    await rows.query(`SELECT set_config($1, $2, true)`, [name, was]).catch((error: { code?: string }) => {
      if (error.code !== '25P02') throw error;
    });
  }
  return result;
}
