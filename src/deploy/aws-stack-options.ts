/** The options an AWS stack for a sluice project is built from. */
import type { LifecycleRule } from '../lake/lifecycle.ts';

/** What the stack is built from. */
export interface AwsStackOptions {
  readonly stackName: string;
  /** The project's lifecycle rules (from sluice.config.ts). */
  readonly lifecycle: readonly LifecycleRule[];
  /** The names of the project's secrets (`secret('NAME')`); each is read from Secrets Manager as `<secretsPrefix>NAME`. */
  readonly secretNames: readonly string[];
  readonly secretsPrefix: string;
  /** The folder `docker build` runs in (Dockerfile, sluice, the project). */
  readonly imageContext: string;
  /** Keep old versions of lake objects. */
  readonly versioned: boolean;
  /** Delete the bucket (and its objects) and the database with the stack, instead of keeping them. */
  readonly destroyData: boolean;
  /** Use this existing database (an RDS credentials secret's ARN) instead of creating one. */
  readonly databaseSecretArn?: string;
  /** A network (e.g. a VPN's) allowed to reach the dashboard; by default only the VPC can. */
  readonly dashboardCidr?: string;
  readonly workers: { readonly min: number; readonly max: number };
  /** Plain settings for the pipelines (never secrets), e.g. `WEATHER_API`. */
  readonly environment: Readonly<Record<string, string>>;
}
