/** The dashboard's access token: random per install, kept in `.sluice/dashboard-token` (mode 600). */
import { randomBytes, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The install's token, created on first use. */
export function dashboardToken(stateDir: string): string {
  const file = path.join(stateDir, 'dashboard-token');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(stateDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, token + '\n', { mode: 0o600 });
  return token;
}

/** The CSRF token pages embed in their forms: derived from the access token, so it needs no server state. */
export function csrfToken(token: string): string {
  return createHmac('sha256', token).update('sluice csrf').digest('base64url');
}

/** Constant-time comparison of two secrets. */
export function same(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
