import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BinaryCopyWriter } from '../src/load/postgres/binary-copy.ts';
import { CopyWriter } from '../src/load/postgres/copy-writer.ts';
import { quoteIdent } from '../src/load/postgres/identifiers.ts';
import { formatType } from '../src/load/postgres/table-schema.ts';
import { CoercionError } from '../src/transform/coerce.ts';
import { columnCoercer, type ColumnValue } from '../src/transform/column-coercer.ts';
import { col, type Column } from '../src/transform/columns.ts';
import { freshDatabase } from './helpers.ts';

/** What transforms return for each kind of column, valid and on the edges; values the coercion refuses are dropped. */
const CASES: Record<string, { column: Column; values: unknown[] }> = {
  integer: { column: col.integer(), values: [0, -0, 1, -2147483648, 2147483647, '  42 ', '+7', '007', 1e3, '-0'] },
  bigint: { column: col.bigint(), values: [0, -0, 2 ** 53 - 1, -(2 ** 53 - 1), '9223372036854775807', '-9223372036854775808', '123456789012345',
    '1234567890123456', 10n ** 18n, -5, ' -12 ', -4294967296, 4294967295, -1] },
  numeric: { column: col.numeric(), values: [0, -0, 1.5, -1.5, 0.1 + 0.2, 1e21, 1e-7, 123456789.12345679, '1.50', '-0.000', '+.5', '5.', '1e-7',
    '1.50e2', '1E+3', '0001234.5000', '12345678901234567890.123456789012345', '-99999.99995', '1e999', '1.5e-999', '0.0001', '10000', '9999.9999',
    '0.00012345', '-1000000000000000000000000', '1e131071', '1e-16383', '0e200000', 2 ** 70, -(2 ** -30)] },
  numeric_10_2: { column: col.numeric(10, 2), values: ['12.345', '12.355', 0.125, '-0.005', '99999999.994', 1, '-12.3'] },
  double: { column: col.double(), values: [0, -0, 1.5, 0.1 + 0.2, 1e308, 5e-324, -1e-300, '3.14', ' 2.5 ', '1e10', '-0', '.5', 123456789012345680000,
    Number.MAX_SAFE_INTEGER, 2 ** -1074 * 3] },
  boolean: { column: col.boolean(), values: [true, false, 't', 'no', 1, 0, 'YES', ' f '] },
  date: { column: col.date(), values: ['2024-01-01', '2024-02-29', '1900-01-01', '0001-01-01', '9999-12-31', '1999-12-31', '2000-01-01', '2000-03-01',
    new Date(Date.UTC(1969, 6, 20)), '1583-10-15', '1582-10-04', '2100-02-28', '2000-02-29', ' 1970-01-01 '] },
  date_dmy: { column: col.date({ format: 'DD/MM/YYYY' }), values: ['31/12/2024', '01/01/0001', '29/02/2000'] },
  timestamptz: { column: col.timestamptz(), values: ['2024-01-01T10:00:00Z', '2024-01-01 10:00', '2024-01-01', '2024-01-01T10:00:00.123456789+05:30',
    '2024-01-01T10:00:00.0000005Z', '2024-01-01T10:00:00.0000015-08:00', '2024-01-01T23:59:59.9999996Z', '2024-01-01T24:00:00Z',
    '1970-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999Z', new Date(0), new Date('1999-12-31T23:59:59.999Z'),
    '2024-01-01t10:00z', '2024-06-01T12:00:00-15:59', '2024-06-01T12:00:00+0530', '1999-12-31T23:59:59.5Z', '1900-06-15T01:02:03.000001Z',
    '2024-01-01T00:00:00+00', '2024-01-01 00:01:00+00', '2024-01-01T10:00:00-03', '2024-01-01 10:00:00.5-0330', '2024-01-01T10:00:60Z'] },
  text: { column: col.text(), values: ['', 'hello', 'tab\there', 'new\nline', 'cr\rhere', 'back\\slash', '\\N', 'ünïcødé 😀', 'lone \ud800 surrogate',
    42, true, 'x'.repeat(100_000), ' padded '] },
  varchar: { column: col.text({ maxLength: 5 }), values: ['abcde', 'ab', 'abc  ', 'ü😀ü😀ü'] },
  jsonb: { column: col.jsonb(), values: [{ a: 1 }, [1, 'x'], '{"b": [1, 2]}', 'null', 1.5, 'true', { k: 'ü' }, { deep: { x: null } }, '"\\u00e9"'] },
};

