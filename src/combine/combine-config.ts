/** The `sources` and `combine` options of a pipeline: several sources read in one run, joined in SQL before the load. */
import { z } from 'zod';
import { isSource, type Source } from '../extract/source.ts';
import type { Columns } from '../transform/columns.ts';
import type { TransformFn } from '../transform/transform-batch.ts';

type Params = Readonly<Record<string, string>>;

/** One source of a combine: where its records come from, the typed columns its rows are staged with, and an optional per-record transform. */
export interface CombineSourceDefinition<P extends Params = Params> {
  readonly source: Source | ((params: P) => Source);
  /** The columns of the source's table in the join (`us`, `recovered`...): rows are coerced to them, bad ones quarantined. */
  readonly columns: Columns;
  /** Per record: the row to stage, or null to filter it out. Without it, fields map to columns by name. */
  // Each source has its own record type; the columns check what the transform returns, at run time.
  readonly transform?: TransformFn<any, object>;
}

/** A checked combine, as the runner sees it. */
export interface Combine {
  readonly sources: Readonly<Record<string, { readonly source: (params: Params) => Source; readonly columns: Columns; readonly transform?: TransformFn<unknown, object> }>>;
  /** One SELECT over the staged sources (each a table named after its source) returning the destination's columns. */
  readonly sql: string;
}

/** Source names become table names in the join and folder names in the raw zone. */
function sourceNameProblem(name: string): string | undefined {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) return 'expected a lowercase SQL name such as us or recovered';
  return name.startsWith('sluice') ? 'names starting with sluice are reserved' : undefined;
}

const columns = z.custom<Columns>((v) => typeof v === 'object' && v !== null && Object.keys(v).length > 0
  && Object.values(v).every((c) => typeof (c as { kind?: unknown })?.kind === 'string'), 'expected columns such as { date: col.date() }');

/** The schema of `sources`: at least two named sources, each with its columns. */
export const combineSourcesSchema = z.record(z.string(), z.object({
  source: z.custom<unknown>((v) => isSource(v) || typeof v === 'function', 'expected a source such as httpFile(url)'),
  columns,
  transform: z.custom<TransformFn<unknown, object>>((v) => typeof v === 'function', 'expected a function (row, ctx) => row').optional(),
}).strict()).superRefine((sources, ctx) => {
  for (const name of Object.keys(sources)) {
    const problem = sourceNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
  if (Object.keys(sources).length < 2) ctx.addIssue({ code: 'custom', message: 'expected at least two sources (one source needs no combine: use source)' });
});

/** The schema of `combine`: the join as SQL, or `{ sql }`. */
export const combineSchema = z.union([z.string(), z.object({ sql: z.string() }).strict()])
  .transform((c) => (typeof c === 'string' ? c : c.sql).trim().replace(/;\s*$/, ''))
  .refine((sql) => /^(select|with|values|table)\b/i.test(sql), 'expected one SELECT over the sources, e.g. SELECT date, cases, recovered FROM us JOIN recovered USING (date)');

/** Makes the checked `Combine` of validated `sources` and `combine` options. */
export function makeCombine(pipeline: string, sources: z.output<typeof combineSourcesSchema>, sql: string): Combine {
  const made = Object.fromEntries(Object.entries(sources).map(([name, s]) => {
    const source = (params: Params): Source => {
      const value = typeof s.source === 'function' && !isSource(s.source) ? (s.source as (p: Params) => unknown)(params) : s.source;
      if (!isSource(value)) throw new Error(`pipeline "${pipeline}": sources.${name}.source(params) did not return a source`);
      return value;
    };
    return [name, { source, columns: s.columns, transform: s.transform }];
  }));
  return { sources: made, sql };
}
