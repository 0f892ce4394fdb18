/** `postgres.table()`: COPY into staging (or straight into the table for a plain append) and one set-based write, on the ledger's transaction. */

import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { hasCustomFormat, type Columns, type WriteRow } from '../../transform/columns.ts';
import { parseOptions } from '../../config/parse-options.ts';
import { CsvRefused, type Applied, type CsvCopy, type Destination, type Load, type LoadContext, type RowBatch, type Staged, type StagedRows } from '../destination.ts';
import { lakePublication, publishStaged, stagedKey } from '../lake-publication.ts';
import type pg from 'pg';
import { cancelOnAbort, isCancelled } from '../../database/cancel-on-abort.ts';
import { connectAs } from '../../database/database.ts';
import { BinaryCopyWriter } from './binary-copy.ts';
import { copyFormat } from './copy-format.ts';
import { CopyWriter } from './copy-writer.ts';
import { qualified, quoteIdent, quoteLiteral } from './identifiers.ts';
import { postgresTableConfig, type PostgresTableConfig, type PostgresTableOptions } from './postgres-config.ts';
import { prepareTable, formatType } from './table-schema.ts';
import { applyWriteMode, resolveDuplicates, stageKeyIsUnique } from './write-modes.ts';
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
    commitsWithLedger: true,
    frozen: config.schemaPolicy === 'freeze',
    open: (ctx) => openLoad(ctx, name, { ...config, columns }),
    // Only the optional curated copy lives outside the transaction.
    publish: publishStaged,
  };
}

/** A plain append needs no staging: COPY into the table is already atomic inside the transaction. Checks need the rows apart. */
function stagingFor(config: PostgresTableConfig, checks: boolean): 'none' | 'temp' | 'table' {
  if (config.stageTable) return 'table';
  return config.write.mode === 'append' && !config.write.loadTimestamp && !checks ? 'none' : 'temp';
}

/**
 * In-batch duplicates are resolved when the rows are staged if checks must see the final rows, if every
 * duplicate is rejected, or if ON CONFLICT could not notice them (a key-only table: DO NOTHING never raises);
 * else a merge tries without and resolves only when Postgres reports a repeated key (the fast path).
 */
function resolveWhenStaged(config: PostgresTableConfig, checks: boolean): boolean {
  const write = config.write;
  if (!('key' in write)) return false;
  return checks || write.duplicates === 'reject' || write.mode === 'history' || Object.keys(config.columns).every((c) => write.key.includes(c));
}

