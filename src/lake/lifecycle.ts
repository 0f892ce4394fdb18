/** Lifecycle as code: per-zone rules that archive, delete or re-class lake objects once they are old enough. */
import { z } from 'zod';
import type { Lake, LakeObject } from './lake.ts';

export const lifecycleRule = z.object({
  /** The zone: its objects are the keys under `<zone>/`. */
  zone: z.enum(['raw', 'rejects', 'logs', 'curated']),
  /** Age, by the key's `dt=YYYY-MM-DD` partition when it has one, else by the object's last change. */
  olderThanDays: z.number().int().positive(),
  /** archive: move under `archive/`; delete; or, on S3, change the storage class (e.g. STANDARD_IA, GLACIER). */
  action: z.union([z.literal('archive'), z.literal('delete'), z.object({ storageClass: z.string().min(1) }).strict()]),
}).strict();

/** A lifecycle rule as written in `sluice.config.ts`. */
export type LifecycleRule = z.input<typeof lifecycleRule>;

/** What a rule did (or, in a dry run, would do) to one object. */
export interface LifecycleAction {
  readonly key: string;
  readonly action: string;
}

const DAY = 86_400_000;

/** The object's age in days: its `dt=` partition's date when the key has one, else its last change. */
function ageDays(object: LakeObject, now: Date): number {
  const dt = /(?:^|\/)dt=(\d{4}-\d{2}-\d{2})(?:\/|$)/.exec(object.key)?.[1];
  const at = dt ? Date.parse(`${dt}T00:00:00Z`) : object.modified.getTime();
  return (now.getTime() - at) / DAY;
}

/** Applies every rule to the lake; with `dryRun`, only says what it would do. */
export async function applyLifecycle(lake: Lake, rules: readonly LifecycleRule[], options: { now?: Date; dryRun?: boolean } = {}): Promise<LifecycleAction[]> {
  const now = options.now ?? new Date();
  const done: LifecycleAction[] = [];
  for (const rule of rules.map((r) => lifecycleRule.parse(r))) {
    const due: LakeObject[] = [];
    for await (const object of lake.list(`${rule.zone}/`)) if (ageDays(object, now) > rule.olderThanDays) due.push(object);
    for (const object of due) {
      const action = rule.action;
      if (action === 'archive') {
        done.push({ key: object.key, action: `archive to archive/${object.key}` });
        if (!options.dryRun) {
          await lake.put(`archive/${object.key}`, await lake.get(object.key));
          await lake.delete(object.key);
        }
      } else if (action === 'delete') {
        done.push({ key: object.key, action: 'delete' });
        if (!options.dryRun) await lake.delete(object.key);
      } else {
        if (!lake.setStorageClass) throw new Error(`lifecycle: storage classes exist only on S3 lakes; ${lake.location} is not one`);
        // Rules run hourly: an object already in its class is left alone, not copied onto itself again.
        if (object.storageClass === action.storageClass) continue;
        if (options.dryRun || await lake.setStorageClass(object.key, action.storageClass)) done.push({ key: object.key, action: `storage class ${action.storageClass}` });
      }
    }
  }
  return done;
}
