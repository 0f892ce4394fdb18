/** Secrets read from AWS Secrets Manager (`@aws-sdk/client-secrets-manager`): pipeline secrets by name, and RDS credentials. */
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RetryableError, TerminalError } from '../extract/errors.ts';
import { registerSecret } from './redact.ts';

/** How to reach Secrets Manager. Region and credentials default to the AWS chain (environment, task role); the SDK also obeys `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
export interface SecretsManagerOptions {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

function client(options: SecretsManagerOptions): SecretsManagerClient {
  return new SecretsManagerClient({ region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1', endpoint: options.endpoint, credentials: options.credentials });
}

/** One secret's outcome: its value, or why it could not be read (it does not exist, or the role may not read it). */
export type SecretRead = { readonly value: string } | { readonly unreadable: string };

/**
 * Reads each secret id. A secret that does not exist or may not be read is reported by id, not thrown: Secrets
 * Manager answers AccessDenied for a name the role is not granted, and one pipeline's missing secret must not stop
 * the others. Failures that may pass (throttling, 5xx, no network, after the SDK's own retries) throw. Every value
 * read is registered for redaction before it is returned; no message ever holds a value.
 */
export async function readSecretsManager(ids: readonly string[], options: SecretsManagerOptions = {}): Promise<Map<string, SecretRead>> {
  const sm = client(options);
  try {
    const entries = await Promise.all(ids.map(async (id) => [id, await readOne(sm, id)] as const));
    return new Map(entries);
  } finally {
    sm.destroy();
  }
}

async function readOne(sm: SecretsManagerClient, id: string): Promise<SecretRead> {
  try {
    const answer = await sm.send(new GetSecretValueCommand({ SecretId: id }));
    const value = answer.SecretString ?? (answer.SecretBinary ? Buffer.from(answer.SecretBinary).toString('utf8') : undefined);
    if (value === undefined) return { unreadable: `secret ${id} has no value` };
    registerSecret(value);
    return { value };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return { unreadable: `AWS Secrets Manager has no secret ${id}` };
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const message = `AWS Secrets Manager: reading secret ${id} failed: ${e.name}${status ? ` (HTTP ${status})` : ''}`;
    if (status !== undefined && status < 500 && status !== 429) return { unreadable: `${message}: it does not exist, or this role may not read it` };
    throw new RetryableError(message);
  }
}

/** The RDS credentials secret's JSON (what RDS and the CDK generate). */
interface RdsSecret {
  readonly username: string;
  readonly password: string;
  readonly host: string;
  readonly port?: number | string;
  readonly dbname?: string;
}

/**
 * A `postgres://` URL built from an RDS credentials secret, with `sslmode=verify-full` and the RDS CA bundle as
 * `sslrootcert`: the connection is encrypted and the server's certificate and host name are checked.
 */
export async function databaseUrlFromSecret(id: string, caFile: string, options: SecretsManagerOptions = {}): Promise<string> {
  const read = (await readSecretsManager([id], options)).get(id)!;
  if (!('value' in read)) throw new TerminalError(`the database secret: ${read.unreadable}`);
  const value = read.value;
  let parsed: Partial<RdsSecret>;
  try {
    parsed = JSON.parse(value) as Partial<RdsSecret>;
  } catch {
    throw new TerminalError(`AWS Secrets Manager: the database secret ${id} is not JSON with username, password and host`);
  }
  const { username, password, host } = parsed;
  if (!username || !password || !host) throw new TerminalError(`AWS Secrets Manager: the database secret ${id} lacks username, password or host`);
  registerSecret(password);
  const url = new URL(`postgres://${host}:${parsed.port ?? 5432}/${encodeURIComponent(parsed.dbname ?? 'postgres')}`);
  url.username = encodeURIComponent(username);
  url.password = encodeURIComponent(password);
  url.searchParams.set('sslmode', 'verify-full');
  url.searchParams.set('sslrootcert', caFile);
  return url.toString();
}