async function openLoad(ctx: LoadContext, name: string, config: PostgresTableConfig): Promise<Load> {
  const { client } = ctx.transaction;
  const target = qualified(config.schema, name);
  const names = Object.keys(config.columns);
  const changes = await prepareTable(client, name, config);
  const besideChecks = Boolean(ctx.checks && ctx.rowsOnly && stagingFor(config, false) === 'none' && !changes.some((c) => !c.startsWith('created table'))
    && (changes.length || await plainTable(client, target, config.columns)));
  const staging = besideChecks ? 'none' : stagingFor(config, Boolean(ctx.checks));
  const stage = staging === 'table' ? qualified(config.schema, config.stageTable!) : staging === 'temp' ? TEMP_STAGE : target;
  const positions = staging === 'temp';
  const sources: string[] = [];
  let copy: CopyWriter | BinaryCopyWriter | undefined;
  const curated = config.curated ? curatedBatch(config.columns) : undefined;
  let rows = 0;
  let resolved: Awaited<ReturnType<typeof resolveDuplicates>> | undefined;
  /** The COPY that JS-encoded rows stream into: opened on the first write, ended before a raw COPY or the commit. */
  const rowCopy = () => (copy ??= openRowCopy(client, stage, config.columns, positions, format));
  const endRowCopy = async () => {
    await copy?.end();
    copy = undefined;
  };
  const sourceIndex = (source: string) => {
    const index = sources.lastIndexOf(source);
    return index < 0 ? sources.push(source) - 1 : index;
  };
  const duplicateRejects = (found: readonly { source: number; line: number; key: string }[]) => found.map((d) => ({
    source: sources[d.source] ?? '', line: d.line, reason: `key (${d.key}) appears more than once in this load (duplicates: 'reject')`,
  }));
  if (staging !== 'none') await client.query(createStage(staging, stage, config.columns));
  // Rows go in Postgres's binary format when the table takes it (no text for Postgres to parse), else as text.
  const format = await copyFormat(client, stage, config.columns);
  // Both COPYs of a load beside its checks are binary (plainTable): each row is encoded once for both.
  if (besideChecks && format !== 'binary') throw new Error(`${target}: a load beside its checks needs the binary COPY`);
  // Last, so that nothing after it can fail and leave its connection open.
  const side = besideChecks ? await sideStage(ctx, config.columns, changes.length ? undefined : target) : undefined;
  return {
    async write(batch: RowBatch) {
      rows += batch.rows.length;
      await curated?.write(batch.rows);
      if (side) {
        return (rowCopy() as BinaryCopyWriter).write(batch.rows, { source: sourceIndex(batch.source), lines: batch.lines }, side.copy());
      }
      if (!positions) return rowCopy().write(batch.rows);
      await rowCopy().write(batch.rows, { source: sourceIndex(batch.source), lines: batch.lines });
    },
    // Quarantining every row of a repeated key needs each row's true line, which only the row-by-row path knows;
    // numbers and dates in a declared layout (decimal comma, DD/MM/YYYY) only sluice's own parsing reads;
    // the curated copy is written from the rows as they pass.
    copyCsv: side || ('duplicates' in config.write && config.write.duplicates === 'reject') || Object.values(config.columns).some(hasCustomFormat) || curated ? undefined : async (csv: CsvCopy): Promise<number> => {
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
        // Cancelled because the run was asked to stop, the file was not refused: the load ends here.
        if (isCancelled(error) && ctx.signal?.aborted) throw error;
        throw new CsvRefused((error as Error).message);
      }
    },
    // A combine's join, as one statement on the ledger's transaction; its rows count as written ones.
    sql: curated || side ? undefined : {
      client,
      drop: () => ctx.transaction.drop(),
      async insertSelect(columns, select) {
        await endRowCopy();
        const list = columns.map(quoteIdent).join(', ');
        const { rowCount } = await client.query({ text: `INSERT INTO ${stage} (${list}) SELECT ${list} FROM (${select}) AS combined`, queryMode: 'extended' } as pg.QueryConfig);
        rows += rowCount ?? 0;
        return rowCount ?? 0;
      },
    },
    async stage(): Promise<Staged> {
      await endRowCopy();
      if (side) {
        await side.end();
        // The checks' connection cannot see this transaction: a table it created is, before this load, empty.
        const before = changes.length ? `(SELECT ${names.map(quoteIdent).join(', ')} FROM ${TEMP_STAGE} WHERE false)` : target;
        return { superseded: 0, rejects: [], rows: stagedRows(side.client, TEMP_STAGE, before, names, true, sources, []) };
      }
      if (config.write.mode === 'replace' && rows === 0 && !config.write.allowEmpty) {
        throw new Error(`replace: this load has no rows, so ${config.schema}.${name} was left as it was (set write.allowEmpty to let an empty load empty it)`);
      }
      const write = config.write;
      if ('key' in write && resolveWhenStaged(config, Boolean(ctx.checks))) {
        // Most loads repeat no key: finding that out is cheaper than resolving, which then runs only when needed.
        resolved = staging === 'temp' && await stageKeyIsUnique(client, stage, write.key)
          ? { removed: 0, superseded: 0, duplicates: [] }
          : await resolveDuplicates(client, { target, stage, columns: config.columns, rows }, write.key, write.duplicates, write.orderBy);
      }
      if (!ctx.checks) return { superseded: resolved?.superseded ?? 0, rejects: duplicateRejects(resolved?.duplicates ?? []) };
      // Once in-batch duplicates are resolved (kept last or all rejected), no two staged rows share the key.
      const uniqueOn = resolved && 'key' in write ? [{ columns: write.key, by: `the ${write.mode} key's duplicate resolution` }] : [];
      return { superseded: resolved?.superseded ?? 0, rejects: duplicateRejects(resolved?.duplicates ?? []), rows: stagedRows(client, stage, target, names, positions, sources, uniqueOn) };
    },
    async apply(): Promise<Applied> {
      await side?.close();
      const mode = staging === 'none'
        ? { inserted: rows, updated: 0, unchanged: 0, superseded: 0, duplicates: [] }
        : await applyWriteMode(client, config.write, { target, stage, columns: config.columns, rows: rows - (resolved?.removed ?? 0) }, Boolean(resolved));
            if (!curated) return { inserted: mode.inserted, updated: mode.updated, unchanged: mode.unchanged, changes, superseded: mode.superseded };
      // The curated copy is an external store: staged in the lake now, moved into place after the ledger commits.
      const key = curatedKey(name, ctx.runId, ctx.startedAt);
      const staged = stagedKey(ctx.pipeline, ctx.runId, `${name}.parquet`);
      await curated.publish(ctx.lake, staged);
      curated.discard();
      return { inserted: mode.inserted, updated: mode.updated, unchanged: mode.unchanged, superseded: mode.superseded, changes: [...changes, `wrote ${key}`], publication: lakePublication(staged, key) };
    },
    async abort() {
      curated?.discard();
      side?.discard();
      // A COPY still open holds the connection: a ROLLBACK would queue behind it forever.
      // Dropping the connection instead makes Postgres roll the transaction back.
      if (copy?.open) ctx.transaction.drop();
    },
  };
}

