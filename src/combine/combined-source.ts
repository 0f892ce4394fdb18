/** Several sources read as one: their objects land together under the run's raw prefix, each in a folder named after its source. */
import type { RecordBatch, Source, SourceObject } from '../extract/source.ts';
import { TerminalError } from '../extract/errors.ts';

/** `us/us.csv` -> the source `us` and its own object name `us.csv`. */
export function sourceOf(object: string): { readonly source: string; readonly name: string } {
  const at = object.indexOf('/');
  return { source: object.slice(0, at), name: object.slice(at + 1) };
}

/**
 * One source over `sources`. Each is listed in full on every run, without "changed since?" requests: a join needs
 * every input, and the runner loads nothing when all of them are unchanged. Parsing goes to the object's own source.
 */
export function combinedSource(sources: Readonly<Record<string, Source>>): Source {
  const of = (object: string) => {
    const { source, name } = sourceOf(object);
    const found = sources[source];
    if (!found) throw new TerminalError(`${object}: not an object of this pipeline's sources (${Object.keys(sources).join(', ')})`);
    return { source: found, name };
  };
  return {
    kind: 'combined',
    describe: () => Object.entries(sources).map(([name, s]) => `${name}: ${s.describe()}`).join('; '),
    async list(ctx): Promise<readonly SourceObject[]> {
      const listed: SourceObject[] = [];
      for (const [name, source] of Object.entries(sources)) {
        const objects = await source.list({ ...ctx, previous: async () => undefined });
        listed.push(...objects.map((o) => ({ ...o, name: `${name}/${o.name}`, open: () => o.open() })));
      }
      return listed;
    },
    async *parse(body, object): AsyncIterable<RecordBatch<unknown>> {
      const { source, name } = of(object);
      // Rejects and transforms name the object as landed (`recovered/time_series....csv`), so its source shows.
      try {
        for await (const batch of source.parse(body, name)) {
          yield { ...batch, source: object, rejects: batch.rejects.map((r) => ({ ...r, source: object })) };
        }
      } catch (error) {
        // Its class (retryable or terminal) stays; the message says which source could not be read.
        if (error instanceof Error) error.message = `source "${sourceOf(object).source}": ${error.message}`;
        throw error;
      }
    },
  };
}
