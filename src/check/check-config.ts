/** The `checks:` of a pipeline: one zod schema per kind, declared once; it validates, types, words errors and writes the docs' reference. */
import { z } from 'zod';
import { DefinitionError, parseOptions } from '../config/parse-options.ts';
import type { ColumnKind, Columns } from '../transform/columns.ts';

const warn = z.boolean().default(false).describe('true: a failure is recorded as a warning and the load goes on');
const name = z.string().min(1).max(200).optional().describe('how results name it (default: made from the check, e.g. `s_suppkey not null`)');
const columns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('a destination column, or a list: one check per column');
const oneColumn = z.string().min(1).describe('a destination column');
const bound = z.union([z.number(), z.string().min(1), z.date().transform((d) => d.toISOString())]).optional()
  .describe("a number; a date or time as ISO text; or 'now' (today, for a date column)");
const DURATION = /^(\d+(?:\.\d+)?)\s*(s|sec|seconds?|m|min|minutes?|h|hours?|d|days?|w|weeks?)$/;

const kinds = [
  z.object({ kind: z.literal('notNull'), column: columns, name, warn }).strict()
    .describe('every row has a value in the column'),
  z.object({ kind: z.literal('unique'), column: columns, name, warn }).strict()
    .describe('no value appears twice among this load\'s rows (nulls are not compared)'),
  z.object({
    kind: z.literal('accepted'), column: columns, name, warn,
    values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).describe('the values allowed'),
  }).strict().describe('every value is one of `values` (nulls pass: add notNull to refuse them)'),
  z.object({ kind: z.literal('range'), column: columns, name, warn, min: bound, max: bound }).strict()
    .refine((c) => c.min !== undefined || c.max !== undefined, 'expected min, max or both')
    .describe('every number or date is within min..max, both included'),
  z.object({
    kind: z.literal('pattern'), column: columns, name, warn,
    regex: z.union([z.string().min(1), z.instanceof(RegExp)]).describe('a regular expression the text must contain a match of (anchor with ^ and $); flag i allowed'),
  }).strict().describe('every text value matches a regular expression'),
  z.object({ kind: z.literal('maxLength'), column: columns, name, warn, max: z.number().int().min(1).describe('characters') }).strict()
    .describe('no text value is longer than max characters'),
  z.object({
    kind: z.literal('rowCount'), name, warn,
    min: z.number().int().min(0).optional().describe('fewest rows'),
    max: z.number().int().min(0).optional().describe('most rows'),
    withinPercent: z.number().min(0).optional().describe("at most this many percent more or fewer rows than the pipeline's previous successful load"),
  }).strict().refine((c) => c.min !== undefined || c.max !== undefined || c.withinPercent !== undefined, 'expected min, max or withinPercent')
    .describe("the load's row count is within bounds, or close to the previous successful load's"),
  z.object({ kind: z.literal('uniqueKey'), key: z.array(z.string().min(1)).min(1).describe('the key columns'), name, warn }).strict()
    .describe('no two rows of this load share a key (rows with a null key part are not compared)'),
  z.object({
    kind: z.literal('freshness'), column: oneColumn, name, warn,
    maxAge: z.string().regex(DURATION, "expected a duration such as '30m', '2h', '3 days'").describe("a duration: '30m', '2h', '3 days'"),
  }).strict().describe('the newest value of a date or time column is no older than maxAge'),
  z.object({
    kind: z.literal('references'), column: oneColumn, name, warn,
    to: z.object({ table: z.string().min(1), column: z.string().min(1), schema: z.string().min(1).default('public') }).strict()
      .describe('{ table, column, schema? }: a Postgres table and its column'),
  }).strict().describe("every value exists in another table's column (nulls pass)"),
  z.object({
    kind: z.literal('sql'), name: z.string().min(1).max(200).describe('how results name it'), warn,
    query: z.string().min(1).describe('a SELECT returning the failing rows; `{{staged}}` is this load\'s rows, `{{target}}` the table before this load'),
  }).strict().describe('custom SQL returning the failing rows'),
] as const;

/** The schema of one check declaration (a union on `kind`). */
export const checkSchema = z.discriminatedUnion('kind', kinds);
const checksSchema = z.object({ checks: z.array(checkSchema).default([]) });

type Parsed = z.output<typeof checkSchema>;
/** A check's kind. */
export type CheckKind = Parsed['kind'];

type Typed<T, C extends string> = T extends unknown ? { readonly [K in keyof T]:
  K extends 'column' ? (string[] extends T[K] ? C | readonly C[] : C)
  : K extends 'key' ? readonly C[]
  : T[K] extends (infer E)[] | undefined ? readonly E[] : T[K] } : never;

/**
 * A check as declared in `checks:`; `C` is the destination's column names, so a misspelt column does not compile.
 * @example
 * checks: [{ kind: 'notNull', column: ['s_suppkey', 's_name'] }, { kind: 'range', column: 's_nationkey', min: 0, max: 24, warn: true }]
 */
export type CheckDeclaration<C extends string = string> = Typed<z.input<typeof checkSchema>, C>;

/** A checked declaration, one column per check, with its name and whether a failure fails the run. */
export type Check = (Parsed extends infer T ? T extends { column: unknown } ? Omit<T, 'column'> & { readonly column: string } : T : never)
  & { readonly name: string; readonly blocking: boolean; readonly pattern?: { readonly source: string; readonly ignoreCase: boolean } };

const NUMBER_KINDS: readonly ColumnKind[] = ['integer', 'bigint', 'numeric', 'double'];
const TIME_KINDS: readonly ColumnKind[] = ['date', 'timestamptz'];
const FITS: Partial<Record<CheckKind, readonly ColumnKind[]>> = {
  range: [...NUMBER_KINDS, ...TIME_KINDS], pattern: ['text'], maxLength: ['text'], freshness: TIME_KINDS,
  unique: ['text', ...NUMBER_KINDS, 'boolean', ...TIME_KINDS], accepted: ['text', ...NUMBER_KINDS, 'boolean', ...TIME_KINDS],
};