/** The stage of a load's connection (the ledger's, or the checks' beside it): a temporary table, gone with its transaction. */
const TEMP_STAGE = 'pg_temp.sluice_stage';

/** A COPY of JS-encoded rows into `table`: the declared columns, then each row's position (__source, __line) if asked. */
function openRowCopy(client: pg.ClientBase, table: string, columns: Columns, positions: boolean, format: 'binary' | 'text'): CopyWriter | BinaryCopyWriter {
  const list = [...Object.keys(columns), ...(positions ? ['__source', '__line'] : [])].map(quoteIdent).join(', ');
  if (format === 'text') return new CopyWriter(client.query(copyFrom(`COPY ${table} (${list}) FROM STDIN`)));
  const kinds = [...Object.values(columns).map((c) => c.kind), ...(positions ? ['integer', 'integer'] as const : [])];
  return new BinaryCopyWriter(client.query(copyFrom(`COPY ${table} (${list}) FROM STDIN (FORMAT binary)`)), kinds);
}

/**
 * For a plain append with checks whose rows all come through `write`: the rows go by COPY straight into the table
 * (on the ledger's transaction) and, at the same time, with their positions into a stage on a second connection,
 * where the checks run. Staging first and moving the rows after the checks cost a second pass as long as the COPY
 * (INSERT ... SELECT inserts row by row; COPY in batches): 1.6-2.3 s for the stock batch's 2 million rows.
 * The stage is the second connection's temporary table, in a transaction that is only ever rolled back. The
 * connection is its own, not the pool's: loads holding two pool connections each could take all of them, and
 * then wait for the pool themselves.
 */