const names = Object.keys(CASES);

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // As a load sets them: dates year-first, zone-less timestamps in UTC.
  await client.query(`SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'`);
  return client;
}

/** Loads `rows` into a new table `table` through the text or the binary COPY; returns each row as Postgres's text. */
async function load(client: pg.Client, table: string, columns: readonly [string, Column][], rows: ColumnValue[][], format: 'text' | 'binary') {
  await client.query(`CREATE TABLE ${table} (id integer, ${columns.map(([n, c]) => `${quoteIdent(n)} ${formatType(c)}`).join(', ')})`);
  const list = ['id', ...columns.map(([n]) => quoteIdent(n))].join(', ');
  const stream = client.query(copyFrom(`COPY ${table} (${list}) FROM STDIN${format === 'binary' ? ' (FORMAT binary)' : ''}`));
  const writer = format === 'binary' ? new BinaryCopyWriter(stream, ['integer', ...columns.map(([, c]) => c.kind)]) : new CopyWriter(stream);
  await writer.write(rows.map((row, i) => [String(i), ...row]));
  await writer.end();
  const { rows: loaded } = await client.query({ text: `SELECT ${list.split(', ').map((c) => `${c}::text`).join(', ')} FROM ${table} ORDER BY id`, rowMode: 'array' });
  return loaded as (string | null)[][];
}

/** The value as the transform stage hands it to a load (canonical text, or a checked number), or undefined if refused. */
function canonical(column: Column, value: unknown): ColumnValue | undefined {
  try {
    return columnCoercer(column).toValue(value);
  } catch (error) {
    if (error instanceof CoercionError) return undefined;
    throw error;
  }
}

describe('binary COPY', () => {
  it('loads every kind of column as the same values as the text COPY', async () => {
    const client = await connect(await freshDatabase());
    try {
      const columns = names.map((n) => [n, CASES[n]!.column] as [string, Column]);
      const texts = names.map((n) => CASES[n]!.values.map((v) => canonical(CASES[n]!.column, v)).filter((v) => v !== undefined));
      const height = Math.max(...texts.map((t) => t.length)) + 1; // and a row of nulls
      const rows = Array.from({ length: height }, (_, i) => texts.map((t) => t[i] ?? null));
      const viaText = await load(client, 'via_text', columns, rows, 'text');
      const viaBinary = await load(client, 'via_binary', columns, rows, 'binary');
      assert.equal(viaBinary.length, height);
      for (let i = 0; i < height; i++) {
        for (let j = 0; j < columns.length; j++) {
          assert.equal(viaBinary[i]![j + 1], viaText[i]![j + 1], `${names[j]}: ${JSON.stringify(rows[i]![j])}`);
        }
      }
      // The battery is not trivially empty: every kind carries its values.
      for (const [j, t] of texts.entries()) assert.ok(t.length >= 3, `${names[j]} has values`);
    } finally {
      await client.end();
    }
  });

  it('refuses what the text COPY refuses: year 0, 30 February, a zone past 15:59, numbers past the limits of numeric', async () => {
    const refused: [Column, string][] = [
      [col.date(), '0000-01-01'], [col.timestamptz(), '2024-02-30T00:00:00Z'], [col.timestamptz(), '2024-01-01T10:00:00+16:30'],
      [col.numeric(), '1e131072'], [col.numeric(), '1.5e-16383'], [col.numeric(), '0e-20000'],
    ];
    const url = await freshDatabase();
    for (const [k, [column, text]] of refused.entries()) {
      assert.equal(canonical(column, text), text, `${text} passes sluice's own checks, so only Postgres can refuse it`);
      for (const format of ['text', 'binary'] as const) {
        const client = await connect(url);
        try {
          await assert.rejects(load(client, `refused_${format}_${k}`, [['v', column]], [[text]], format), `${format} COPY refuses ${text}`);
        } finally {
          await client.end().catch(() => {});
        }
      }
    }
  });
});
