/**
 * Postgres binary COPY encodings of the columns' canonical text (what `toColumnText` returns), one encoder per
 * kind. Each gives the value Postgres's own text input gives for that text, and refuses what that input refuses
 * (a year 0 date, 30 February, a zone beyond ±15:59): the same input means the same thing on either COPY.
 */
import type { ColumnKind } from '../../transform/columns.ts';
import { readShortDecimal, type ShortDecimal } from '../../transform/column-coercer.ts';

/**
 * Writes big-endian values into a growing buffer of COPY data. Through a DataView: its setters compile to a
 * store or two, where Buffer's writeInt32BE and the like check their arguments first (about 5x the time here).
 * They also wrap a value out of range instead of throwing: each encoder checks its range itself.
 */
export class BinaryBuffer {
  buf = Buffer.allocUnsafe(1 << 17);
  view = viewOf(this.buf);
  pos = 0;

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.view = viewOf(bigger);
  }

  /** The bytes written so far, handed over; writing goes on into a new buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(1 << 17);
    this.view = viewOf(this.buf);
    this.pos = 0;
    return out;
  }

  int16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }

  /** Makes room for a value of `length` bytes and writes its length before it; returns where the value goes. */
  field(length: number): number {
    this.ensure(4 + length);
    const at = this.pos + 4;
    this.view.setInt32(this.pos, length);
    this.pos = at + length;
    return at;
  }
}

const viewOf = (buf: Buffer) => new DataView(buf.buffer, buf.byteOffset, buf.byteLength);

/**
 * A column's value on its way to COPY: its canonical text, or a number or boolean already checked for the
 * column (see `columnCoercer`) whose `String()` is that text.
 */
export type CopyValue = string | number | boolean;

/** Encodes one non-null value (its length word and bytes) into `out`. */
export type ValueEncoder = (out: BinaryBuffer, value: CopyValue) => void;

/** A value binary COPY cannot carry as its text would load: Postgres would refuse that text too. */
export class BinaryValueError extends Error {
  override readonly name = 'BinaryValueError';
}

function refuse(type: string, text: string): never {
  throw new BinaryValueError(`invalid input for type ${type}: "${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`);
}

const int4: ValueEncoder = (out, value) => {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= -2147483648 && n <= 2147483647)) refuse('integer', String(value));
  const at = out.field(4);
  out.view.setInt32(at, n);
};

const TWO_32 = 4294967296;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

const int8: ValueEncoder = (out, value) => {
  // Numbers here are safe integers; text past 15 digits may not be.
  if (typeof value === 'string' && value.length > 15) {
    const big = BigInt(value);
    if (big < INT8_MIN || big > INT8_MAX) refuse('bigint', value);
    const at = out.field(8);
    out.view.setBigInt64(at, big);
    return;
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) refuse('bigint', String(value));
  const high = Math.floor(n / TWO_32);
  const at = out.field(8);
  out.view.setInt32(at, high);
  out.view.setUint32(at + 4, n - high * TWO_32);
};

const float8: ValueEncoder = (out, value) => {
  const at = out.field(8);
  // The text of -0 is "0": Postgres reads it as 0, and so must this.
  out.view.setFloat64(at, Number(value) || 0);
};

const bool: ValueEncoder = (out, value) => {
  const at = out.field(1);
  out.buf[at] = value === true || value === 'true' ? 1 : 0;
};

/** UTF-8 bytes after a length word; `prefix` bytes first (jsonb's version byte). */
function utf8(prefix?: number): ValueEncoder {
  const extra = prefix === undefined ? 0 : 1;
  return (out, value) => {
    const text = String(value);
    out.ensure(text.length * 3 + 5);
    const start = out.pos;
    out.pos += 4;
    if (extra) out.buf[out.pos++] = prefix!;
    out.pos += out.buf.write(text, out.pos, 'utf8');
    out.view.setInt32(start, out.pos - start - 4);
  };
}

/**
 * numeric as Postgres's numeric_in reads the decimal text: base-10000 digits, the weight of the first, and the
 * display scale (digits after the point, less the exponent).
 */
const POWERS = Array.from({ length: 13 }, (_, k) => 10 ** k);

/**
 * numeric of a number with at most 15 significant digits and 12 decimals, without making its text: the smallest
 * scale k at which m / 10^k is exactly the number is the shortest decimal String() would print (with so few
 * digits it is the only one), so the same value and display scale. False when the number is not of that kind.
 */