/** Milliseconds of a duration such as '2h' or '3 days'. */
export function durationMs(text: string): number {
  const [, amount, unit] = DURATION.exec(text.trim())!;
  // Every unit's first letter names it: s(econds), m(inutes), h(ours), d(ays), w(eeks).
  return Number(amount) * UNIT_MS[unit![0] as keyof typeof UNIT_MS];
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Validates `checks:` against the destination's columns; throws a DefinitionError naming the check and what is wrong. */
export function parseChecks(where: string, declared: unknown, destination: Columns): Check[] {
  const parsed = parseOptions(where, checksSchema, { checks: declared }).checks;
  const out: Check[] = [];
  for (const [index, check] of parsed.entries()) {
    const at = `${where}: checks.${index} (${check.kind})`;
    const cols = 'column' in check ? [check.column].flat() : 'key' in check ? check.key : [];
    for (const column of cols) {
      const declaredColumn = destination[column];
      if (!declaredColumn) throw new DefinitionError(`${at}: the destination has no column "${column}" (columns: ${Object.keys(destination).join(', ')})`);
      const fits = FITS[check.kind];
      if (fits && !fits.includes(declaredColumn.kind)) throw new DefinitionError(`${at}: column "${column}" is ${declaredColumn.kind}; ${check.kind} needs ${fits.join(', ')}`);
      if (check.kind === 'range') checkBounds(at, column, declaredColumn.kind, check.min, check.max);
    }
    const pattern = check.kind === 'pattern' ? regexOf(at, check.regex) : undefined;
    const perColumn = 'column' in check && check.kind !== 'freshness' && check.kind !== 'references' ? [check.column].flat() : [undefined];
    for (const column of perColumn) {
      const one = column === undefined ? check : { ...check, column };
      out.push({ ...one, name: check.name ?? defaultName(one as Check), blocking: !check.warn, ...(pattern ? { pattern } : {}) } as Check);
    }
  }
  const seen = new Set<string>();
  for (const check of out) {
    if (seen.has(check.name)) throw new DefinitionError(`${where}: checks: two checks are named "${check.name}"; give one a name`);
    seen.add(check.name);
  }
  return out;
}

function checkBounds(at: string, column: string, kind: ColumnKind, ...bounds: (string | number | undefined)[]): void {
  for (const b of bounds) {
    if (b === undefined) continue;
    const number = NUMBER_KINDS.includes(kind);
    if (number ? typeof b !== 'number' : typeof b !== 'string' || (b !== 'now' && Number.isNaN(Date.parse(b)))) {
      throw new DefinitionError(`${at}: column "${column}" is ${kind}: expected ${number ? 'a number' : "a date or time such as '2026-01-31', or 'now'"} as bound, got ${JSON.stringify(b)}`);
    }
  }
}

function regexOf(at: string, regex: string | RegExp): { source: string; ignoreCase: boolean } {
  if (typeof regex === 'string') return { source: regex, ignoreCase: false };
  const unsupported = regex.flags.replace(/[igu]/g, '');
  if (unsupported) throw new DefinitionError(`${at}: regex flag(s) ${unsupported} cannot run in SQL; only i is kept`);
  return { source: regex.source, ignoreCase: regex.ignoreCase };
}

function defaultName(check: Check): string {
  const list = (values: readonly unknown[]) => {
    const text = values.map((v) => String(v)).join(', ');
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
  switch (check.kind) {
    case 'notNull': return `${check.column} not null`;
    case 'unique': return `${check.column} unique`;
    case 'accepted': return `${check.column} in (${list(check.values)})`;
    case 'range': return check.min !== undefined && check.max !== undefined ? `${check.column} in ${check.min}..${check.max}`
      : check.min !== undefined ? `${check.column} >= ${check.min}` : `${check.column} <= ${check.max}`;
    case 'pattern': return `${check.column} matches ${check.regex instanceof RegExp ? String(check.regex) : `/${check.regex}/`}`;
    case 'maxLength': return `${check.column} at most ${check.max} characters`;
    case 'rowCount': return [check.min !== undefined || check.max !== undefined ? `row count in ${check.min ?? 0}..${check.max ?? '∞'}` : '',
      check.withinPercent !== undefined ? `row count within ${check.withinPercent}% of the previous load` : ''].filter(Boolean).join(', ');
    case 'uniqueKey': return `unique key (${check.key.join(', ')})`;
    case 'freshness': return `${check.column} newer than ${check.maxAge}`;
    case 'references': return `${check.column} in ${check.to.table}.${check.to.column}`;
    case 'sql': return check.name;
  }
}

/** The reference table of docs/checks.md, written from the schema: every kind, what it checks, its options. */
export function checkReference(): string {
  const rows = kinds.map((schema) => {
    const shape = schema.shape as Record<string, z.ZodType>;
    const kind = (shape.kind as z.ZodLiteral).value as string;
    const options = Object.entries(shape).filter(([k]) => !['kind', 'warn', ...(kind === 'sql' ? [] : ['name'])].includes(k))
      .map(([k, v]) => `\`${k}\`${v.safeParse(undefined).success ? '?' : ''}: ${v.description ?? ''}`).join('; ');
    return `| \`${kind}\` | ${schema.description} | ${options} |`;
  });
  const common = `Every check also takes \`warn\`?: ${warn.description}; and \`name\`?: ${name.description}.`;
  return ['| kind | passes when | options |', '|---|---|---|', ...rows, '', common].join('\n');
}
