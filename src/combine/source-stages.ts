/** Each source's rows staged into the load's transaction: one temporary table per source, named after it, filled by COPY. */
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { CopyWriter } from '../load/postgres/copy-writer.ts';
import { quoteIdent } from '../load/postgres/identifiers.ts';
import { formatType } from '../load/postgres/table-schema.ts';
import type { ColumnValue } from '../transform/column-coercer.ts';
import type { Columns } from '../transform/columns.ts';

/** The staged sources of one load. */
export interface SourceStages {
  /** Appends rows (the columns' canonical text, in declaration order) to the source's table. */
  write(source: string, rows: readonly (readonly ColumnValue[])[]): Promise<void>;
  /** Ends the COPY in progress; resolves to the rows staged per source. */
  end(): Promise<Readonly<Record<string, number>>>;
  /** True while a COPY is open (the connection can then only be dropped, not rolled back). */
  readonly copying: boolean;
}

/**
 * Creates a temporary table per source (typed as declared, dropped at COMMIT or ROLLBACK) in the transaction of
 * `client`. The tables shadow any table of the same name for the rest of the transaction: the join reads them by name.
 */
export async function stageSources(client: pg.ClientBase, sources: Readonly<Record<string, Columns>>): Promise<SourceStages> {
  for (const [name, columns] of Object.entries(sources)) {
    // NOT NULL as declared: a required value missing from a source is quarantined before it reaches the table.
    const defs = Object.entries(columns).map(([n, c]) => `${quoteIdent(n)} ${formatType(c)}${c.nullable ? '' : ' NOT NULL'}`);
    await client.query(`CREATE TEMP TABLE ${quoteIdent(name)} (${defs.join(', ')}) ON COMMIT DROP`);
  }
  const staged: Record<string, number> = Object.fromEntries(Object.keys(sources).map((n) => [n, 0]));
  let current: { source: string; copy: CopyWriter } | undefined;
  const endCopy = async () => {
    const open = current;
    current = undefined;
    await open?.copy.end();
  };
  return {
    get copying() {
      return current !== undefined;
    },
    async write(source, rows) {
      const columns = sources[source];
      if (!columns) throw new Error(`no staged source ${JSON.stringify(source)} (sources: ${Object.keys(sources).join(', ')})`);
      if (!rows.length) return;
      // One COPY at a time on a connection: rows of another source end the current one.
      if (current?.source !== source) {
        await endCopy();
        const sql = `COPY ${quoteIdent(source)} (${Object.keys(columns).map(quoteIdent).join(', ')}) FROM STDIN`;
        current = { source, copy: new CopyWriter(client.query(copyFrom(sql))) };
      }
      await current.copy.write(rows);
      staged[source]! += rows.length;
    },
    async end() {
      await endCopy();
      return { ...staged };
    },
  };
}
