/**
 * Reddit, two stages, stage 2: a new raw answer in `reddit-extract`'s raw zone starts a run that loads it.
 * Every raw answer is loaded once (the ledger knows its content); its hour comes from the extraction run's id.
 * Original: the Lambda an S3 object-created event started. Real: the same, over reddit-extract's real answers.
 */
import path from 'node:path';
import { definePipeline, files, onFile } from 'sluice';
import { cleanPost, hotPostChecks, hotPosts } from '../posts.ts';

// The extraction's raw zone, in this project's lake (a folder, or a bucket with SLUICE_LAKE=s3://...).
const LAKE = process.env.SLUICE_LAKE ?? '../.sluice/lake';
const RAW = LAKE.startsWith('s3://') ? `${LAKE.replace(/\/+$/, '')}/raw/reddit-extract` : path.join(LAKE, 'raw/reddit-extract');

/** `dt=2026-11-23/20261123T070000Z-ab12cd34/page-0001.json` -> the extraction's start time. */
function extractedAt(name: string): Date {
  const m = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/.exec(name);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : new Date(NaN);
}

export default definePipeline({
  name: 'reddit-load',
  description: 'Loads each new raw hot listing into the hourly snapshots',
  trigger: onFile('**/page-*.json', { dir: RAW, pollSeconds: 2 }),
  source: files('**/page-*.json', { dir: RAW, format: 'json', records: 'data.children[].data' }),
  transform: (post: Record<string, unknown>, ctx) => cleanPost(post, ctx.file.line, extractedAt(ctx.file.name)),
  destination: hotPosts(),
  checks: hotPostChecks,
});
