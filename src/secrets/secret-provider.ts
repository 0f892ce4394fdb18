/**
 * Where `secret()` values come from besides the environment: a provider selected by `SLUICE_SECRETS` (or
 * `secrets` in sluice.config.ts), e.g. `aws-secrets-manager:sluice/weather/` reads secret NAME as `sluice/weather/NAME`.
 */
import { TerminalError } from '../extract/errors.ts';
import type { SecretRead } from './aws-secrets-manager.ts';
import { findSecretNames } from './secret-names.ts';

/** Secrets sluice itself reads through the provider when they are not in the environment. */
export const SLUICE_SECRET_NAMES = ['SLUICE_SMTP_URL'] as const;

interface Provided {
  readonly from: string;
  readonly prefix: string;
  readonly values: ReadonlyMap<string, SecretRead>;
}

// One provider per process, like the environment it stands beside: set once when the project is opened.
const state: { provided?: Provided } = {};

/** `aws-secrets-manager:<prefix>` as its parts; anything else is a configuration error. */
export function parseSecretsSetting(setting: string): { kind: 'aws-secrets-manager'; prefix: string } {
  const m = /^aws-secrets-manager:(.*)$/.exec(setting);
  if (!m) throw new TerminalError(`secrets "${setting}": expected aws-secrets-manager:<prefix> (e.g. aws-secrets-manager:sluice/weather/)`);
  return { kind: 'aws-secrets-manager', prefix: m[1]! };
}

/**
 * Reads the project's secrets from the provider `setting` names, once, before any pipeline runs: `secret()` is
 * synchronous, so values are fetched ahead (the names come from `findSecretNames`) and kept in memory only.
 */
export async function useSecretProvider(setting: string | undefined, projectDir: string): Promise<void> {
  if (!setting) return;
  const { prefix } = parseSecretsSetting(setting);
  const { readSecretsManager } = await import('./aws-secrets-manager.ts');
  const names = [...new Set([...findSecretNames(projectDir), ...SLUICE_SECRET_NAMES])];
  const read = await readSecretsManager(names.map((n) => prefix + n));
  state.provided = { from: 'AWS Secrets Manager', prefix, values: new Map(names.map((n) => [n, read.get(prefix + n)!])) };
}

/** The provider's value for `name`, or undefined (no provider, or it could not read that secret). */
export function providedSecret(name: string): string | undefined {
  const read = state.provided?.values.get(name);
  return read && 'value' in read ? read.value : undefined;
}

/** What to tell a user whose secret `name` was found nowhere, about the provider (empty when none is set). */
export function providerHint(name: string): string {
  const provided = state.provided;
  if (!provided) return '';
  const read = provided.values.get(name);
  if (!read) return ` (it was not read from ${provided.from}: sluice reads the names written as secret('NAME') in pipelines/ and sluice.config.ts, so write this one literally)`;
  return `, or create ${provided.prefix}${name} in ${provided.from}${'unreadable' in read ? ` (${read.unreadable})` : ''}`;
}

/** Where the RDS CA bundle is in sluice's image (`sluice deploy aws` puts it there). */
export const RDS_CA_FILE = '/etc/ssl/certs/rds-global-bundle.pem';

/**
 * The database URL from `SLUICE_DATABASE_SECRET` (an RDS credentials secret's ARN or name), read by sluice itself
 * so the password is never in an environment variable; TLS verify-full against `SLUICE_DATABASE_CA` (default the RDS bundle).
 */
export async function databaseUrlFromEnv(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (!env.SLUICE_DATABASE_SECRET) return undefined;
  const { databaseUrlFromSecret } = await import('./aws-secrets-manager.ts');
  return databaseUrlFromSecret(env.SLUICE_DATABASE_SECRET, env.SLUICE_DATABASE_CA || RDS_CA_FILE);
}
