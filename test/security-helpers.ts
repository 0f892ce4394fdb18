/** Helpers of the security tests (and the HTTP source's own): every record a source yields, read as the runner reads them. */
import os from 'node:os';
import type { Source } from '../src/extract/source.ts';

/** All records a source yields, object by object. */
export async function records(source: Source): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const object of await source.list({ projectDir: os.tmpdir(), runId: 'r', previous: async () => undefined })) {
    for await (const batch of source.parse(await object.open(), object.name)) out.push(...batch.records);
  }
  return out;
}
