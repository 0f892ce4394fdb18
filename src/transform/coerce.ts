/** Coercion of values to declared columns: to canonical text for loading, or to JS values for a typed source. */
import type { Column } from './columns.ts';

/** A value that does not fit its column; the message says why, without the column name (the caller adds it). */
export class CoercionError extends Error {}

/** Integer text; the compiled coercers share it with the general path (column-coercer.ts). */
export const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);
export const INT32 = 2 ** 31;
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The canonical text Postgres accepts for `value` in `column`, or null.
 * '' is null for every kind but text. Throws CoercionError when the value does not fit.
 */
export function toColumnText(column: Column, value: unknown): string | null {
  if (value === null || value === undefined || (value === '' && column.kind !== 'text')) {
    if (!column.nullable) throw new CoercionError('is required but empty');
    return null;
  }
  if (typeof value === 'string' && (column.decimal || column.thousands)) value = localNumber(column, value);
  switch (column.kind) {
    case 'text': return text(column, value);
    case 'integer': return integer(value, INT32);
    case 'bigint': return bigint(value);
    case 'numeric': return numeric(column, value);
    case 'double': return double(value);
    case 'boolean': return boolean(value);
    case 'date': return column.format && typeof value === 'string' ? formattedDate(column.format, value) : date(value);
    case 'timestamptz': return timestamp(value);
    case 'jsonb': return json(value);
  }
}

/** The JS value a typed source yields for the text `raw` in `column` (see `Column`'s Read type). */
export function fromColumnText(column: Column, raw: string): unknown {
  const canonical = toColumnText(column, raw);
  if (canonical === null) return null;
  switch (column.kind) {
    case 'integer': case 'double': case 'numeric': return Number(canonical);
    case 'bigint': {
      const n = Number(canonical);
      if (!Number.isSafeInteger(n)) throw new CoercionError(`${show(raw)} is beyond JavaScript's safe integers (declare it as text or numeric)`);
      return n;
    }
    case 'boolean': return canonical === 'true';
    case 'timestamptz': return new Date(canonical);
    case 'jsonb': return JSON.parse(canonical);
    default: return canonical;
  }
}

/** `1.234,5` with decimal ',' and thousands '.' -> `1234.5`; separators in the wrong places make it not a number. */
function localNumber(column: Column, value: string): string {
  let s = value.trim();
  if (column.thousands) {
    const [int = '', ...rest] = s.split(column.decimal ?? '.');
    const groups = int.replace(/^[+-]/, '').split(column.thousands);
    if (groups.length > 1 && (!/^\d{1,3}$/.test(groups[0]!) || groups.slice(1).some((g) => !/^\d{3}$/.test(g)))) {
      throw new CoercionError(`${show(value)} is not a number (thousands separator ${JSON.stringify(column.thousands)})`);
    }
    s = [int.split(column.thousands).join(''), ...rest].join(column.decimal ?? '.');
  }
  if (column.decimal === ',') s = s.replace(',', '.');
  return s;
}

const FORMATS = new Map<string, { regex: RegExp; fields: string[] }>();

/** A date in a declared layout, e.g. `DD/MM/YYYY` or `M/D/YY`, as `YYYY-MM-DD`. */
function formattedDate(format: string, value: string): string {
  let compiled = FORMATS.get(format);
  if (!compiled) {
    const fields: string[] = [];
    const source = format.replace(/YYYY|YY|MM|M|DD|D|[.*+?^${}()|[\]\\]/g, (token) => {
      if (!/^[YMD]/.test(token)) return `\\${token}`;
      fields.push(token[0]! + (token.length === 2 && token[0] === 'Y' ? '2' : ''));
      return token === 'YYYY' ? '(\\d{4})' : token.length === 2 ? '(\\d{2})' : '(\\d{1,2})';
    });
    compiled = { regex: new RegExp(`^${source}$`), fields };
    FORMATS.set(format, compiled);
  }
  const m = compiled.regex.exec(value.trim());
  const parts: Record<string, number> = {};
  compiled.fields.forEach((f, i) => { parts[f] = Number(m?.[i + 1]); });
  const year = parts.Y ?? (parts.Y2 === undefined ? NaN : parts.Y2 < 70 ? 2000 + parts.Y2 : 1900 + parts.Y2);
  if (!m || !isCalendarDate(year, parts.M ?? NaN, parts.D ?? NaN)) throw new CoercionError(`${show(value)} is not a date (${format})`);
  return `${String(year).padStart(4, '0')}-${String(parts.M).padStart(2, '0')}-${String(parts.D).padStart(2, '0')}`;
}

function text(column: Column, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new CoercionError(`expected text, got ${typeof value}`);
  }
  const s = String(value);
  if (s.includes('\0')) throw new CoercionError('contains a NUL byte, which Postgres text cannot hold');
  if (column.maxLength && [...s].length > column.maxLength) throw new CoercionError(`is longer than ${column.maxLength} characters`);
  return s;
}

