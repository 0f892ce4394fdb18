/** Column declarations (`col.*`): one declaration types the transform's output, the DDL, the COPY encoding and later the Parquet schema. */

/** The kinds of column sluice can declare, with the Postgres type each maps to. */
export type ColumnKind = 'text' | 'integer' | 'bigint' | 'numeric' | 'double' | 'boolean' | 'date' | 'timestamptz' | 'jsonb';

/** A declared column. `Read` is the JS value a typed source yields; `Write` is what a transform may return for it. */
export interface Column<Read = unknown, Write = unknown> {
  readonly kind: ColumnKind;
  readonly nullable: boolean;
  /** numeric(precision, scale) */
  readonly precision?: number;
  readonly scale?: number;
  /** varchar(maxLength) for text */
  readonly maxLength?: number;
  /** Numbers written with another decimal mark or with thousands separators, e.g. `1.234,5`. */
  readonly decimal?: ',' | '.';
  readonly thousands?: ',' | '.' | ' ' | "'" | '_';
  /** Dates in another layout, e.g. `DD/MM/YYYY`, `M/D/YY`, `YYYYMMDD`. */
  readonly format?: string;
  /** Phantom fields carrying the value types; never set at run time. */
  readonly __read?: Read;
  readonly __write?: Write;
}

/** Named columns, in declaration order. */
export type Columns = Readonly<Record<string, Column>>;

type Nullable<C, T> = C extends { nullable: false } ? T : T | null;

/** The row a typed source yields for these columns. */
export type ReadRow<C extends Columns> = { [K in keyof C]: C[K] extends Column<infer R, unknown> ? Nullable<C[K], R> : never };

/** The row a transform returns for these columns. Nullable columns may be left out. */
export type WriteRow<C extends Columns> =
  { [K in keyof C as C[K] extends { nullable: false } ? K : never]: C[K] extends Column<unknown, infer W> ? W : never } &
  { [K in keyof C as C[K] extends { nullable: false } ? never : K]?: C[K] extends Column<unknown, infer W> ? W | null : never };

interface Options {
  /** Declare `nullable: false` for NOT NULL; columns are nullable by default. */
  readonly nullable?: boolean;
}

/** How numbers are written when not as `1234.5`: '1,234' is not a number unless these say so. */
interface NumberFormat extends Options {
  readonly decimal?: ',' | '.';
  readonly thousands?: ',' | '.' | ' ' | "'" | '_';
}

/** How dates are written when not as ISO `YYYY-MM-DD`: tokens YYYY, YY (2000-2069, 1970-1999), MM, M, DD, D. */
interface DateFormat extends Options {
  readonly format?: string;
}

const numberFormat = (o?: NumberFormat) => ({ ...(o?.decimal ? { decimal: o.decimal } : {}), ...(o?.thousands ? { thousands: o.thousands } : {}) });

type Built<R, W, O extends Options> = Column<R, W> & { readonly nullable: O extends { nullable: false } ? false : boolean };

function column<R, W, O extends Options>(kind: ColumnKind, options: O | undefined, extra: object = {}): Built<R, W, O> {
  return Object.freeze({ kind, nullable: options?.nullable ?? true, ...extra }) as Built<R, W, O>;
}

/**
 * Column builders.
 * @example
 * columns: { stock_date: col.date({ nullable: false }), close_value: col.numeric(12, 4), company_name: col.text() }
 */
export const col = {
  /** text, or varchar(maxLength) */
  text: <O extends Options & { maxLength?: number }>(options?: O) =>
    column<string, string | number | boolean, O>('text', options, options?.maxLength ? { maxLength: options.maxLength } : {}),
  /** 32-bit integer */
  integer: <O extends NumberFormat>(options?: O) => column<number, number | string, O>('integer', options, numberFormat(options)),
  /** 64-bit integer; read as a JS number, so values beyond 2^53 must be declared as text or numeric */
  bigint: <O extends NumberFormat>(options?: O) => column<number, number | bigint | string, O>('bigint', options, numberFormat(options)),
  /** exact decimal, numeric(precision, scale); read as a JS number */
  numeric: <O extends NumberFormat>(precision?: number, scale?: number, options?: O) =>
    column<number, number | bigint | string, O>('numeric', options, { ...(precision ? { precision, scale: scale ?? 0 } : {}), ...numberFormat(options) }),
  /** double precision */
  double: <O extends NumberFormat>(options?: O) => column<number, number | string, O>('double', options, numberFormat(options)),
  /** boolean: true/false, t/f, yes/no, y/n, 1/0 */
  boolean: <O extends Options>(options?: O) => column<boolean, boolean | string | number, O>('boolean', options),
  /** calendar date, read as 'YYYY-MM-DD' */
  date: <O extends DateFormat>(options?: O) => column<string, string | Date, O>('date', options, options?.format ? { format: options.format } : {}),
  /** timestamp with time zone; a value without a zone is UTC */
  timestamptz: <O extends Options>(options?: O) => column<Date, string | Date, O>('timestamptz', options),
  /** JSON; strings are parsed as JSON text, other values serialised */
  jsonb: <O extends Options>(options?: O) => column<unknown, unknown, O>('jsonb', options),
};

/** True when values are written in a layout only sluice's own parsing knows (not Postgres's COPY). */
export function hasCustomFormat(column: Column): boolean {
  return Boolean(column.decimal || column.thousands || column.format);
}
