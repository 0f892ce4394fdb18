/** `postgres.table()`: COPY into staging (or straight into the table for a plain append), one set-based write, and the ledger, in one transaction. */

import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { hasCustomFormat, type Columns, type WriteRow } from '../../transform/columns.ts';
import { parseOptions } from '../../pipeline/parse-options.ts';
import { CsvRefused, type CsvCopy, type Destination, type Load, type LoadContext, type LoadResult, type RowBatch } from '../destination.ts';
import { beginLoad, NOTHING_LOADED } from '../load-transaction.ts';
import { CopyWriter } from './copy-writer.ts';
import { qualified, quoteIdent } from './identifiers.ts';
import { postgresTableConfig, type PostgresTableConfig, type PostgresTableOptions } from './postgres-config.ts';
import { prepareTable, formatType } from './table-schema.ts';
import { applyWriteMode } from './write-modes.ts';
import { curatedBatch, curatedKey } from '../../publish/curated-batch.ts';

/**
 * A table in sluice's database, created from the declared columns if missing.
 * @example
 * destination: postgres.table('covid_daily', {
 *   columns: { date: col.date(), cases: col.bigint(), deaths: col.bigint() },
 *   write: { mode: 'merge', key: ['date'] },
 * })
 */
function table<C extends Columns>(name: string, options: PostgresTableOptions<C>): Destination<WriteRow<C>> {
  quoteIdent(name);
  const config = parseOptions(`postgres.table(${JSON.stringify(name)})`, postgresTableConfig, options);
  const keyed = 'key' in config.write ? config.write.key : [];
  // Key columns can never be null: a row without its key is quarantined, not loaded.
  const columns = Object.fromEntries(Object.entries(config.columns).map(([n, c]) => [n, keyed.includes(n) ? { ...c, nullable: false } : c]));
  return {
    kind: 'postgres',
    columns,
    table: { schema: config.schema, name },
    describe: () => `postgres ${config.schema}.${name} (${config.write.mode}${keyed.length ? ` on ${keyed.join(', ')}` : ''})`,
    open: (ctx) => openLoad(ctx, name, { ...config, columns }),
  };
}

/** A plain append needs no staging: COPY into the table is already atomic inside the transaction. */
function stagingFor(config: PostgresTableConfig): 'none' | 'temp' | 'table' {
  if (config.stageTable) return 'table';
  return config.write.mode === 'append' && !config.write.loadTimestamp ? 'none' : 'temp';
}

