/**
 * A fake source with failure knobs: objects given as text, one record a line (`id,v`); fail (retryable or
 * terminal) or crash while listing, slow parsing, an object that cannot be read.
 */
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { RetryableError, TerminalError } from '../../src/extract/errors.ts';
import type { RecordBatch, Source, SourceObject } from '../../src/extract/source.ts';

export interface FakeSourceKnobs {
  /** Object name -> its text, `id,v` per line. */
  readonly objects: Readonly<Record<string, string>>;
  /** Fails the listing the first `times` times (default always). */
  readonly failList?: 'retryable' | 'terminal';
  readonly times?: number;
  /** Kills this process without warning while listing. */
  readonly crashList?: boolean;
  /** Waits this long before each record batch. */
  readonly slowMs?: number;
}

/** A fake source; `lists` counts the listings asked for. */
export function fakeSource(knobs: FakeSourceKnobs): Source & { readonly lists: number } {
  let lists = 0;
  return {
    kind: 'fake',
    get lists() { return lists; },
    describe: () => `fake source (${Object.keys(knobs.objects).length} objects)`,
    async list(): Promise<SourceObject[]> {
      lists++;
      if (knobs.crashList) process.kill(process.pid, 'SIGKILL');
      if (knobs.failList && lists <= (knobs.times ?? Infinity)) {
        throw knobs.failList === 'retryable' ? new RetryableError('fake source: 503 Service Unavailable') : new TerminalError('fake source: 403 Forbidden');
      }
      return Object.entries(knobs.objects).map(([name, body]) => ({ name, open: async () => Readable.from([Buffer.from(body)]) }));
    },
    async *parse(body: Readable, name: string): AsyncIterable<RecordBatch<unknown>> {
      if (knobs.slowMs) await new Promise((resolve) => setTimeout(resolve, knobs.slowMs));
      const lines = (await text(body)).split('\n');
      const records: Record<string, string>[] = [];
      const at: number[] = [];
      lines.forEach((line, i) => {
        if (!line) return;
        const [id, v] = line.split(',');
        records.push({ id: id!, v: v ?? '' });
        at.push(i + 1);
      });
      yield { source: name, records, lines: at, rejects: [] };
    },
  };
}
