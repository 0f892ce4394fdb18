/** A source that re-reads raw objects already in the raw zone: how a run is replayed after its transform changed. */
import type { Lake } from '../lake/lake.ts';
import type { Source, SourceObject } from '../extract/source.ts';

/** The object name a raw key was landed under: `raw/<pipeline>/dt=<date>/<runId>/<name>` -> `<name>`. */
export function landedName(key: string): string {
  return key.split('/').slice(4).join('/');
}

/** `source`'s way of reading, over the raw objects `keys` (read from the lake, not from the original source). */
export function replaySource(source: Source, lake: Lake, keys: readonly string[]): Source {
  return {
    ...source,
    describe: () => `replay of ${keys.length} raw object(s) (${source.describe()})`,
    async list(): Promise<readonly SourceObject[]> {
      return keys.map((key) => ({ name: landedName(key), open: () => lake.get(key) }));
    },
  };
}
