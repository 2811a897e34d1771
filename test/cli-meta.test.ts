// Guards `hub meta test` as a seller runs it: through the running server (admin channel) and, with no
// server, on the store it opens itself; one test event reaches Meta (the sandbox) with the test code,
// Meta's answer is printed, and a tenant without Meta fails with a message in HUB_LOCALE and exit 1.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetaSandbox, type RunningMetaSandbox } from '../src/sandbox/meta/index.ts';
import { freePort, spawnHub, waitReady, type HubProcess } from './support/hub-processes.ts';

const PIXEL = '1234567890';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-cli-meta-'));
let sandbox: RunningMetaSandbox;
let server: HubProcess | undefined;

beforeAll(async () => {
  sandbox = await startMetaSandbox({ knownPixelIds: [PIXEL] });
});
afterAll(async () => {
  await server?.stop();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = () => ({ HUB_DATA_DIR: dataDir, HUB_LOG_LEVEL: 'warn', HUB_LOCALE: 'en', HUB_META_GRAPH_URL: sandbox.url });

/** Async: the sandbox answering the hub lives in this process, so its event loop must keep running. */
function hub(args: string[], extra: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/hub.mjs', ...args], { env: { ...process.env, ...env(), ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('hub meta test', () => {
  let tenantId = '';

  it('sends a test event through the running server and prints Meta\'s answer', async () => {
    const port = await freePort();
    server = spawnHub('hub', ['start'], env(), port);
    await waitReady(server);
    const created = await hub(['tenant', 'create', '--name', 'Meta CLI', '--json']);
    expect(created.status).toBe(0);
    const tenant = JSON.parse(created.stdout) as { id: string; secretKey: string };
    tenantId = tenant.id;
    const put = await fetch(`http://127.0.0.1:${port}/api/v1/connections/meta`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tenant.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pixelId: PIXEL, accessToken: 'EAAB-cli-token', testEventCode: 'TEST123' }),
    });
    expect(await put.json()).toMatchObject({ health: 'healthy', verification: { status: 'verified' } });

    const run = await hub(['meta', 'test', '--tenant', tenantId]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Sent a test PageView to pixel ${PIXEL} with test code TEST123.`);
    expect(run.stdout).toMatch(/Meta answered: HTTP 200, events_received 1, fbtrace_id \S{11}/);
    expect(run.stdout).toMatch(/✓ Meta accepted the test event \(1 received\)\. Look for PageView with event_id hub-test-\S+ in Events Manager/);
    expect(sandbox.recorder.events({ pixelId: PIXEL })).toMatchObject([{ eventName: 'PageView', testEventCode: 'TEST123' }]);
  }, 180_000);

  it('prints JSON with --json and uses --test-code over the connection\'s', async () => {
    const run = await hub(['meta', 'test', '--tenant', tenantId, '--test-code', 'TEST999', '--event', 'purchase', '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ result: 'accepted', testEventCode: 'TEST999', eventName: 'Purchase', eventsReceived: 1 });
  }, 120_000);

  it('refuses an unknown event name before doing anything', async () => {
    const run = await hub(['meta', 'test', '--tenant', tenantId, '--event', 'Lead']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('expected PageView or Purchase');
  }, 120_000);

  it('with no server running, opens the store itself; a tenant without Meta fails in HUB_LOCALE, exit 1', async () => {
    await server?.stop();
    server = undefined;
    const run = await hub(['meta', 'test', '--tenant', tenantId, '--test-code', 'TEST5']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('✓ Meta accepted the test event');

    const other = await hub(['tenant', 'create', '--name', 'Sem Meta', '--json']);
    const otherId = (JSON.parse(other.stdout) as { id: string }).id;
    const failed = await hub(['meta', 'test', '--tenant', otherId], { HUB_LOCALE: 'pt-BR' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('A Meta não está conectada para este tenant');
  }, 180_000);
});
