// Guards the two-command promise: `hub start` serves on embedded PGlite with no setup, the CLI creates
// tenants, and a restart keeps the data; SIGTERM drains and exits cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LISTEN_BACKLOG } from '../src/api/app.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function hub(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['bin/hub.mjs', ...args], {
    env: { ...process.env, HUB_DATA_DIR: dataDir, HUB_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

async function startHub(port: number) {
  const child = spawn(process.execPath, ['bin/hub.mjs', 'start'], {
    env: { ...process.env, HUB_DATA_DIR: dataDir, HUB_PORT: String(port), HUB_HOST: '127.0.0.1', HUB_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
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

  it('creates a tenant with --json and a 0600 key file', () => {
    const run = hub(['tenant', 'create', '--name', 'Acme Cursos', '--json']);
    expect(run.status).toBe(0);
    const created = JSON.parse(run.stdout);
    expect(created).toMatchObject({ name: 'Acme Cursos' });
    expect(created.secretKey).toMatch(/^hub_sk_/);
    tenantId = created.id;
    secretKey = created.secretKey;
    expect(statSync(path.join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);
  });

  it('starts, prints the URL, docs and first step, serves the tenant, and drains on SIGTERM', async () => {
    const port = 18000 + Math.floor(Math.random() * 1000);
    const { child, output } = await startHub(port);
    try {
      expect(output()).toContain(`http://localhost:${port}`);
      expect(output()).toContain('/docs');
      expect(output()).toContain('hub tenant create');
      const health = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(health.status).toBe(200);
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/tenant`, { headers: { authorization: `Bearer ${secretKey}` } });
      expect((await me.json()).id).toBe(tenantId);
      // The listen queue is the hub's, not Node's 511 (ss prints a listener's queue size as Send-Q).
      const listener = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).stdout.trim().split(/\s+/);
      expect(Number(listener[2])).toBe(Math.min(LISTEN_BACKLOG, Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'))));
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  });

  it('has --help for every command', () => {
    for (const cmd of [['start'], ['api'], ['worker'], ['migrate'], ['tenant', 'create'], ['replay'], ['reprocess']]) {
      const run = hub([...cmd, '--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Usage: hub');
    }
  }, 120_000);

  it('migrate reports an up-to-date database', () => {
    const run = hub(['migrate']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('up to date');
  });
});
