// Tenant keys. The secret key is shown once and stored only as its SHA-256: a lookup hashes the
// presented key and finds it through a unique index, so no comparison leaks how much of a key matched.
import { createHash, randomBytes } from 'node:crypto';

export const SECRET_KEY_PREFIX = 'hub_sk_';
export const PUBLIC_KEY_PREFIX = 'hub_pk_';

export function generateSecretKey(): string {
  return SECRET_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function generatePublicKey(): string {
  return PUBLIC_KEY_PREFIX + randomBytes(16).toString('base64url');
}

export function hashSecretKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function looksLikeSecretKey(key: string): boolean {
  return key.startsWith(SECRET_KEY_PREFIX) && key.length <= 128;
}
