// Risk (issue 15, finding 5): slow clients are never dropped — sockets trickling a body stay open for
// minutes, and a SIGTERM with 50 of them open hits the drain bound and exits 1 without closing the
// database. Here: the server's client timeouts drop a client that never finishes its headers; the real
// `hub start` process, with 50 slow bodies, 10 slow headers and idle keep-alive sockets open, exits 0
// well within HUB_SHUTDOWN_TIMEOUT_MS with its store closed, and the delivery it acknowledged (and one
// acknowledged during the drain) is there after a restart. Also (finding 3): /metrics answers on
// HUB_METRICS_PORT in the API process, and not on its public port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLIENT_TIMEOUTS } from '../../src/api/app.ts';
import { ADMIN_TOKEN, buildTestApp } from '../support/app.ts';
import { freePort } from '../support/hub-processes.ts';
import { gatewayFixture, signedHotmart } from '../support/signed-webhooks.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-slow-clients-'));
const sockets: Socket[] = [];
const hubs: ChildProcess[] = [];
afterAll(() => {
  for (const s of sockets) s.destroy();
  // A failed assertion must not leave a hub running.
  for (const child of hubs) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const HOTTOK = 'hottok-slow-clients-0123456789';
const SHUTDOWN_BOUND_MS = 8_000;

/** A socket that sends `first` and then nothing, or one byte every `trickleMs`. */
function slowSocket(port: number, first: string, trickleMs?: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(first);
      if (trickleMs) {
        const timer = setInterval(() => (socket.writable ? socket.write('1') : clearInterval(timer)), trickleMs);
        socket.once('close', () => clearInterval(timer));
      }
      resolve(socket);
    });
    socket.on('error', () => undefined);
    sockets.push(socket);
  });
}

interface Hub {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; at: number }>;
}

async function startHub(port: number, metricsPort: number): Promise<Hub> {
  const child = spawn(process.execPath, ['bin/hub.mjs', 'start'], {
    env: {
      ...process.env,
      HUB_DATA_DIR: dataDir,
      HUB_PORT: String(port),
      HUB_HOST: '127.0.0.1',
      HUB_METRICS_PORT: String(metricsPort),
      HUB_ADMIN_TOKEN: ADMIN_TOKEN,
      HUB_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_BOUND_MS),
      HUB_LOG_LEVEL: 'info',
      HUB_LOCALE: 'en',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  hubs.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited: ${out}`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`hub did not get ready: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => out, exited };
}

describe('slow clients', () => {
  it('are dropped by the server when their headers take longer than the headers timeout', async () => {
    const t = await buildTestApp();
    try {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const server = t.app.server;
      expect(server.requestTimeout).toBe(CLIENT_TIMEOUTS.requestMs);
      expect(server.headersTimeout).toBe(CLIENT_TIMEOUTS.headersMs);
      expect(server.keepAliveTimeout).toBe(CLIENT_TIMEOUTS.keepAliveMs);
      expect(server.timeout).toBe(CLIENT_TIMEOUTS.idleMs);
      const port = (server.address() as { port: number }).port;
      const socket = await slowSocket(port, 'POST /api/v1/webhooks/hotmart HTTP/1.1\r\nHost: x\r\nX-Slow: ', 500);
      const start = Date.now();
      await new Promise((resolve) => socket.once('close', resolve));
      expect(Date.now() - start).toBeLessThan(CLIENT_TIMEOUTS.headersMs + CLIENT_TIMEOUTS.checkEveryMs + 1_500);
    } finally {
      await t.close();
    }
  }, 120_000);

  it('never hold up a SIGTERM: the hub exits 0 within the bound, store closed, acknowledged deliveries kept', async () => {
    const port = await freePort();
    const metricsPort = await freePort();
    let hub = await startHub(port, metricsPort);
    const base = `http://127.0.0.1:${port}`;
    const created = await fetch(`${base}/api/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Slow clients' }),
    }).then((r) => r.json() as Promise<{ id: string; secretKey: string }>);
    const auth = { authorization: `Bearer ${created.secretKey}` };
    const put = await fetch(`${base}/api/v1/connections/hotmart`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ hottok: HOTTOK }) });
    expect(put.status).toBe(200);
    const deliver = async (id: string) => {
      const d = signedHotmart(created.id, HOTTOK, { ...(gatewayFixture('hotmart', 'purchase-approved') as object), id });
      const res = await fetch(`${base}${d.url}`, { method: 'POST', headers: d.headers, body: d.body });
      return { status: res.status, id: res.status === 200 ? ((await res.json()) as { id: string }).id : undefined };
    };
    const acknowledged = await deliver('acknowledged-before-sigterm');
    expect(acknowledged.status).toBe(200);

    // /metrics: on HUB_METRICS_PORT in this API process, never on the public port.
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('hub_ingested_events_total{type="webhook",outcome="accepted"} 1');

    // 50 bodies trickling in, 10 headers that never end, 5 idle keep-alive sockets.
    const body = 'POST /api/v1/webhooks/hotmart?tenant=' + created.id + ' HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"id":"';
    await Promise.all(Array.from({ length: 50 }, () => slowSocket(port, body, 200)));
    await Promise.all(Array.from({ length: 10 }, () => slowSocket(port, 'POST /api/v1/webhooks/hotmart HTTP/1.1\r\nHost: x\r\nX-Slow: ', 200)));
    await Promise.all(Array.from({ length: 5 }, () => slowSocket(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')));
    await new Promise((r) => setTimeout(r, 500));

    // A delivery in flight as the drain begins: if it is acknowledged, it must be durable.
    const during = deliver('sent-as-sigterm-arrives');
    const sentAt = Date.now();
    hub.child.kill('SIGTERM');
    const { code, at } = await hub.exited;
    const inFlight = await during.catch(() => ({ status: 0, id: undefined }));
    expect(code, hub.output()).toBe(0);
    expect(at - sentAt).toBeLessThan(SHUTDOWN_BOUND_MS - 1_000);
    expect(hub.output()).toContain('drained; exiting');
    expect(hub.output()).not.toContain('drain took too long');

    hub = await startHub(port, metricsPort);
    try {
      const story = await fetch(`${base}/api/v1/events/${acknowledged.id}`, { headers: auth });
      expect(story.status).toBe(200);
      if (inFlight.status === 200) expect((await fetch(`${base}/api/v1/events/${inFlight.id}`, { headers: auth })).status).toBe(200);
    } finally {
      hub.child.kill('SIGTERM');
      expect((await hub.exited).code).toBe(0);
    }
  }, 120_000);
});