function shortNumeric(out: BinaryBuffer, v: number): boolean {
  const a = Math.abs(v);
  if (a >= 1e15 || (a < 1e-6 && a !== 0)) return false;
  let k = 0;
  let m = a;
  for (; k <= 12; k++) {
    m = Math.round(a * POWERS[k]!);
    if (m < 1e15 && m / POWERS[k]! === a) break;
  }
  if (k > 12) return false;
  writeDigits(out, m, k, v < 0);
  return true;
}

/** numeric of short decimal text (see readShortDecimal) with at most 12 digits after the point; false for other text. */
function shortDecimalText(out: BinaryBuffer, text: string): boolean {
  if (!readShortDecimal(text, SHORT) || SHORT.scale > 12) return false;
  writeDigits(out, SHORT.digits, SHORT.scale, SHORT.negative);
  return true;
}

const SHORT: ShortDecimal = { digits: 0, scale: 0, negative: false };

/** Scratch for one numeric's base-10000 digits, least significant last (a short numeric has at most 7). */
const GROUPS = new Int32Array(8);

/** Writes the numeric m / 10^k (m an integer below 10^15, k <= 12) with display scale k, as numeric_in would. */
function writeDigits(out: BinaryBuffer, m: number, k: number, negative: boolean): void {
  // Base-10000 digits: the integer part's groups, then the fraction's k digits padded to whole groups, less
  // leading and trailing zero groups. Filled from the last group backwards.
  let whole = Math.floor(m / POWERS[k]!);
  const fractionGroups = (k + 3) >> 2;
  let fraction = (m - whole * POWERS[k]!) * POWERS[fractionGroups * 4 - k]!;
  // Division and floor, not %: on numbers past 2^31, % is a call into C.
  let g = 8;
  for (let f = 0; f < fractionGroups; f++) {
    const rest = Math.floor(fraction / 10000);
    GROUPS[--g] = fraction - rest * 10000;
    fraction = rest;
  }
  const point = g;
  while (whole > 0) {
    const rest = Math.floor(whole / 10000);
    GROUPS[--g] = whole - rest * 10000;
    whole = rest;
  }
  let first = g;
  while (first < 8 && GROUPS[first] === 0) first++;
  let last = 8;
  while (last > first && GROUPS[last - 1] === 0) last--;
  const ndigits = last - first;
  const weight = ndigits ? point - 1 - first : 0;
  let p = numericHeader(out, ndigits, weight, negative, k);
  const b = out.buf;
  for (let i = first; i < last; i++) {
    const d = GROUPS[i]!;
    b[p] = d >> 8;
    b[p + 1] = d & 255;
    p += 2;
  }
}

/** Writes a numeric's length and header (digit count, weight, sign, display scale); returns where its base-10000 digits go. */
function numericHeader(out: BinaryBuffer, ndigits: number, weight: number, negative: boolean, dscale: number): number {
  const at = out.field(8 + ndigits * 2);
  const view = out.view;
  view.setInt16(at, ndigits);
  view.setInt16(at + 2, weight);
  view.setUint16(at + 4, negative && ndigits ? 0x4000 : 0);
  view.setInt16(at + 6, dscale);
  return at + 8;
}

