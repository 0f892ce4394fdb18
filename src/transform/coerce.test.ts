import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoercionError, fromColumnText, toColumnText } from './coerce.ts';
import { col } from './columns.ts';

const fails = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: unknown) => e instanceof CoercionError && pattern.test(e.message));

describe('toColumnText', () => {
  it('treats empty text as null for every kind but text', () => {
    assert.equal(toColumnText(col.double(), ''), null);
    assert.equal(toColumnText(col.date(), ''), null);
    assert.equal(toColumnText(col.text(), ''), '');
    fails(() => toColumnText(col.integer({ nullable: false }), ''), /required/);
  });

  it('accepts numbers as numbers and refuses what is not one', () => {
    assert.equal(toColumnText(col.numeric(), ' 12.50 '), '12.50');
    assert.equal(toColumnText(col.numeric(), 1e-7), '1e-7');
    assert.equal(toColumnText(col.double(), '-3.5e2'), '-350');
    fails(() => toColumnText(col.numeric(), 'abc'), /"abc" is not a number/);
    fails(() => toColumnText(col.numeric(), '1,234'), /is not a number/);
    fails(() => toColumnText(col.double(), Number.NaN), /is not a number/);
    fails(() => toColumnText(col.double(), '0x1A'), /is not a number/);
  });

  it('checks numeric precision the way Postgres rounds', () => {
    assert.equal(toColumnText(col.numeric(5, 2), '999.994'), '999.994');
    fails(() => toColumnText(col.numeric(5, 2), '999.995'), /does not fit numeric\(5,2\)/);
    fails(() => toColumnText(col.numeric(5, 2), '1000'), /does not fit/);
    assert.equal(toColumnText(col.numeric(5, 2), '-0.001'), '-0.001');
  });

  it('checks integer ranges, including bigint beyond JavaScript numbers', () => {
    assert.equal(toColumnText(col.integer(), '2147483647'), '2147483647');
    fails(() => toColumnText(col.integer(), '2147483648'), /out of range for integer/);
    fails(() => toColumnText(col.integer(), 1.5), /not a whole number/);
    assert.equal(toColumnText(col.bigint(), '9223372036854775807'), '9223372036854775807');
    assert.equal(toColumnText(col.bigint(), 12345678901234567890n - 3346323068380792083n), '9000000000000000000'.slice(0, 0) + (12345678901234567890n - 3346323068380792083n).toString());
    fails(() => toColumnText(col.bigint(), '9223372036854775808'), /out of range for bigint/);
  });

  it('accepts only real calendar dates', () => {
    assert.equal(toColumnText(col.date(), '2024-02-29'), '2024-02-29');
    fails(() => toColumnText(col.date(), '2023-02-29'), /is not a date/);
    fails(() => toColumnText(col.date(), '2023-13-01'), /is not a date/);
    fails(() => toColumnText(col.date(), '02/03/2023'), /is not a date/);
    assert.equal(toColumnText(col.date(), new Date(Date.UTC(2020, 0, 5))), '2020-01-05');
  });

  it('reads timestamps without a zone as UTC', () => {
    assert.equal(toColumnText(col.timestamptz(), '2026-01-01T10:00:00'), '2026-01-01T10:00:00Z');
    assert.equal(toColumnText(col.timestamptz(), '2026-01-01T10:00:00+02:00'), '2026-01-01T10:00:00+02:00');
    assert.equal(toColumnText(col.timestamptz(), '2026-01-01'), '2026-01-01T00:00:00Z');
    fails(() => toColumnText(col.timestamptz(), 'yesterday'), /not an ISO 8601 timestamp/);
  });

  it('reads booleans in their usual spellings', () => {
    assert.deepEqual(['Yes', 't', '1', 'FALSE', 'n', 0].map((v) => toColumnText(col.boolean(), v)), ['true', 'true', 'true', 'false', 'false', 'false']);
    fails(() => toColumnText(col.boolean(), 'maybe'), /not a boolean/);
  });

  it('refuses NUL bytes that Postgres cannot store, and text over its length', () => {
    fails(() => toColumnText(col.text(), 'a\0b'), /NUL byte/);
    fails(() => toColumnText(col.jsonb(), { a: 'x\u0000' }), /NUL character/);
    fails(() => toColumnText(col.text({ maxLength: 3 }), 'abcd'), /longer than 3/);
  });

  it('serialises JSON values and checks JSON text', () => {
    assert.equal(toColumnText(col.jsonb(), { a: [1, 2] }), '{"a":[1,2]}');
    assert.equal(toColumnText(col.jsonb(), '{"a":1}'), '{"a":1}');
    fails(() => toColumnText(col.jsonb(), '{oops'), /not valid JSON/);
  });
});

describe('declared number and date layouts', () => {
  it("reads '1,234' as a number only when a thousands separator is declared", () => {
    fails(() => toColumnText(col.integer(), '1,234'), /not a whole number/);
    assert.equal(toColumnText(col.integer({ thousands: ',' }), '1,234'), '1234');
    assert.equal(toColumnText(col.numeric(12, 2, { decimal: ',', thousands: '.' }), '-1.234.567,89'), '-1234567.89');
    assert.equal(toColumnText(col.double({ decimal: ',' }), '3,5'), '3.5');
    fails(() => toColumnText(col.numeric(undefined, undefined, { thousands: ',' }), '12,34'), /thousands separator/);
  });

  it('reads dates in a declared layout, and still only real dates', () => {
    assert.equal(toColumnText(col.date({ format: 'DD/MM/YYYY' }), '25/12/2024'), '2024-12-25');
    assert.equal(toColumnText(col.date({ format: 'M/D/YY' }), '1/22/20'), '2020-01-22');
    assert.equal(toColumnText(col.date({ format: 'M/D/YY' }), '12/31/99'), '1999-12-31');
    assert.equal(toColumnText(col.date({ format: 'YYYYMMDD' }), '20240229'), '2024-02-29');
    assert.equal(toColumnText(col.date({ format: 'DD.MM.YYYY' }), '01.03.2024'), '2024-03-01');
    fails(() => toColumnText(col.date({ format: 'DD/MM/YYYY' }), '12/25/2024'), /is not a date \(DD\/MM\/YYYY\)/);
    fails(() => toColumnText(col.date({ format: 'DD.MM.YYYY' }), '01-03-2024'), /is not a date/);
  });
});

describe('fromColumnText', () => {
  it('gives typed sources JS values', () => {
    assert.equal(fromColumnText(col.double(), '1.25'), 1.25);
    assert.equal(fromColumnText(col.bigint(), '42'), 42);
    assert.equal(fromColumnText(col.boolean(), 'yes'), true);
    assert.equal(fromColumnText(col.date(), '2020-01-01'), '2020-01-01');
    assert.equal(fromColumnText(col.double(), ''), null);
    fails(() => fromColumnText(col.bigint(), '9007199254740993'), /beyond JavaScript's safe integers/);
  });
});
