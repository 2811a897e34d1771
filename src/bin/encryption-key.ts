// The key that seals connection secrets. Embedded mode creates one on first run, readable only by
// its owner (0600), so `npm start` needs no setup; a shared database needs HUB_ENCRYPTION_KEY.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';

export function resolveEncryptionKey(config: Config): { key: Buffer; created: boolean; file?: string } {
  if (config.encryptionKey) return { key: config.encryptionKey, created: false };
  const file = path.resolve(config.dataDir, 'encryption.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte hex key; restore it from backup or set HUB_ENCRYPTION_KEY`);
    return { key, created: false, file };
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, created: true, file };
}