async function openLoad(ctx: LoadContext, name: string, config: PostgresTableConfig): Promise<Load> {
  const tx = await beginLoad(ctx);
  const { client, fresh } = tx;
  const target = qualified(config.schema, name);
  const names = Object.keys(config.columns);
  const staging = stagingFor(config);
  const stage = staging === 'table' ? qualified(config.schema, config.stageTable!) : staging === 'temp' ? 'pg_temp.sluice_stage' : target;
  const positions = staging === 'temp';
  const sources: string[] = [];
  let copy: CopyWriter | undefined;
  const curated = config.curated ? curatedBatch(config.columns) : undefined;
  const curatedAt = curatedKey(name, ctx.runId, ctx.startedAt);
  let rows = 0;
  let changes: string[] = [];
  const rollback = async () => {
    curated?.discard();
    await tx.rollback();
  };
  const copyColumns = positions ? [...names, '__source', '__line'] : names;
  /** The COPY that JS-encoded rows stream into: opened on the first write, ended before a raw COPY or the commit. */
  const rowCopy = () => (copy ??= new CopyWriter(client.query(copyFrom(`COPY ${stage} (${copyColumns.map(quoteIdent).join(', ')}) FROM STDIN`))));
  const endRowCopy = async () => {
    await copy?.end();
    copy = undefined;
  };
  const sourceIndex = (source: string) => {
    const index = sources.lastIndexOf(source);
    return index < 0 ? sources.push(source) - 1 : index;
  };
  try {
    if (fresh) {
      changes = await prepareTable(client, name, config);
      if (staging !== 'none') await client.query(createStage(staging, stage, config.columns));
    }
  } catch (error) {
    await rollback();
    throw error;
  }
  return {
    fresh,
    async write(batch: RowBatch) {
      if (!fresh) throw new Error('this run key was loaded before; nothing may be written');
      rows += batch.rows.length;
      await curated?.write(batch.rows);
      if (!positions) return rowCopy().write(batch.rows);
      const index = String(sourceIndex(batch.source));
      await rowCopy().write(batch.rows.map((row, i) => [...row, index, String(batch.lines[i])]));
    },
    // Quarantining every row of a repeated key needs each row's true line, which only the row-by-row path knows;
    // numbers and dates in a declared layout (decimal comma, DD/MM/YYYY) only sluice's own parsing reads;
    // the curated copy is written from the rows as they pass.
    copyCsv: ('duplicates' in config.write && config.write.duplicates === 'reject') || Object.values(config.columns).some(hasCustomFormat) || curated ? undefined : async (csv: CsvCopy): Promise<number> => {
      if (!fresh) throw new Error('this run key was loaded before; nothing may be written');
      await endRowCopy();
      await client.query('SAVEPOINT sluice_object');
      try {
        // Rows of a raw COPY carry their object through the column's default; their order within it is the
        // order COPY appended them in (see resolveDuplicates).
        if (positions) await client.query(`ALTER TABLE ${stage} ALTER COLUMN __source SET DEFAULT ${sourceIndex(csv.source)}`);
        const copied = copyFrom(rawCopy(stage, csv, config.columns));
        await pipeline(csv.body, client.query(copied));
        await client.query('RELEASE SAVEPOINT sluice_object');
        rows += copied.rowCount;
        return copied.rowCount;
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT sluice_object');
        throw new CsvRefused((error as Error).message);
      }
    },
    async commit(objects): Promise<LoadResult> {
      if (!fresh) {
        await rollback();
        return NOTHING_LOADED;
      }
      let published = false;
      try {
        await endRowCopy();
        if (config.write.mode === 'replace' && rows === 0 && !config.write.allowEmpty) {
          throw new Error(`replace: this load has no rows, so ${config.schema}.${name} was left as it was (set write.allowEmpty to let an empty load empty it)`);
        }
        const mode = staging === 'none'
          ? { inserted: rows, updated: 0, unchanged: 0, superseded: 0, duplicates: [] }
          : await applyWriteMode(client, config.write, { target, stage, columns: config.columns, rows });
        const rejects = mode.duplicates.map((d) => ({
          source: sources[d.source] ?? '', line: d.line, reason: `key (${d.key}) appears more than once in this load (duplicates: 'reject')`,
        }));
        const result = { inserted: mode.inserted, updated: mode.updated, unchanged: mode.unchanged, superseded: mode.superseded, rejects, changes: [...changes] };
        // The curated Parquet is written before COMMIT: if it fails, nothing is loaded; if COMMIT fails, it is removed.
        if (curated) {
          await curated.publish(ctx.lake, curatedAt);
          published = true;
          result.changes.push(`wrote ${curatedAt}`);
        }
        await tx.commit(objects, { ...result, rejects: rejects.length, changes: changes.length });
        curated?.discard();
        return result;
      } catch (error) {
        if (published) await ctx.lake.delete(curatedAt).catch(() => {});
        await rollback();
        throw error;
      }
    },
    async abort() {
      curated?.discard();
      // A COPY still open holds the connection: a ROLLBACK would queue behind it forever.
      // Dropping the connection instead makes Postgres roll the transaction back.
      if (copy?.open) tx.drop();
      else await tx.rollback();
    },
  };
}

/** A temporary stage (with the rows' positions, for duplicate handling) or the persistent one, emptied. */
function createStage(staging: 'temp' | 'table', stage: string, columns: Columns): string {
  // NOT NULL as declared: a raw COPY with a missing required value is refused, then quarantined row by row.
  const defs = Object.entries(columns).map(([n, c]) => `${quoteIdent(n)} ${formatType(c)}${c.nullable ? '' : ' NOT NULL'}`);
  return staging === 'temp'
    ? `CREATE TEMP TABLE sluice_stage (${defs.join(', ')}, __source integer, __line integer) ON COMMIT DROP`
    : `CREATE TABLE IF NOT EXISTS ${stage} (${defs.join(', ')}); TRUNCATE ${stage}`;
}

/**
 * COPY of CSV text, parsed by Postgres, with the row-by-row path's null rules: with a null marker, only the
 * marker is null; without one, an unquoted empty field is null except in text columns, where it stays ''.
 */
function rawCopy(stage: string, csv: CsvCopy, columns: Columns): string {
  const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const text = csv.columns.filter((c) => columns[c]?.kind === 'text');
  const options = [`FORMAT csv`, `DELIMITER ${literal(csv.delimiter)}`, `QUOTE ${literal(csv.quote)}`,
    ...(csv.nullValue !== undefined ? [`NULL ${literal(csv.nullValue)}`] : text.length ? [`FORCE_NOT_NULL (${text.map(quoteIdent).join(', ')})`] : [])];
  return `COPY ${stage} (${csv.columns.map(quoteIdent).join(', ')}) FROM STDIN WITH (${options.join(', ')})`;
}

/** Postgres destinations. */
export const postgres = { table };
