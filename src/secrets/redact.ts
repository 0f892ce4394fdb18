/**
 * Redaction of secret values: every value a secret resolved to in this process (and the passwords in the
 * database and SMTP URLs) is replaced by `***` in logs, run records, alerts, errors and output.
 */

const MIN_LENGTH = 4;
// The one process-wide set: a secret resolved anywhere must be hidden everywhere.
const known = new Set<string>();

/** Remembers `value` as secret from now on (short values are ignored: hiding "a" would mangle every text). */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_LENGTH) return;
  known.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) known.add(encoded);
}

/** Registers the password (and user info) of a URL such as `postgres://u:pw@host/db`. */
export function registerUrlSecrets(url: string | undefined): void {
  if (!url) return;
  try {
    const u = new URL(url);
    registerSecret(decodeURIComponent(u.password));
  } catch {
    // Not a URL: nothing to learn from it.
  }
}

/** `text` with every known secret replaced by `***`. */
export function redact(text: string): string {
  let out = text;
  for (const value of known) if (out.includes(value)) out = out.split(value).join('***');
  return out;
}

/** A value (string, array, object) with every string redacted, for records stored as JSON. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}