function integer(value: unknown, limit: number): string {
  const s = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
  if (!INTEGER.test(s)) throw new CoercionError(`${show(value)} is not a whole number`);
  const n = Number(s);
  if (n < -limit || n >= limit) throw new CoercionError(`${show(value)} is out of range for integer`);
  return String(n);
}

function bigint(value: unknown): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new CoercionError(`${show(value)} is not an exact whole number`);
  const s = typeof value === 'bigint' || typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!INTEGER.test(s)) throw new CoercionError(`${show(value)} is not a whole number`);
  if (s.length <= 15) return String(Number(s));
  const n = BigInt(s);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) throw new CoercionError(`${show(value)} is out of range for bigint`);
  return n.toString();
}

function numeric(column: Column, value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new CoercionError(`${show(value)} is not a number`);
  const s = typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!DECIMAL.test(s)) throw new CoercionError(`${show(value)} is not a number`);
  if (column.precision && overflows(s, column.precision, column.scale ?? 0)) {
    throw new CoercionError(`${show(value)} does not fit numeric(${column.precision},${column.scale ?? 0})`);
  }
  return s;
}

/** Whether a decimal string, rounded to `scale` places as Postgres does, has more than precision - scale integer digits. */
function overflows(s: string, precision: number, scale: number): boolean {
  let [mantissa = '', exponent = '0'] = s.replace(/^[+-]/, '').toLowerCase().split('e');
  let [int = '', frac = ''] = mantissa.split('.');
  const shift = Number(exponent);
  if (shift > 0) { int += frac.slice(0, shift).padEnd(shift, '0'); frac = frac.slice(shift); }
  if (shift < 0) { frac = int.slice(int.length + shift).padStart(-shift, '0') + frac; int = int.slice(0, Math.max(0, int.length + shift)); }
  int = int.replace(/^0+/, '');
  const room = precision - scale;
  if (int.length !== room) return int.length > room;
  const carries = frac.length > scale && frac[scale]! >= '5' && /^9*$/.test(frac.slice(0, scale));
  return carries && /^9+$/.test(int);
}

function double(value: unknown): string {
  const n = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new CoercionError(`${show(value)} is not a number`);
  return String(n);
}

function boolean(value: unknown): string {
  if (typeof value === 'boolean') return String(value);
  const s = String(value).trim().toLowerCase();
  if (TRUE.has(s)) return 'true';
  if (FALSE.has(s)) return 'false';
  throw new CoercionError(`${show(value)} is not a boolean (true/false, t/f, yes/no, y/n, 1/0)`);
}

function date(value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new CoercionError('is an invalid Date');
    return value.toISOString().slice(0, 10);
  }
  const s = typeof value === 'string' ? value.trim() : '';
  const m = ISO_DATE.exec(s);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw new CoercionError(`${show(value)} is not a date (YYYY-MM-DD)`);
  return s;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether year-month-day names a real day of the proleptic Gregorian calendar. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= MONTH_DAYS[month - 1]! + (leap ? 1 : 0);
}

function timestamp(value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new CoercionError('is an invalid Date');
    return value.toISOString();
  }
  const s = typeof value === 'string' ? value.trim() : '';
  // JavaScript's Date reads only `+HH:MM` offsets; Postgres (and DuckDB's TIMESTAMPTZ text) also writes `+HH` and `+HHMM`.
  const jsForm = s.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})?$/, (_m, h: string, m?: string) => `${h}:${m ?? '00'}`);
  if (!ISO_TIMESTAMP.test(s) || Number.isNaN(Date.parse(s.length > 10 ? jsForm : s))) {
    throw new CoercionError(`${show(value)} is not an ISO 8601 timestamp`);
  }
  if (/([zZ]|[+-]\d{2}(:?\d{2})?)$/.test(s.slice(10))) return s;
  return s.length === 10 ? `${s}T00:00:00Z` : `${s}Z`;
}

function json(value: unknown): string {
  let s: string | undefined;
  try {
    s = typeof value === 'string' ? (JSON.parse(value), value) : JSON.stringify(value);
  } catch (error) {
    throw new CoercionError(`${typeof value === 'string' ? show(value) + ' is not valid JSON' : 'cannot be serialised as JSON'}: ${(error as Error).message}`);
  }
  if (s === undefined) throw new CoercionError(`${typeof value} cannot be serialised as JSON`);
  if (s.includes('\\u0000')) throw new CoercionError('contains a NUL character, which Postgres jsonb cannot hold');
  return s;
}

/** A value as shown in an error: quoted, and cut short when long. */
export function show(value: unknown): string {
  const s = typeof value === 'string' ? value : String(value);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}
