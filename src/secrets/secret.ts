/** Secrets: named values resolved at run time from the environment, the project's `.env`, or a secrets folder. */
import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { TerminalError } from '../extract/errors.ts';
import { registerSecret } from './redact.ts';
import { providedSecret, providerHint } from './secret-provider.ts';

/**
 * A secret, read when it is used (never stored in the definition): the environment variable `name`, else the
 * configured provider (`SLUICE_SECRETS=aws-secrets-manager:<prefix>`: the secret `<prefix>NAME`), else
 * the file `name` in `SLUICE_SECRETS_DIR` (default `/run/secrets`, as Docker and Kubernetes mount them).
 * `sluice` loads the project's `.env` into the environment first, without overriding what is set.
 * @example
 * auth: { kind: 'apiKey', header: 'x-api-key', value: secret('WEATHER_API_KEY') }
 */
export function secret(name: string): () => string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`secret(${JSON.stringify(name)}): expected a name like API_KEY`);
  return () => {
    const value = process.env[name];
    if (value) {
      registerSecret(value);
      return value;
    }
    const provided = providedSecret(name);
    if (provided) return provided;
    const file = path.join(process.env.SLUICE_SECRETS_DIR || '/run/secrets', name);
    if (fs.existsSync(file)) {
      const stored = fs.readFileSync(file, 'utf8').trim();
      registerSecret(stored);
      return stored;
    }
    throw new TerminalError(`secret ${name} is not set: set the environment variable, add it to the project's .env, or put it in ${file}${providerHint(name)}`);
  };
}

/** Loads `<projectDir>/.env` into the environment; variables already set win. */
export function loadDotEnv(projectDir: string): void {
  const file = path.join(projectDir, '.env');
  if (!fs.existsSync(file)) return;
  for (const [key, value] of Object.entries(parseEnv(fs.readFileSync(file, 'utf8')))) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
}
