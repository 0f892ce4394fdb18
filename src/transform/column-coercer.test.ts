import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnCoercer, isDecimal } from './column-coercer.ts';
import { fromColumnText, toColumnText } from './coerce.ts';
import { col, type Column } from './columns.ts';

const COLUMNS: Record<string, Column> = {
  double: col.double(), numeric: col.numeric(), numeric_10_2: col.numeric(10, 2), integer: col.integer(), bigint: col.bigint(),
  boolean: col.boolean(), date: col.date({ nullable: false }), date_dmy: col.date({ format: 'DD/MM/YYYY' }), text: col.text({ nullable: false }),
  varchar: col.text({ maxLength: 3 }), jsonb: col.jsonb(), timestamptz: col.timestamptz(), comma: col.double({ decimal: ',' }),
};

/** Values transforms return and text files hold, including every edge the fast cases must leave to the general path. */
const VALUES: unknown[] = [null, undefined, '', ' ', 0, -0, 1, -1, 1.5, -2.25, 0.1 + 0.2, 1e21, 1e-7, 5e-324, 1e308, NaN, Infinity, -Infinity,
  2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53 - 1, 2 ** 53, -(2 ** 53 - 1), 123456789012345, 1234567890123456, 10n, true, false,
  '0', '-0', '+0', '1', '-1', '+7', '007', ' 42 ', '1.5', '-1.50', '.5', '5.', '1e3', '1E-3', '1e999', '-1e999', '1,5', '1.234,5', 'abc', '0x10',
  '2147483647', '2147483648', '-2147483648', '-2147483649', '123456789012345', '1234567890123456', '9223372036854775807', '9223372036854775808',
  '2024-01-01', '2024-02-29', '2023-02-29', '2024-13-01', '2024-00-10', '2024-01-32', '0000-01-01', ' 2024-01-01', '2024-1-01', '20240101',
  '2024-01-01T10:00:00Z', '31/12/2024', 'true', 'f', 'YES', 'x', 'abcd', 'ab\0c', 'ünï', '{"a":1}', '[1,2]', 'null', { a: 1 }, [1],
  new Date(Date.UTC(2024, 0, 1)), new Date(NaN), 'é😀'];

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

describe('compiled column coercers', () => {
  for (const [name, column] of Object.entries(COLUMNS)) {
    it(`give ${name} the results and errors of toColumnText and fromColumnText`, () => {
      const coercer = columnCoercer(column);
      for (const value of VALUES) {
        const expected = outcome(() => toColumnText(column, value)) as { value?: unknown };
        const actual = outcome(() => coercer.toValue(value)) as { value?: unknown };
        // A checked number or boolean may come back as itself: its text is what toColumnText gives.
        if ('value' in actual && actual.value !== null && typeof actual.value !== 'string') actual.value = String(actual.value);
        assert.deepEqual(actual, expected, `toValue(${String(value)})`);
        if (typeof value !== 'string') continue;
        const read = outcome(() => fromColumnText(column, value)) as { value?: unknown };
        const fast = outcome(() => coercer.fromText(value)) as { value?: unknown };
        assert.deepEqual(fast, read, `fromText(${JSON.stringify(value)})`);
        if ('value' in read && typeof read.value === 'number') assert.ok(Object.is(fast.value, read.value), `fromText(${JSON.stringify(value)}) keeps the sign of 0`);
      }
    });
  }
});

describe('isDecimal', () => {
  it('accepts exactly what coerce.ts\'s decimal pattern accepts', () => {
    const pattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
    const alphabet = '0123456789+-.eE x';
    let seed = 5;
    const next = (n: number) => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n;
    const cases = ['', '.', '+', '-', 'e', '1e', '1e+', '.e1', '1.e5', '.5e-3', '5.', '+.5', '-0', '1e5x', ' 1', '1 '];
    for (let i = 0; i < 50_000; i++) cases.push(Array.from({ length: next(8) }, () => alphabet[next(alphabet.length)]).join(''));
    for (const s of cases) assert.equal(isDecimal(s), pattern.test(s), JSON.stringify(s));
  });
});

describe('decimal text read as a number', () => {
  it('gives exactly what Number gives, for short and long decimal text alike', () => {
    let seed = 11;
    const next = (n: number) => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n;
    const digits = (n: number) => Array.from({ length: n }, () => next(10)).join('');
    const cases = ['0', '-0', '+0', '0.0', '-0.000', '.5', '5.', '+.5', '007.50', '999999999999999', '9999999999999999', '0.1', '0.3', '1.005', '2.675',
      '123456789012345', '1234567.89012345', '0.000000000000001', '.000000000000001'];
    for (let i = 0; i < 50_000; i++) {
      const whole = digits(next(12));
      const fraction = digits(next(14));
      const text = `${['', '-', '+'][next(3)]}${whole}${fraction || !whole ? `.${fraction || '0'}` : ''}`;
      cases.push(text);
    }
    const double = columnCoercer(col.double());
    const numeric = columnCoercer(col.numeric());
    for (const s of cases) {
      assert.ok(Object.is(double.fromText(s), Number(s) || 0), `double ${s}`);
      assert.ok(Object.is(double.toValue(s), Number(s)), `double toValue ${s}`);
      assert.ok(Object.is(numeric.fromText(s), Number(s)), `numeric ${s}`);
    }
  });
});
