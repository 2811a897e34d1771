// Guards the embedded data directory against other local users: after a start and writes, every
// directory under it is 0700 and no file has group or other bits, for new and for older installations.
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntime } from '../bin/runtime.ts';
import { testConfig } from '../config.ts';
import { createLogger } from '../lib/logger.ts';
import { ownerOnlyDataDir } from './owner-only-data-dir.ts';
import { createTenant } from './tenants.ts';

let dataDir = '';
beforeEach(() => {
  // The usual umask of a shell, whatever the test runner inherited (this file runs in its own process).
  process.umask(0o022);
  dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'hub-perms-')), '.hub');
});
afterEach(() => rmSync(path.dirname(dataDir), { recursive: true, force: true }));

/** Every path under root whose mode lets anyone but the owner in, with that mode. */
function readableByOthers(root: string): string[] {
  const found: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    if ((statSync(dir).mode & 0o777) !== 0o700) found.push(`${dir} ${(statSync(dir).mode & 0o777).toString(8)}`);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(file);
      else if ((statSync(file).mode & 0o077) !== 0) found.push(`${file} ${(statSync(file).mode & 0o777).toString(8)}`);
    }
  }
  return found;
}

/** Opens the embedded runtime as `hub start` does (the encryption key generated), and writes. */
let writes = 0;
async function startAndWrite(): Promise<number> {
  const table = sql.table(`later_write_${++writes}`);
  const runtime = await openRuntime(testConfig({ dataDir, encryptionKey: undefined }), { migrate: true, logger: createLogger('silent') });
  try {
    await createTenant(runtime.store.db, { name: 'Permissions' });
    // Files PGlite creates only later in a process's life: a new table's, its free-space and
    // visibility maps, and what a checkpoint writes.
    await sql`CREATE TABLE ${table} AS SELECT g AS n FROM generate_series(1, 5000) g`.execute(runtime.store.db);
    await sql`VACUUM ${table}`.execute(runtime.store.db);
    await sql`CHECKPOINT`.execute(runtime.store.db);
  } finally {
    await runtime.close();
  }
  return readdirSync(path.join(dataDir, 'pgdata'), { recursive: true }).length;
}

describe('the embedded data directory is owner-only', () => {
  it('a new installation: the directories 0700 and every file 0600 after a start and writes', async () => {
    expect(await startAndWrite()).toBeGreaterThan(100);
    expect(statSync(path.join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);
    expect(readableByOthers(dataDir)).toEqual([]);
  });

  it('an older installation (0755 directories, 0644 files) is tightened at its next start', async () => {
    await startAndWrite();
    const stack = [dataDir];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      chmodSync(dir, 0o755);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) stack.push(file);
        else if (entry.name !== 'encryption.key') chmodSync(file, 0o644);
      }
    }
    expect(readableByOthers(dataDir).length).toBeGreaterThan(100);
    process.umask(0o022);
    await startAndWrite();
    expect(readableByOthers(dataDir)).toEqual([]);
  });

  it('keeps a stricter umask the operator set', () => {
    process.umask(0o277);
    ownerOnlyDataDir(dataDir, path.join(dataDir, 'pgdata'));
    expect(process.umask(0o022)).toBe(0o277);
  });
});
