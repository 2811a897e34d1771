// Guards the admin channel: only a live server counts as running (a stale socket is removed), the
// socket is owner-only, and malformed, oversized, unknown and invalid requests get clear answers
// without running anything.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.ts';
import { adminRequest, adminSocketPath, probeServer } from './admin-socket.ts';
import { ServerAlreadyRunning, claimAdminSocket, startAdminServer, type AdminServer } from './admin-server.ts';

describe('admin channel', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-admin-'));
  const socket = adminSocketPath(dir);
  let t: TestApp;
  let admin: AdminServer;

  beforeAll(async () => {
    t = await buildTestApp();
    await claimAdminSocket(socket);
    admin = await startAdminServer(socket, { ...t.deps, baseUrl: 'https://hub.example.com' }, { pid: 4242, version: '0.1.0', baseUrl: 'https://hub.example.com', database: 'pglite' });
  });
  afterAll(async () => {
    await admin.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is owner-only and answers who is running', async () => {
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(await probeServer(socket)).toMatchObject({ pid: 4242, baseUrl: 'https://hub.example.com' });
    await expect(claimAdminSocket(socket)).rejects.toBeInstanceOf(ServerAlreadyRunning);
  });

  it('runs an operation and returns its outcome', async () => {
    const created = await adminRequest(socket, 'POST', '/v1/op/tenant.create', { name: 'Via socket' }, 5_000);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ ok: true, value: { name: 'Via socket' } });
    const listed = await adminRequest(socket, 'POST', '/v1/op/tenant.list', {}, 5_000);
    expect((listed.body as { value: Array<{ name: string }> }).value.map((x) => x.name)).toContain('Via socket');
  });

  it('answers hostile requests clearly and runs nothing', async () => {
    const before = (await t.store.db.selectFrom('tenants').select('id').execute()).length;
    expect((await adminRequest(socket, 'POST', '/v1/op/tenant.drop', {}, 5_000)).body).toMatchObject({ ok: false, failure: { kind: 'not_found' } });
    expect((await adminRequest(socket, 'POST', '/v1/op/__proto__', {}, 5_000)).status).toBe(404);
    expect((await adminRequest(socket, 'POST', '/v1/op/tenant.create', { name: 42 }, 5_000)).body).toMatchObject({
      ok: false,
      failure: { kind: 'invalid', errors: [{ path: 'name' }] },
    });
    expect((await adminRequest(socket, 'POST', '/v1/op/tenant.rotateKey', { tenantId: 'ten_nope', kind: 'secret' }, 5_000)).body).toMatchObject({
      ok: false,
      failure: { kind: 'not_found' },
    });
    expect((await adminRequest(socket, 'GET', '/v1/op/tenant.list', undefined, 5_000)).status).toBe(404);
    // An oversized body is cut off, not buffered.
    await expect(adminRequest(socket, 'POST', '/v1/op/tenant.create', { name: 'x'.repeat(2 * 1024 * 1024) }, 5_000)).rejects.toThrow();
    expect((await t.store.db.selectFrom('tenants').select('id').execute()).length).toBe(before);
  });

  it('creates a missing data directory, owner-only (on PostgreSQL nothing else does)', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'hub-nodir-'));
    const socket = adminSocketPath(path.join(parent, 'fresh'));
    const server = await startAdminServer(socket, { ...t.deps, baseUrl: 'https://hub.example.com' }, { pid: 1, version: '0', baseUrl: 'https://hub.example.com', database: 'postgres' });
    try {
      expect(statSync(path.join(parent, 'fresh')).mode & 0o777).toBe(0o700);
      expect(await probeServer(socket)).toMatchObject({ database: 'postgres' });
    } finally {
      await server.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('treats a socket file nobody answers on as stale, and removes it', async () => {
    const staleDir = mkdtempSync(path.join(os.tmpdir(), 'hub-stale-'));
    const stale = adminSocketPath(staleDir);
    // A socket left by a killed process: a child listens on it and dies by SIGKILL, so the file stays.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`]);
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(stale)).toBe(true);
    expect(await probeServer(stale)).toBeUndefined();
    await claimAdminSocket(stale);
    expect(existsSync(stale)).toBe(false);
    rmSync(staleDir, { recursive: true, force: true });
  });
});