const numeric: ValueEncoder = (out, value) => {
  if (typeof value === 'number' ? shortNumeric(out, value) : typeof value === 'string' && shortDecimalText(out, value)) return;
  const text = String(value);
  let i = 0;
  let negative = false;
  if (text[0] === '-' || text[0] === '+') negative = text[i++] === '-';
  // The digits are text[intStart, intEnd) before the point and text[fracStart, end) after it.
  const intStart = i;
  let c = text.charCodeAt(i);
  while (c >= 48 && c <= 57) c = text.charCodeAt(++i);
  const intEnd = i;
  if (c === 46) c = text.charCodeAt(++i);
  const fracStart = i;
  while (c >= 48 && c <= 57) c = text.charCodeAt(++i);
  const end = i;
  let exponent = 0;
  if (i < text.length) {
    exponent = Number(text.slice(i + 1));
    if (!Number.isInteger(exponent)) refuse('numeric', text);
  }
  const before = intEnd - intStart;
  const count = before + end - fracStart;
  // Postgres's limits: 16383 digits after the point, 131072 before it (a weight of 32767).
  const dscale = Math.max(0, end - fracStart - exponent);
  if (dscale > 0x3fff) refuse('numeric', text);
  // Digit k of the number (0 = its first) is at text[k < before ? intStart + k : fracStart - before + k].
  const shift = fracStart - before;
  let first = 0;
  while (first < count && text.charCodeAt(first < before ? intStart + first : shift + first) === 48) first++;
  let last = count;
  while (last > first && text.charCodeAt(last - 1 < before ? intStart + last - 1 : shift + last - 1) === 48) last--;
  // The decimal weight of the first significant digit, the base-10000 group it falls in, and where that group starts.
  const dweight = before - 1 - first + exponent;
  const weight = first === last ? 0 : Math.floor(dweight / 4);
  if (weight > 32767 || weight < -32768) refuse('numeric', text);
  const start = first - (3 - (dweight - weight * 4));
  const ndigits = first === last ? 0 : Math.ceil((last - start) / 4);
  let p = numericHeader(out, ndigits, weight, negative, dscale);
  const b = out.buf;
  for (let k = start; k < start + ndigits * 4; k += 4) {
    let group = 0;
    for (let j = k; j < k + 4; j++) {
      group *= 10;
      if (j >= first && j < last) group += text.charCodeAt(j < before ? intStart + j : shift + j) - 48;
    }
    b[p] = group >> 8;
    b[p + 1] = group & 255;
    p += 2;
  }
};

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Days from 0000-03-01 (proleptic Gregorian) to 2000-01-01, Postgres's date epoch. */
const EPOCH_DAYS = civilDays(2000, 1, 1);

/** Days since 0000-03-01 of a calendar date (Howard Hinnant's days_from_civil). */
function civilDays(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
}

const digit2 = (text: string, at: number) => (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;

/** Days since 2000-01-01 of `YYYY-MM-DD` at `text`, refused as Postgres refuses (no year 0, real days only). */
function dateDays(type: string, text: string): number {
  const year = digit2(text, 0) * 100 + digit2(text, 2);
  const month = digit2(text, 5);
  const day = digit2(text, 8);
  if (!(text.length >= 10 && text[4] === '-' && text[7] === '-' && year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1)) refuse(type, text);
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > MONTH_DAYS[month - 1]! + (leap ? 1 : 0)) refuse(type, text);
  return civilDays(year, month, day) - EPOCH_DAYS;
}

const date: ValueEncoder = (out, value) => {
  const text = String(value);
  if (text.length !== 10) refuse('date', text);
  const days = dateDays('date', text);
  const at = out.field(4);
  out.view.setInt32(at, days);
};

/** Rounds half to even, as C's rint does in Postgres's reading of fractional seconds. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?$/;

/**
 * timestamptz as microseconds since 2000-01-01 UTC, from the canonical ISO 8601 text (always with a zone:
 * `toColumnText` adds Z to a zone-less one). Fractions of a microsecond round as Postgres rounds them.
 */
const timestamptz: ValueEncoder = (out, value) => {
  const text = String(value);
  const m = TIMESTAMP.exec(text);
  if (!m) refuse('timestamp with time zone', text);
  const [, day, hh = '00', mi = '00', ss = '00', fraction, , sign, zh, zm = '00'] = m;
  const [hours, minutes, seconds, zoneHours, zoneMinutes] = [Number(hh), Number(mi), Number(ss), Number(zh ?? 0), Number(zm)];
  const endOfDay = hours === 24 && minutes === 0 && seconds === 0 && !Number(fraction ?? 0);
  if ((hours > 23 && !endOfDay) || minutes > 59 || seconds > 60 || zoneHours > 15 || zoneMinutes > 59) refuse('timestamp with time zone', text);
  const offset = (sign === '-' ? -1 : 1) * (zoneHours * 3600 + zoneMinutes * 60);
  const wholeSeconds = dateDays('timestamp with time zone', day!) * 86400 + hours * 3600 + minutes * 60 + seconds - offset;
  const micros = BigInt(wholeSeconds) * 1_000_000n + BigInt(fraction ? rint(Number(fraction) * 1_000_000) : 0);
  const at = out.field(8);
  out.view.setBigInt64(at, micros);
};

const ENCODERS: Readonly<Record<ColumnKind, ValueEncoder>> = {
  text: utf8(), integer: int4, bigint: int8, numeric, double: float8, boolean: bool, date, timestamptz, jsonb: utf8(1),
};

/** The encoder of a column kind. */
export function valueEncoder(kind: ColumnKind): ValueEncoder {
  return ENCODERS[kind];
}
