/**
 * The external-store half of the commit protocol, for files in the lake: a load's file is staged under
 * `staging/<pipeline>/<runId>/`, the ledger commits naming it, then `publishStaged` moves it into place.
 */
import type { Lake } from '../lake/lake.ts';
import type { Publication } from './destination.ts';

/** Where a load's file waits, durable, until the ledger has committed. Outside `curated/`: no reader sees it. */
export function stagedKey(pipeline: string, runId: string, name: string): string {
  return `staging/${pipeline}/${runId}/${name}`;
}

/** The publication of one staged lake file: copied to `key`, then the staged copy removed. */
export function lakePublication(staged: string, key: string): Publication {
  return { staged, key };
}

/**
 * Moves a staged file into place. Idempotent: once the staged copy is gone, the final one is there (the put is
 * atomic and happens before the delete), so calling it again after a crash at any point finishes the job.
 */
export async function publishStaged(publication: Publication, lake: Lake): Promise<void> {
  const { staged, key } = publication;
  if (!staged || !key) throw new Error(`not a lake publication: ${JSON.stringify(publication)}`);
  let body;
  try {
    body = await lake.get(staged);
  } catch (error) {
    if (await exists(lake, key)) return;
    throw error;
  }
  await lake.put(key, body);
  await lake.delete(staged);
}

async function exists(lake: Lake, key: string): Promise<boolean> {
  for await (const object of lake.list(key)) if (object.key === key) return true;
  return false;
}
