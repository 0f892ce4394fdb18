/** The transform stage feeding a load, streamed: each landed object is parsed, transformed and COPYed batch by batch. */
import type { Readable } from 'node:stream';
import type { Source } from '../extract/source.ts';
import type { Lake } from '../lake/lake.ts';
import type { LandedObject } from '../lake/raw-zone.ts';
import { splitHeader } from '../extract/formats/csv-header.ts';
import { CsvRefused, type Fed, type Load } from '../load/destination.ts';
import { headerPolicy, headerReport, type HeaderDecision } from '../transform/header-policy.ts';
import type { Quarantine } from '../transform/quarantine.ts';
import { transformBatch } from '../transform/transform-batch.ts';
import type { Logger } from 'pino';
import type { Pipeline } from './define-pipeline.ts';
import { checkRejectLimit } from './validate-load.ts';
import { readAhead } from './read-ahead.ts';
import { stopIfAsked } from './stop-signal.ts';

/** Where a run is, for progress displays. */
export interface Progress {
  readonly objectsDone: number;
  readonly objectsTotal: number;
  readonly rows: number;
}

/** What feeding the load needs. */
export interface Feed {
  readonly pipeline: Pipeline;
  readonly source: Source;
  readonly objects: readonly LandedObject[];
  readonly params: Readonly<Record<string, string>>;
  readonly quarantine: Quarantine;
  readonly lake: Lake;
  readonly runId: string;
  readonly startedAt: Date;
  readonly onProgress?: (progress: Progress) => void;
  readonly log: Logger;
  readonly signal?: AbortSignal;
}

/** Writes every object's rows into `load`; quarantines bad rows; returns the tally. Commits nothing. */
export async function transformAndLoad(feed: Feed, load: Load): Promise<Fed> {
  const { pipeline, quarantine } = feed;
  const transform = transformBatch(pipeline.destination.columns, pipeline.transform, { runId: feed.runId, startedAt: feed.startedAt, params: feed.params });
  const rows = new Map<string, number>();
  const refused: string[] = [];
  const headers = headerReport();
  // Without a transform, header fields map to columns by name: the header policy decides, the same on both paths.
  const policy = (file: string, fields: readonly string[]) => headerPolicy(file, fields, pipeline.destination.columns, pipeline.destination.frozen);
  let extracted = 0;
  let written = 0;
  let rejected = 0;
  let filtered = 0;
  let copiedObjects = 0;
  const objects = pipeline.destination.landOnly ? [] : feed.objects;
  const ahead = readAhead(feed.lake, objects, feed.lake.readAhead ?? 0);
  for (const [done, object] of objects.entries()) {
    stopIfAsked(feed.signal);
    const unreadable = object.bytes > 0 ? await feed.source.check?.(object.name, () => ahead.open(done)) : undefined;
    if (unreadable) {
      // Quarantined whole, named; the other objects load under the reject policy.
      await quarantine.add([{ source: object.name, line: 0, reason: unreadable, wholeObject: true }]);
      feed.log.warn({ object: object.name, reason: unreadable }, 'quarantined');
      continue;
    }
    const copied = pipeline.transform ? undefined : await copyAsCsv(feed, load, object, () => ahead.open(done), refused, policy, headers);
    if (copied !== undefined) {
      feed.log.info({ object: object.name, rows: copied, via: 'COPY' }, 'loaded');
      copiedObjects++;
      extracted += copied;
      written += copied;
      rows.set(object.key, copied);
      feed.onProgress?.({ objectsDone: done + 1, objectsTotal: feed.objects.length, rows: extracted });
      continue;
    }
    let read = 0;
    let checked = Boolean(pipeline.transform);
    for await (const batch of feed.source.parse(await ahead.open(done), object.name)) {
      stopIfAsked(feed.signal);
      if (!checked && batch.fields) {
        checked = true;
        const decision = policy(object.name, batch.fields);
        if (decision.reject) {
          await quarantine.add([{ source: object.name, line: 1, reason: decision.reject, wholeObject: true }]);
          break;
        }
        headers.add(object.name, decision);
      }
      const out = transform.apply(batch);
      const rowRejects = out.rejects.filter((r) => !r.wholeObject).length;
      read += out.rows.length + rowRejects + out.filtered;
      extracted += out.rows.length + rowRejects + out.filtered;
      filtered += out.filtered;
      rejected += rowRejects;
      written += out.rows.length;
      await quarantine.add(out.rejects);
      checkRejectLimit(pipeline, { extracted, rejected }, false);
      await load.write({ source: object.name, rows: out.rows, lines: out.lines });
      feed.onProgress?.({ objectsDone: done, objectsTotal: feed.objects.length, rows: extracted });
    }
    rows.set(object.key, read);
    feed.log.info({ object: object.name, rows: read, via: 'rows' }, 'loaded');
    feed.onProgress?.({ objectsDone: done + 1, objectsTotal: feed.objects.length, rows: extracted });
  }
  // Fields a header-less source (JSON) renamed are noted as a header's are.
  for (const [from, to] of transform.renamed) headers.add('', { names: [], missing: [], extras: [], renamed: [[from, to]] });
  const notes = [...headers.notes(),
    ...(refused.length ? [`${refused.length} file(s) Postgres refused as CSV were loaded row by row, quarantining bad rows (first: ${refused[0]})`] : [])];
  return { extracted, written, rejected, filtered, rows, copiedObjects, notes, warnings: headers.warnings() };
}

/**
 * Without a transform, an object that is plain CSV goes straight into COPY and Postgres parses it. Returns the
 * rows loaded, or undefined when the object must go row by row: not plain CSV, a header field with no column,
 * or text Postgres refused (nothing of it is kept, and the row-by-row path then quarantines each bad row).
 */
async function copyAsCsv(feed: Feed, load: Load, object: LandedObject, open: () => Promise<Readable>, refused: string[],
  policy: (file: string, fields: readonly string[]) => HeaderDecision, headers: ReturnType<typeof headerReport>): Promise<number | undefined> {
  const layout = feed.source.csvLayout?.(object.name);
  if (!layout || !load.copyCsv || object.bytes === 0) return undefined;
  const split = await splitHeader(await open(), layout);
  if (!split) return undefined;
  // Names given in the layout are the user's, not a header: only a header line goes through the policy.
  const decision = layout.names ? undefined : policy(object.name, split.names);
  // A file to reject, or with fields COPY cannot drop, goes row by row, where the same decision is taken.
  if (decision?.reject || decision?.extras.length) {
    split.rest.destroy();
    return undefined;
  }
  const columns = decision?.names ?? split.names;
  if (columns.some((c) => !(c in feed.pipeline.destination.columns))) {
    split.rest.destroy();
    return undefined;
  }
  try {
    const copied = await load.copyCsv({ ...layout, source: object.name, columns, body: split.rest });
    if (decision) headers.add(object.name, decision);
    return copied;
  } catch (error) {
    if (!(error instanceof CsvRefused)) throw error;
    refused.push(`${object.name}: ${error.message}`);
    feed.log.warn({ object: object.name, reason: error.message }, 'Postgres refused the file as CSV; loading it row by row');
    return undefined;
  }
}
