/** The project's lifecycle rules as S3 bucket lifecycle rules: what S3 can do itself, and what stays with the scheduler. */
import { lifecycleRule, type LifecycleRule } from '../lake/lifecycle.ts';
import { DefinitionError } from '../config/parse-options.ts';

/** One S3 lifecycle rule, as plain data (the stack turns it into CloudFormation). */
export interface BucketLifecycleRule {
  readonly id: string;
  /** Key prefix: `<lake prefix>/<zone>/`. */
  readonly prefix: string;
  readonly days: number;
  /** A transition to this storage class, or (undefined) expiration: the object is deleted. */
  readonly storageClass?: string;
}

/** How each of the project's rules is applied once deployed. */
export interface BucketLifecycle {
  readonly bucketRules: readonly BucketLifecycleRule[];
  /** `archive` rules: S3 cannot move a key, so the deployed scheduler applies them hourly, as `sluice lake lifecycle` does. */
  readonly schedulerRules: readonly LifecycleRule[];
}

// S3 refuses transitions to these classes before 30 days.
const THIRTY_DAY_MINIMUM = new Set(['STANDARD_IA', 'ONEZONE_IA']);

/**
 * Translates `rules` for a lake at `s3://bucket/<prefix>`. Ages differ slightly: sluice counts from a key's
 * `dt=` partition, S3 from the object's creation, which for the raw zone is the same day.
 */
export function bucketLifecycle(rules: readonly LifecycleRule[], prefix: string): BucketLifecycle {
  const bucketRules: BucketLifecycleRule[] = [];
  const schedulerRules: LifecycleRule[] = [];
  for (const rule of rules.map((r) => lifecycleRule.parse(r))) {
    const keyPrefix = `${prefix ? `${prefix}/` : ''}${rule.zone}/`;
    const { action, olderThanDays: days } = rule;
    if (action === 'archive') schedulerRules.push(rule);
    else if (action === 'delete') bucketRules.push({ id: `${rule.zone}-delete-after-${days}-days`, prefix: keyPrefix, days });
    else {
      const storageClass = action.storageClass.toUpperCase();
      if (THIRTY_DAY_MINIMUM.has(storageClass) && days < 30) {
        throw new DefinitionError(`lifecycle rule for ${rule.zone}/: S3 moves objects to ${storageClass} after 30 days at the earliest (olderThanDays is ${days})`);
      }
      bucketRules.push({ id: `${rule.zone}-to-${storageClass.toLowerCase()}-after-${days}-days`, prefix: keyPrefix, days, storageClass });
    }
  }
  return { bucketRules, schedulerRules };
}
