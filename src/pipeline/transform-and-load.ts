/** The transform and load stages, streamed: each landed object is parsed, transformed and COPYed batch by batch. */
import type { Source } from '../extract/source.ts';
import type { Lake } from '../lake/lake.ts';
import type { LandedObject } from '../lake/raw-zone.ts';
import { splitHeader } from '../extract/formats/csv-header.ts';
import { CsvRefused, type Load, type LoadContext } from '../load/destination.ts';
import { uniqueSnakeCase } from '../transform/identifiers.ts';
import type { Counts } from '../runs/counts.ts';
import type { Quarantine } from '../transform/quarantine.ts';
import { transformBatch } from '../transform/transform-batch.ts';
import type { Logger } from 'pino';
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
  /** How many objects went straight into COPY as CSV text. */
  readonly copied: { count: number };
  /** Records parsed per raw key, for the manifest. */
  readonly rows: Map<string, number>;
  readonly lake: Lake;
  readonly load: LoadContext;
  readonly onProgress?: (progress: Progress) => void;
  readonly log: Logger;
}

/** Loads every object's rows in one load: all commit together with the ledger, or none do. Returns notes for the run record. */
export async function transformAndLoad(stage: Stage): Promise<string[]> {
  const { pipeline, counts, quarantine } = stage;
  if (!stage.objects.length) return [];
  const transform = transformBatch(pipeline.destination.columns, pipeline.transform, { runId: stage.load.runId, startedAt: stage.load.startedAt, params: stage.params });
  const load = await pipeline.destination.open(stage.load);
  try {
    if (!load.fresh) throw new Error(`run key ${stage.load.runKey} was loaded meanwhile by another run; nothing was loaded again`);
    const refused: string[] = [];
    for (const [done, object] of (pipeline.destination.landOnly ? [] : stage.objects).entries()) {
      const copied = pipeline.transform ? undefined : await copyAsCsv(stage, load, object, refused);
      if (copied !== undefined) {
        stage.log.info({ object: object.name, rows: copied, via: 'COPY' }, 'loaded');
        stage.copied.count++;
        counts.extracted += copied;
        counts.loaded += copied;
        stage.rows.set(object.key, copied);
        stage.onProgress?.({ objectsDone: done + 1, objectsTotal: stage.objects.length, rows: counts.extracted });
        continue;
      }
      let rows = 0;
      for await (const batch of stage.source.parse(await stage.lake.get(object.key), object.name)) {
        const out = transform.apply(batch);
        const rowRejects = out.rejects.filter((r) => !r.wholeObject).length;
        rows += out.rows.length + rowRejects + out.filtered;
        counts.extracted += out.rows.length + rowRejects + out.filtered;
        counts.filtered += out.filtered;
        counts.rejected += rowRejects;
        counts.loaded += out.rows.length;
        await quarantine.add(out.rejects);
        checkRejectLimit(pipeline, counts, false);
        await load.write({ source: object.name, rows: out.rows, lines: out.lines });
        stage.onProgress?.({ objectsDone: done, objectsTotal: stage.objects.length, rows: counts.extracted });
      }
      stage.rows.set(object.key, rows);
      stage.log.info({ object: object.name, rows, via: 'rows' }, 'loaded');
      stage.onProgress?.({ objectsDone: done + 1, objectsTotal: stage.objects.length, rows: counts.extracted });
    }
    checkRejectLimit(pipeline, counts, true);
    stage.log.info({ counts: { ...counts } }, 'committing');
    const result = await load.commit(stage.objects.filter((o) => o.bytes > 0).map((o) => ({ name: o.name, rawKey: o.key, sha256: o.sha256, bytes: o.bytes, meta: o.meta })));
    // In-batch duplicates the destination resolved were extracted but not loaded: superseded ones count as filtered.
    counts.loaded -= result.superseded + result.rejects.length;
    counts.filtered += result.superseded;
    counts.rejected += result.rejects.length;
    await quarantine.add(result.rejects);
    counts.inserted = result.inserted;
    counts.updated = result.updated;
    counts.unchanged = result.unchanged;
    const renamed = [...transform.renamed].map(([from, to]) => `${JSON.stringify(from)} -> ${to}`);
    return [...result.changes, ...(renamed.length ? [`source fields loaded under snake_case column names: ${renamed.join(', ')}`] : []),
      ...(refused.length ? [`${refused.length} file(s) Postgres refused as CSV were loaded row by row, quarantining bad rows (first: ${refused[0]})`] : [])];
  } catch (error) {
    await load.abort();
    throw error;
  }
}

/**
 * Without a transform, an object that is plain CSV goes straight into COPY and Postgres parses it. Returns the
 * rows loaded, or undefined when the object must go row by row: not plain CSV, a header field with no column,
 * or text Postgres refused (nothing of it is kept, and the row-by-row path then quarantines each bad row).
 */
async function copyAsCsv(stage: Stage, load: Load, object: LandedObject, refused: string[]): Promise<number | undefined> {
  const layout = stage.source.csvLayout?.(object.name);
  if (!layout || !load.copyCsv || object.bytes === 0) return undefined;
  const split = await splitHeader(await stage.lake.get(object.key), layout);
  if (!split) return undefined;
  const columns = uniqueSnakeCase(split.names);
  if (columns.some((c) => !(c in stage.pipeline.destination.columns))) {
    split.rest.destroy();
    return undefined;
  }
  try {
    return await load.copyCsv({ ...layout, source: object.name, columns, body: split.rest });
  } catch (error) {
    if (!(error instanceof CsvRefused)) throw error;
    refused.push(`${object.name}: ${error.message}`);
    stage.log.warn({ object: object.name, reason: error.message }, 'Postgres refused the file as CSV; loading it row by row');
    return undefined;
  }
}

/** Fails the run once its rejects pass the pipeline's limit (a count as soon as it is passed; a percent at the end). */
function checkRejectLimit(pipeline: Pipeline, counts: Counts, atEnd: boolean): void {
  const { maxRows, maxPercent } = pipeline.rejects;
  if (maxRows !== undefined && counts.rejected > maxRows) {
    throw new Error(`${counts.rejected} rows rejected, more than the pipeline allows (rejects.maxRows: ${maxRows}); nothing was loaded`);
  }
  if (atEnd && maxPercent !== undefined && counts.extracted && (counts.rejected / counts.extracted) * 100 > maxPercent) {
    throw new Error(`${((counts.rejected / counts.extracted) * 100).toFixed(2)}% of rows rejected, more than the pipeline allows (rejects.maxPercent: ${maxPercent}); nothing was loaded`);
  }
}
