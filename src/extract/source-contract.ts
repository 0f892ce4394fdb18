/** The behaviour every Source must have, as one test suite each source's test file runs. */
import assert from 'node:assert/strict';
import { buffer } from 'node:stream/consumers';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { Source } from './source.ts';

/** Runs the contract on a source that finds at least one object with at least one record. */
export function sourceContract(name: string, make: () => Promise<{ source: Source; projectDir: string }>): void {
  describe(`${name} source (contract)`, () => {
    it('lists objects with unique names, each opened once as the bytes received', async () => {
      const { source, projectDir } = await make();
      const objects = await source.list({ projectDir, runId: 'r1', previous: async () => undefined });
      assert.ok(objects.length > 0);
      assert.equal(new Set(objects.map((o) => o.name)).size, objects.length);
      for (const o of objects) assert.ok((await buffer(await o.open())).length > 0, o.name);
      assert.match(source.describe(), new RegExp(source.kind));
    });

    it('parses the same bytes into the same records every time (a replay from the raw zone equals the run)', async () => {
      const { source, projectDir } = await make();
      const [object] = await source.list({ projectDir, runId: 'r1', previous: async () => undefined });
      const bytes = await buffer(await object!.open());
      const read = async () => {
        const out: unknown[] = [];
        for await (const batch of source.parse(Readable.from([bytes]), object!.name)) {
          assert.equal(batch.source, object!.name);
          assert.equal(batch.lines.length, batch.records.length);
          out.push(...batch.records.map((r, i) => [batch.lines[i], r]));
        }
        return out;
      };
      const first = await read();
      assert.ok(first.length > 0);
      assert.deepEqual(await read(), first);
    });
  });
}