async function sideStage(ctx: LoadContext, columns: Columns, existing: string | undefined) {
  const ledger = ctx.transaction.client;
  let copy: BinaryCopyWriter | undefined;
  // Both connections hold their locks on the table before any row moves: a schema change queued meanwhile waits
  // for the load, instead of standing between the ledger's COPY and the checks (a wait no deadlock check sees).
  // Should one slip in between, the lock timeout fails the load rather than letting it hang.
  if (existing) await ledger.query(`LOCK TABLE ${existing} IN ROW EXCLUSIVE MODE`);
  // The ledger's connection waits, idle in its transaction, while the checks run here.
  await ledger.query(`SET LOCAL idle_in_transaction_session_timeout = 0`);
  const client = await connectAs(ctx.database.url, 'sluice-checks');
  // A run asked to stop cancels this connection's statements too (its COPY, the checks' queries).
  let stopCancelling = async () => {};
  try {
    await client.query(`BEGIN; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL TimeZone = 'UTC'; SET LOCAL lock_timeout = '60s'`);
    stopCancelling = await cancelOnAbort(ctx.signal, ctx.database.pool, client);
    if (existing) await client.query(`LOCK TABLE ${existing} IN ACCESS SHARE MODE`);
    await client.query(createStage('temp', TEMP_STAGE, columns));
  } catch (error) {
    await stopCancelling();
    await client.end().catch(() => {});
    throw error;
  }
  let ended: Promise<void> | undefined;
  // No cancel may outlive the connection: its process id could be another connection's next.
  const end = () => (ended ??= stopCancelling().then(() => client.end()).catch(() => {}));
  return {
    client,
    /** The stage's COPY, opened on first use. The stage has exactly the declared types: always binary. */
    copy: () => (copy ??= openRowCopy(client, TEMP_STAGE, columns, true, 'binary') as BinaryCopyWriter),
    async end() {
      await copy?.end();
      copy = undefined;
    },
    /** The checks are done: the stage goes with its connection (its transaction is rolled back). */
    close: end,
    /** On failure, even with a COPY still open. */
    discard: () => void end(),
  };
}

/**
 * Whether rows COPYed into `table` as declared are exactly the rows the checks see staged: a plain table with the
 * declared types (so both take the binary COPY), and nothing of its own that could refuse or change a row before the
 * checks had their say (constraints, triggers, NOT NULL on a column declared nullable).
 */
async function plainTable(client: pg.ClientBase, table: string, columns: Columns): Promise<boolean> {
  if (await copyFormat(client, table, columns) !== 'binary') return false;
  const nullable = Object.entries(columns).filter(([, c]) => c.nullable).map(([n]) => n);
  const { rows: [row] } = await client.query<{ plain: boolean }>(
    `SELECT c.relkind = 'r'
       AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('c', 'f', 'p', 'u', 'x', 't'))
       AND NOT EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)
       AND NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull AND a.attname = ANY ($2))
       AND NOT EXISTS (SELECT FROM pg_rules r WHERE r.schemaname = n.nspname AND r.tablename = c.relname) AS plain
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`, [table, nullable]);
  return row?.plain === true;
}

/** The staged rows as checks see them: the declared columns, with each row's object name and line when the stage knows them. */
function stagedRows(client: pg.ClientBase, stage: string, target: string, names: readonly string[], positions: boolean, sources: readonly string[], uniqueOn: StagedRows['uniqueOn']): StagedRows {
  const cols = names.map(quoteIdent).join(', ');
  const source = sources.length ? `(ARRAY[${sources.map(quoteLiteral).join(', ')}]::text[])[__source + 1]` : 'NULL::text';
  return {
    engine: 'postgres',
    relation: positions ? `(SELECT ${cols}, ${source} AS __source, __line::bigint AS __line FROM ${stage})` : `(SELECT ${cols} FROM ${stage})`,
    target,
    uniqueOn,
    query: async (sql, values) => (await client.query(sql, values as unknown[])).rows,
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
  const literal = quoteLiteral;
  const text = csv.columns.filter((c) => columns[c]?.kind === 'text');
  const options = [`FORMAT csv`, `DELIMITER ${literal(csv.delimiter)}`, `QUOTE ${literal(csv.quote)}`,
    ...(csv.nullValue !== undefined ? [`NULL ${literal(csv.nullValue)}`] : text.length ? [`FORCE_NOT_NULL (${text.map(quoteIdent).join(', ')})`] : [])];
  return `COPY ${stage} (${csv.columns.map(quoteIdent).join(', ')}) FROM STDIN WITH (${options.join(', ')})`;
}

/** Postgres destinations. */
export const postgres = { table };
