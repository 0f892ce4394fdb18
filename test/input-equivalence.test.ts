/** One meaning for input, whichever path loads it: the same files through COPY of the raw CSV and row by row. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { col, definePipeline, files, postgres, type Columns } from '../src/index.ts';
import type { Destination } from '../src/load/destination.ts';
import { harness } from './helpers.ts';

type Harness = Awaited<ReturnType<typeof harness>>;
type Write = Parameters<typeof postgres.table>[1]['write'];

/** The same destination without its COPY of raw CSV: every object goes row by row. */
function rowByRow(real: Destination): Destination {
  return { ...real, open: async (ctx) => ({ ...(await real.open(ctx)), copyCsv: undefined }) };
}

const base = { id: col.integer({ nullable: false }), name: col.text(), amount: col.numeric() };
const big = 'x'.repeat(50 * 1024 * 1024);

/** What both paths must agree on, and what it must be. */
interface Same {
  readonly status: string;
  readonly counts: { extracted: number; loaded: number; rejected: number; filtered: number };
  readonly rows: Record<string, unknown>[];
  readonly rejects: Record<string, unknown>[];
  readonly warnings: readonly string[];
}

/** name -> files, columns, write mode, and what the outcome means. */
const CASES: Record<string, { files: Record<string, string | Buffer>; columns?: Columns; write?: Write; expect?: (same: Same) => void }> = {
  'a misspelt header field': {
    files: { 'a.csv': 'id,nmae,amount\n1,x,2\n' },
    expect: (s) => {
      assert.deepEqual(s.rows, [{ id: 1, name: null, amount: '2' }]);
      assert.equal(s.warnings.length, 2, 'the missing column and the extra field are warnings, not silent');
    },
  },
  'a header row that is not the declared header': {
    files: { 'a.csv': 'qux,quux,quuz\n1,2,3\n', 'b.csv': 'id,name,amount\n2,y,3\n' },
    expect: (s) => {
      assert.deepEqual(s.rows.map((r) => r.id), [2], 'no row of NULLs');
      assert.match(String(s.rejects[0]!.reason), /^header "qux", "quux", "quuz" matches none of the declared columns/);
    },
  },
  'a missing required column': {
    files: { 'a.csv': 'name,amount\nx,2\n', 'b.csv': 'id,name\n2,y\n' },
    expect: (s) => assert.deepEqual(s.rejects.map((r) => [r.source, r.reason]), [['a.csv', 'header lacks the required column(s) "id" (not nullable); file quarantined']]),
  },
  'repeated, empty and too-long headers': {
    files: { 'a.csv': `id,Amount,amount,,${'N'.repeat(70)}\n1,2,3,4,long\n` },
    columns: { id: col.integer(), amount: col.numeric(), amount_2: col.numeric(), column_4: col.text(), ['n'.repeat(63)]: col.text() },
    expect: (s) => assert.deepEqual(s.rows, [{ id: 1, amount: '2', amount_2: '3', column_4: '4', ['n'.repeat(63)]: 'long' }], 'nothing dropped'),
  },
  'timestamptz text with short offsets (Postgres and DuckDB write them)': {
    files: { 'a.csv': 'id,at\n1,2024-01-01T00:00:00+00\n2,2024-01-01 00:01:00+00\n3,2024-01-01 00:02:00+0530\n4,not a time\n' },
    columns: { id: col.integer(), at: col.timestamptz() },
    expect: (s) => {
      assert.deepEqual(s.rows.map((r) => (r.at as Date).toISOString()), ['2024-01-01T00:00:00.000Z', '2024-01-01T00:01:00.000Z', '2023-12-31T18:32:00.000Z']);
      assert.deepEqual(s.rejects.map((r) => r.line), [5]);
    },
  },
  'valid UTF-8 holding U+FFFD, and bytes that are not UTF-8': {
    files: { 'a.csv': 'id,name\n1,a\uFFFDb\n', 'b.csv': Buffer.concat([Buffer.from('id,name\n2,ok\n3,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]) },
    expect: (s) => {
      assert.deepEqual(s.rows.map((r) => r.name), ['a\uFFFDb', 'ok', ]);
      assert.deepEqual(s.rejects.map((r) => [r.source, r.line]), [['b.csv', 3]]);
    },
  },
  'a 50 MB field': { files: { 'a.csv': `id,name\n1,${big}\n2,small\n` }, expect: (s) => assert.equal(s.counts.loaded, 2) },
  'an unescaped quote inside an unquoted field': { files: { 'a.csv': 'id,name,amount\n1,b"c,3\n2,d,4\n' } },
  'ragged rows and wrong types': { files: { 'a.csv': 'id,name,amount\n1,a,1.5\n2,b\n3,c,abc,extra\nx,d,2\n5,e,3\n' } },
  'BOM, CRLF and quoted newlines': { files: { 'a.csv': '\uFEFFid,name,amount\r\n1,"two\r\nlines, ""quoted""",1\r\n2,,\r\n' } },
  'NUL bytes': { files: { 'a.csv': 'id,name\n1,a\0b\n2,c\n' } },
  'empty and header-only files': { files: { 'empty.csv': '', 'header.csv': 'id,name,amount\n', 'a.csv': 'id,name,amount\n1,a,1\n' } },
  'hostile column names': {
    files: { 'a.csv': '"x""; DROP TABLE t; --",id\nboom,1\n' },
    columns: { id: col.integer(), x_drop_table_t: col.text() },
  },
  'duplicate keys in one batch (merge, last wins)': {
    files: { 'a.csv': 'id,name\n1,a\n1,b\n2,c\n' }, columns: { id: col.integer(), name: col.text() }, write: { mode: 'merge', key: ['id'] },
  },
};

describe('the same input means the same thing on the COPY path and the row-by-row path', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  let n = 0;
  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      n++;
      h.files(c.files as Record<string, string>);
      const outcome = async (path: 'copy' | 'rows') => {
        const table = `eq_${path}_${n}`;
        const real = postgres.table(table, { columns: c.columns ?? base, ...(c.write ? { write: c.write } : {}) });
        const p = definePipeline({ name: table.replaceAll('_', '-'), source: files('*.csv', { dir: 'in' }), destination: path === 'copy' ? real : rowByRow(real) });
        const result = await h.run(p);
        const exists = (await h.rows<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [table]))[0]!.t;
        const rows = exists ? await h.rows(`SELECT * FROM ${table} ORDER BY 1`) : [];
        const rejects = await h.rows('SELECT source, line, column_name, reason FROM sluice.rejects WHERE run_id = $1 ORDER BY source, line, seq', [result.runId]);
        const { extracted, loaded, rejected, filtered } = result.counts;
        return { result, same: { status: result.status, error: result.error, counts: { extracted, loaded, rejected, filtered }, rows, rejects, warnings: result.warnings } };
      };
      const copy = await outcome('copy');
      const rows = await outcome('rows');
      assert.equal(rows.result.counts.copiedObjects, 0);
      assert.deepEqual(copy.same, rows.same);
      assert.equal(copy.same.status, 'succeeded', copy.same.error ?? '');
      c.expect?.(copy.same);
      if (name === 'a 50 MB field') assert.equal((copy.same.rows[0] as { name: string }).name.length, big.length);
    });
  }
});
