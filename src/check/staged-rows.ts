/** What checks read: this load's rows before COMMIT, as a SQL relation in Postgres or in DuckDB. */

/**
 * This load's rows before COMMIT, for data-quality checks (set-based SQL). Structurally the `StagedRows` a
 * load exposes (src/load/destination.ts); declared here too so the check stage depends on nothing else.
 */
export interface StagedRows {
  /** 'postgres': `relation` names a table visible in the load's transaction; 'duckdb': a DuckDB relation (e.g. read_parquet('...')) over the staged Parquet. */
  readonly engine: 'postgres' | 'duckdb';
  /** A SQL relation holding exactly the rows this load will commit (after in-batch duplicate resolution), with the destination's columns, plus __source (text, object name) and __line (bigint) columns when known. */
  readonly relation: string;
  /** The destination table as it is before this load's write statement, when there is one. */
  readonly target?: string;
  /** Runs one read query in the load's transaction/session; rows as objects. */
  query(sql: string, values?: readonly unknown[]): Promise<Record<string, unknown>[]>;
}
