/**
 * Coercion compiled once per column: exactly `toColumnText` and `fromColumnText`, with the common cases of a
 * load (finite numbers, ISO dates, plain text, decimal text) decided without the general path. Anything else
 * goes to the general path, so results and error messages are the same by construction.
 */
import { fromColumnText, INT32, INTEGER, isCalendarDate, toColumnText } from './coerce.ts';
import type { Column } from './columns.ts';

/** A value for COPY: canonical text, or a number or boolean checked for its column whose `String()` is that text. */
export type ColumnValue = string | number | boolean | null;

/** One column's coercions. */
export interface ColumnCoercer {
  /** `toColumnText(column, value)`, except that a checked number or boolean may come back as itself. */
  readonly toValue: (value: unknown) => ColumnValue;
  /** `fromColumnText(column, raw)`. */
  readonly fromText: (raw: string) => unknown;
}


const isDigit = (c: number) => c >= 48 && c <= 57;

/** coerce.ts's decimal pattern `^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`, as a loop (a few times faster per value than the regex). */
export function isDecimal(s: string): boolean {
  const length = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 43 || c === 45) c = s.charCodeAt(++i);
  let digits = 0;
  while (isDigit(c)) {
    digits++;
    c = s.charCodeAt(++i);
  }
  if (c === 46) {
    c = s.charCodeAt(++i);
    while (isDigit(c)) {
      digits++;
      c = s.charCodeAt(++i);
    }
  }
  if (digits === 0) return false;
  if (c === 101 || c === 69) {
    c = s.charCodeAt(++i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    if (!isDigit(c)) return false;
    while (isDigit(c)) c = s.charCodeAt(++i);
  }
  return i === length;
}

/** Short plain decimal text, split: its digits as one integer, how many of them follow the point, and its sign. */
export interface ShortDecimal {
  digits: number;
  scale: number;
  negative: boolean;
}

/**
 * Reads plain decimal text of at most 15 digits (`-12.3400`, `.5`, `7.`, no exponent) into `into`; false for any
 * other text. With so few digits `into.digits` is an exact integer.
 */
export function readShortDecimal(s: string, into: ShortDecimal): boolean {
  const length = s.length;
  if (length > 17) return false;
  let i = 0;
  let c = s.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) c = s.charCodeAt(++i);
  let m = 0;
  let digits = 0;
  while (isDigit(c)) {
    m = m * 10 + c - 48;
    digits++;
    c = s.charCodeAt(++i);
  }
  let scale = 0;
  if (c === 46) {
    c = s.charCodeAt(++i);
    while (isDigit(c)) {
      m = m * 10 + c - 48;
      scale++;
      c = s.charCodeAt(++i);
    }
  }
  if (i !== length || digits + scale === 0 || digits + scale > 15) return false;
  into.digits = m;
  into.scale = scale;
  into.negative = negative;
  return true;
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);
const SHORT: ShortDecimal = { digits: 0, scale: 0, negative: false };

/**
 * Number(s) for short decimal text, else NaN: an exact integer over an exact power of ten, so one division rounds
 * once, correctly, as Number(s) does.
 */
function shortDecimal(s: string): number {
  if (!readShortDecimal(s, SHORT)) return NaN;
  const n = SHORT.digits / POWERS_OF_TEN[SHORT.scale]!;
  return SHORT.negative ? -n : n;
}

/** Number(s) of decimal text (coerce.ts's pattern), NaN for other text; short text without Number's general parse. */
function decimalValue(s: string): number {
  const n = shortDecimal(s);
  return n === n ? n : isDecimal(s) ? Number(s) : NaN;
}

/** The number written by the digits s[at, at + n), or NaN if one is not a digit. */
function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return NaN;
    v = v * 10 + c - 48;
  }
  return v;
}

/** True for `YYYY-MM-DD` naming a real day, as coerce.ts's date() accepts it (untrimmed: spaces go the general way). */
function isIsoDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const year = digitsAt(s, 0, 4);
  return !Number.isNaN(year) && isCalendarDate(year, digitsAt(s, 5, 2), digitsAt(s, 8, 2));
}

/** Compiles the coercions of `column`. */
export function columnCoercer(column: Column): ColumnCoercer {
  const general = (value: unknown) => toColumnText(column, value);
  const read = (raw: string) => fromColumnText(column, raw);
  const plain = !column.decimal && !column.thousands;
  switch (column.kind) {
    case 'double':
      return {
        toValue: (v) => {
          if (typeof v === 'number' && Number.isFinite(v)) return v;
          // double() reads decimal text as String(Number(text)): the number stands for it.
          const n = plain && typeof v === 'string' ? decimalValue(v) : NaN;
          return Number.isFinite(n) ? n : general(v);
        },
        // fromColumnText reads Number(String(Number(raw))): Number(raw), finite, with -0 read as 0.
        fromText: plain ? (raw) => {
          const n = decimalValue(raw);
          return Number.isFinite(n) ? n || 0 : read(raw);
        } : read,
      };
    case 'numeric':
      return {
        // String() of a finite number is always decimal text; a declared precision needs the general check.
        // Decimal text is its own canonical text (numeric keeps its scale: '1.50' stays '1.50').
        toValue: column.precision ? general : (v) => (typeof v === 'number' && Number.isFinite(v) ? v
          : plain && typeof v === 'string' && isDecimal(v) ? v : general(v)),
        fromText: plain && !column.precision ? (raw) => {
          const n = decimalValue(raw);
          return n === n ? n : read(raw);
        } : read,
      };
    case 'integer':
      return {
        toValue: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= -INT32 && v < INT32 ? v || 0
          : plain && typeof v === 'string' && v.length <= 10 && INTEGER.test(v) && Math.abs(Number(v)) < INT32 ? Number(v) || 0 : general(v)),
        fromText: plain ? (raw) => (raw.length <= 10 && INTEGER.test(raw) && Math.abs(Number(raw)) < INT32 ? Number(raw) || 0 : read(raw)) : read,
      };
    case 'bigint':
      return {
        toValue: (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v || 0
          : plain && typeof v === 'string' && v.length <= 15 && INTEGER.test(v) ? Number(v) || 0 : general(v)),
        fromText: plain ? (raw) => (raw.length <= 15 && INTEGER.test(raw) ? Number(raw) || 0 : read(raw)) : read,
      };
    case 'boolean':
      return { toValue: (v) => (typeof v === 'boolean' ? v : general(v)), fromText: read };
    case 'date':
      return column.format ? { toValue: general, fromText: read } : {
        toValue: (v) => (typeof v === 'string' && isIsoDate(v) ? v : general(v)),
        fromText: (raw) => (isIsoDate(raw) ? raw : read(raw)),
      };
    case 'text':
      return column.maxLength ? { toValue: general, fromText: read } : {
        toValue: (v) => (typeof v === 'string' && !v.includes('\0') ? v : general(v)),
        fromText: (raw) => (raw.includes('\0') ? read(raw) : raw),
      };
    default:
      return { toValue: general, fromText: read };
  }
}
