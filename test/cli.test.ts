// Guards the two-command promise: `hub start` serves on embedded PGlite with no setup, the CLI creates
// tenants, and a restart keeps the data; SIGTERM drains and exits cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LISTEN_BACKLOG } from '../src/api/app.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function hub(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['bin/hub.mjs', ...args], {
    env: { ...process.env, HUB_DATA_DIR: dataDir, HUB_LOG_LEVEL: 'warn', HUB_LOCALE: 'en', ...env },
    encoding: 'utf8',
    // Generous: on a loaded 2-core machine one CLI start (tsx) can take tens of seconds.
    timeout: 180_000,
  });
}

/** spawnSync would block the event loop, and with it a server this test runs in a child. */
function hubAsync(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/hub.mjs', ...args], {
      env: { ...process.env, HUB_DATA_DIR: dataDir, HUB_LOG_LEVEL: 'warn', HUB_LOCALE: 'en', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function startHub(port: number) {
  const child = spawn(process.execPath, ['bin/hub.mjs', 'start'], {
    env: { ...process.env, HUB_DATA_DIR: dataDir, HUB_PORT: String(port), HUB_HOST: '127.0.0.1', HUB_LOG_LEVEL: 'warn', HUB_LOCALE: 'en' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (out.includes('/docs')) break;
    if (child.exitCode !== null) throw new Error(`hub exited: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out };
}

describe('hub CLI on the embedded database', () => {
  let tenantId = '';
  let secretKey = '';

  it('creates a tenant with --json and a 0600 key file (no server running: the CLI opens the store itself)', () => {
    const run = hub(['tenant', 'create', '--name', 'Acme Cursos', '--json']);
    expect(run.status).toBe(0);
    const created = JSON.parse(run.stdout);
    expect(created).toMatchObject({ name: 'Acme Cursos' });
    expect(created.secretKey).toMatch(/^hub_sk_/);
    expect(created.pixelTag).toContain(`data-key="${created.publicKey}"`);
    tenantId = created.id;
    secretKey = created.secretKey;
    expect(statSync(path.join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);
    // The command held the admin socket while it had the database open, and let it go.
    expect(existsSync(path.join(dataDir, 'hub.sock'))).toBe(false);
  }, 200_000);

  it('starts, prints the URL and docs, serves the tenant, and drains on SIGTERM', async () => {
    const port = 18000 + Math.floor(Math.random() * 1000);
    const { child, output } = await startHub(port);
    try {
      expect(output()).toContain(`http://localhost:${port}`);
      expect(output()).toContain('/docs');
      // An installation with a tenant is not told to create its first one.
      expect(output()).not.toContain('hub tenant create');
      expect(output()).toContain('Tenants: 1');
      const health = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(health.status).toBe(200);
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/tenant`, { headers: { authorization: `Bearer ${secretKey}` } });
      expect((await me.json()).id).toBe(tenantId);
      // The listen queue is the hub's, not Node's 511 (ss prints a listener's queue size as Send-Q).
      const listener = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).stdout.trim().split(/\s+/);
      expect(Number(listener[2])).toBe(Math.min(LISTEN_BACKLOG, Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'))));
      // The admin socket is owner-only.
      expect(statSync(path.join(dataDir, 'hub.sock')).mode & 0o777).toBe(0o600);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  }, 400_000);

  it('loses nothing: commands run against a running server go through it, and survive its restart', async () => {
    const port = 18000 + Math.floor(Math.random() * 1000);
    let hubProcess = await startHub(port);
    let created: { id: string; secretKey: string; publicKey: string };
    try {
      // Server-only variables are not the command's to validate.
      const run = await hubAsync(['tenant', 'create', '--name', 'Loja Nova', '--json'], { HUB_PORT: 'not-a-port' });
      expect(run.status, run.stderr).toBe(0);
      created = JSON.parse(run.stdout);
      // The server created it, so the server knows the key at once.
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/tenant`, { headers: { authorization: `Bearer ${created.secretKey}` } });
      expect(me.status).toBe(200);
      expect((await me.json()).pixelTag).toContain(`http://127.0.0.1:${port}/pixel.js`);
      const list = await hubAsync(['tenant', 'list', '--json']);
      expect(JSON.parse(list.stdout).map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([tenantId, created.id]));
      // A second server on the same data directory refuses instead of opening the database twice.
      const second = await hubAsync(['start'], { HUB_PORT: String(port + 1), HUB_HOST: '127.0.0.1' });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain('already running');
      // Key rotation through the server: the new key works at once.
      const rotated = await hubAsync(['tenant', 'rotate-key', '--tenant', created.id, '--overlap-hours', '0', '--json']);
      expect(rotated.status, rotated.stderr).toBe(0);
      const newKey = JSON.parse(rotated.stdout).key as string;
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/tenant`, { headers: { authorization: `Bearer ${newKey}` } })).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/tenant`, { headers: { authorization: `Bearer ${created.secretKey}` } })).status).toBe(401);
      created.secretKey = newKey;
    } finally {
      hubProcess.child.kill('SIGKILL');
    }
    await new Promise((resolve) => hubProcess.child.once('exit', resolve));
    // kill -9 leaves the socket file behind: it must not block the next start.
    expect(existsSync(path.join(dataDir, 'hub.sock'))).toBe(true);
    hubProcess = await startHub(port);
    try {
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/tenant`, { headers: { authorization: `Bearer ${created.secretKey}` } });
      expect(me.status).toBe(200);
      expect((await me.json()).name).toBe('Loja Nova');
    } finally {
      hubProcess.child.kill('SIGTERM');
    }
    await new Promise((resolve) => hubProcess.child.once('exit', resolve));
  }, 600_000);

  it('refuses bad input with a clear message and a non-zero exit, in the operator\'s language', () => {
    const blank = hub(['tenant', 'create', '--name', ''], { HUB_LOCALE: '', LANG: 'pt_BR.UTF-8' });
    expect(blank.status).toBe(1);
    expect(blank.stderr).toContain('O nome não pode ser vazio.');
    const unknown = hub(['replay', '--tenant', 'ten_does_not_exist'], { HUB_LOCALE: 'en' });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No tenant ten_does_not_exist');
    const timeout = hub(['demo', '--timeout', 'abc']);
    expect(timeout.status).not.toBe(0);
    expect(timeout.stderr).toContain('seconds');
    const badTime = hub(['replay', '--tenant', tenantId, '--from', 'yesterday']);
    expect(badTime.status).toBe(1);
    expect(badTime.stderr).toContain('RFC 3339');
  }, 400_000);

  it('says the database is unreachable when it is', () => {
    const run = hub(['tenant', 'list'], {
      HUB_DATABASE_URL: 'postgres://postgres:secret-pw@127.0.0.1:1/hub',
      HUB_ENCRYPTION_KEY: '0'.repeat(64),
      HUB_PUBLIC_URL: 'https://hub.example.com',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot reach the database at postgres://postgres:***@127.0.0.1:1/hub');
    expect(run.stderr).not.toContain('secret-pw');
  }, 200_000);

  it('prints its version', () => {
    const run = hub(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  }, 200_000);

  it('has --help for every command', () => {
    for (const cmd of [['start'], ['api'], ['worker'], ['migrate'], ['tenant', 'create'], ['tenant', 'list'], ['tenant', 'rotate-key'], ['replay'], ['reprocess']]) {
      const run = hub([...cmd, '--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Usage: hub');
    }
  }, 400_000);

  it('migrate reports an up-to-date database', () => {
    const run = hub(['migrate']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('up to date');
  }, 200_000);
});
