import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readCsv, type CsvLayout } from './csv-reader.ts';

const LAYOUT: CsvLayout = { delimiter: ',', quote: '"', header: true, trailingDelimiter: false, gzip: false, maxFieldChars: 1 << 20 };

/** Reads `input` split into chunks of `chunk` bytes, so every chunk boundary case is crossed. */
async function read(input: string | Buffer, layout: Partial<CsvLayout> = {}, chunk = 7) {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunk) }, (_, i) => bytes.subarray(i * chunk, (i + 1) * chunk));
  const records: unknown[] = [];
  const lines: number[] = [];
  const rejects: { line: number; reason: string; column?: string }[] = [];
  for await (const batch of readCsv(Readable.from(chunks), 'f.csv', { ...LAYOUT, ...layout })) {
    records.push(...batch.records);
    lines.push(...batch.lines);
    rejects.push(...batch.rejects.map((r) => ({ line: r.line, reason: r.reason, ...(r.column ? { column: r.column } : {}) })));
  }
  return { records, lines, rejects };
}

describe('readCsv', () => {
  it('reads records by header name with their line numbers', async () => {
    const out = await read('a,b\n1,2\n3,4\n');
    assert.deepEqual(out.records, [{ a: '1', b: '2' }, { a: '3', b: '4' }]);
    assert.deepEqual(out.lines, [2, 3]);
  });

  it('counts lines inside quoted fields, so later rows keep their true line numbers', async () => {
    const out = await read('a,b\n"x\ny\nz",1\nq,2\n');
    assert.deepEqual(out.records, [{ a: 'x\ny\nz', b: '1' }, { a: 'q', b: '2' }]);
    assert.deepEqual(out.lines, [2, 5]);
  });

  it('counts a bare line feed inside a field of a CRLF file as a line, as editors do', async () => {
    const out = await read('a,b\r\n1,x\ny\r\n2,z\r\n');
    assert.deepEqual(out.records, [{ a: '1', b: 'x\ny' }, { a: '2', b: 'z' }]);
    assert.deepEqual(out.lines, [2, 4]);
  });

  it('reads a quoted value that runs over hundreds of chunks whole, with the lines after it in place', async () => {
    const long = 'x\n'.repeat(150_000);
    const out = await read(`a,b\n1,"${long}"\n2,y\n`, {}, 512);
    assert.deepEqual(out.records, [{ a: '1', b: long }, { a: '2', b: 'y' }]);
    assert.deepEqual(out.lines, [2, 150_003]);
  });

  it('handles CRLF line endings, a BOM, quoted delimiters and doubled quotes', async () => {
    const out = await read('\uFEFFa,b\r\n"1,5","say ""hi"""\r\n2,3\r\n');
    assert.deepEqual(out.records, [{ a: '1,5', b: 'say "hi"' }, { a: '2', b: '3' }]);
    assert.deepEqual(out.lines, [2, 3]);
  });

  it('rejects ragged rows with file line and reason, and keeps the rest', async () => {
    const out = await read('a,b\n1,2\n1,2,3\n4\n5,6');
    assert.deepEqual(out.records, [{ a: '1', b: '2' }, { a: '5', b: '6' }]);
    assert.deepEqual(out.rejects, [{ line: 3, reason: 'expected 2 fields, found 3' }, { line: 4, reason: 'expected 2 fields, found 1' }]);
  });

  it('rejects an empty file as a whole, and reads a header-only file as no rows', async () => {
    assert.deepEqual((await read('')).rejects, [{ line: 1, reason: 'file is empty: expected a header line' }]);
    const headerOnly = await read('a,b\n');
    assert.deepEqual([headerOnly.records, headerOnly.rejects], [[], []]);
  });

  it('rejects a line with invalid UTF-8, naming the column', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n2,ok\n')]);
    const out = await read(bytes);
    assert.deepEqual(out.records, [{ a: '2', b: 'ok' }]);
    assert.deepEqual(out.rejects, [{ line: 2, column: 'b', reason: 'is not valid UTF-8' }]);
  });

  it('keeps multi-byte characters split across chunks intact', async () => {
    const out = await read('name\nZoë Ünïcødé 東京\n', {}, 1);
    assert.deepEqual(out.records, [{ name: 'Zoë Ünïcødé 東京' }]);
  });

  it('reads pipe-delimited files with a trailing delimiter, no header and a null marker', async () => {
    const out = await read('1|Supplier#1|\\N|\n2|Supplier#2|x|\n', { delimiter: '|', header: ['k', 'name', 'note'], trailingDelimiter: true, nullValue: '\\N' });
    assert.deepEqual(out.records, [{ k: '1', name: 'Supplier#1', note: null }, { k: '2', name: 'Supplier#2', note: 'x' }]);
  });

  it('keeps a column named __proto__ as a field, not as the record\'s prototype', async () => {
    const out = await read('a,__proto__,constructor\n1,2,3\n');
    const [record] = out.records as Record<string, string>[];
    assert.deepEqual(Object.entries(record!), [['a', '1'], ['__proto__', '2'], ['constructor', '3']]);
    assert.equal(Object.getPrototypeOf(record), Object.prototype);
  });

  it('names unnamed, empty and repeated header columns uniquely', async () => {
    const out = await read('x,,x\n1,2,3\n');
    assert.deepEqual(out.records, [{ x: '1', column_2: '2', x_2: '3' }]);
  });

  it('reads gzip-compressed input', async () => {
    const out = await read(gzipSync('a\n1\n2\n'), { gzip: true });
    assert.deepEqual(out.records, [{ a: '1' }, { a: '2' }]);
  });

  it('fails the file when a quoted field never closes past the size limit, instead of buffering forever', async () => {
    await assert.rejects(read('a\n"' + 'x'.repeat(5000), { maxFieldChars: 1000 }, 512), /line 2: a field or quoted value runs past 1000 characters/);
  });
});
