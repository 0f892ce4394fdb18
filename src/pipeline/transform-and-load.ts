/** The transform and load stages, streamed: each landed object is parsed, transformed and COPYed batch by batch. */
import type { Source } from '../extract/source.ts';
import type { Lake } from '../lake/lake.ts';
import type { LandedObject } from '../lake/raw-zone.ts';
import type { LoadContext } from '../load/destination.ts';
import type { Counts } from '../runs/counts.ts';
import type { Quarantine } from '../transform/quarantine.ts';
import { transformBatch } from '../transform/transform-batch.ts';
import type { Pipeline } from './define-pipeline.ts';

/** Where a run is, for progress displays. */
export interface Progress {
  readonly objectsDone: number;
  readonly objectsTotal: number;
  readonly rows: number;
}

interface Stage {
  readonly pipeline: Pipeline;
  readonly source: Source;
  readonly objects: readonly LandedObject[];
  readonly params: Readonly<Record<string, string>>;
  readonly counts: Counts;
  readonly quarantine: Quarantine;
  /** Records parsed per raw key, for the manifest. */
  readonly rows: Map<string, number>;
  readonly lake: Lake;
  readonly load: LoadContext;
  readonly onProgress?: (progress: Progress) => void;
}

/** Loads every object's rows in one load: all commit together with the ledger, or none do. */
export async function transformAndLoad(stage: Stage): Promise<void> {
  const { pipeline, counts, quarantine } = stage;
  if (!stage.objects.length) return;
  const transform = transformBatch(pipeline.destination.columns, pipeline.transform, { runId: stage.load.runId, params: stage.params });
  const load = await pipeline.destination.open(stage.load);
  try {
    if (!load.fresh) throw new Error(`run key ${stage.load.runKey} was already loaded; nothing was loaded again`);
    for (const [done, object] of stage.objects.entries()) {
      let rows = 0;
      for await (const batch of stage.source.parse(await stage.lake.get(object.key), object.name)) {
        const out = transform(batch);
        const rowRejects = out.rejects.filter((r) => !r.wholeObject).length;
        rows += out.rows.length + rowRejects + out.filtered;
        counts.extracted += out.rows.length + rowRejects + out.filtered;
        counts.filtered += out.filtered;
        counts.rejected += rowRejects;
        counts.loaded += out.rows.length;
        await quarantine.add(out.rejects);
        await load.write(out.rows);
        stage.onProgress?.({ objectsDone: done, objectsTotal: stage.objects.length, rows: counts.extracted });
      }
      stage.rows.set(object.key, rows);
      stage.onProgress?.({ objectsDone: done + 1, objectsTotal: stage.objects.length, rows: counts.extracted });
    }
    const result = await load.commit(stage.objects.filter((o) => o.bytes > 0).map((o) => ({ name: o.name, rawKey: o.key, sha256: o.sha256, bytes: o.bytes })), { ...counts });
    counts.inserted = result.inserted;
    counts.updated = result.updated;
    counts.unchanged = result.unchanged;
  } catch (error) {
    await load.abort();
    throw error;
  }
}
