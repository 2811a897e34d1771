// Guards how an alert leaves: JSON with `text` to the configured URL only (no redirect followed), a
// 2xx as the only success, a bounded wait, and a stop that does not wait for a hung webhook.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postAlert, type AlertPayload } from './post-alert.ts';
import { alertsWorkerDeps, startAlertsLoop } from './index.ts';
import { createTestStore, type TestStore } from '../../../test/support/databases.ts';
import { createSecretBox } from '../../lib/secret-box.ts';
import { createTenant, updateTenantSettings } from '../../store/tenants.ts';
import { upsertConnection } from '../../store/connections.ts';

const payload: AlertPayload = {
  text: '🔴 Hub alert — Acme Cursos: Meta refused the access token.',
  alert: { id: 'alr_1', rule: 'token_refused', state: 'open', tenantId: 'ten_1', subject: 'meta', openedAt: '2026-11-29T12:00:00.000Z', resolvedAt: null, details: { reason: 'code 190' } },
};

describe('postAlert', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ path: string; type: string | undefined; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', type: req.headers['content-type'], body });
        if (req.url === '/moved') res.writeHead(302, { location: '/ok' }).end();
        else if (req.url === '/hang') return;
        else res.writeHead(req.url === '/ok' ? 204 : 500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the JSON and counts only a 2xx as delivered', async () => {
    expect(await postAlert(`${base}/ok`, payload, { timeoutMs: 2000 })).toEqual({ ok: true, status: 204 });
    expect(seen.at(-1)).toEqual({ path: '/ok', type: 'application/json', body: JSON.stringify(payload) });
    expect(await postAlert(`${base}/fail`, payload, { timeoutMs: 2000 })).toEqual({ ok: false, reason: 'HTTP 500' });
  });

  it('does not follow a redirect', async () => {
    const before = seen.length;
    expect(await postAlert(`${base}/moved`, payload, { timeoutMs: 2000 })).toEqual({ ok: false, reason: 'HTTP 302' });
    expect(seen.slice(before).map((s) => s.path)).toEqual(['/moved']);
  });

  it('gives up after the timeout, or at once when stopped', async () => {
    expect(await postAlert(`${base}/hang`, payload, { timeoutMs: 100 })).toEqual({ ok: false, reason: 'no answer within 100 ms' });
    const stop = new AbortController();
    const posting = postAlert(`${base}/hang`, payload, { timeoutMs: 60_000, signal: stop.signal });
    setTimeout(() => stop.abort(), 50);
    expect(await posting).toMatchObject({ ok: false });
  });
});

describe('the alert loop', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('pglite');
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('evaluates on its interval and stops without waiting for a hung webhook', async () => {
    const box = createSecretBox(Buffer.alloc(32, 7));
    const { tenant } = await createTenant(store.db, { name: 'Acme Cursos' });
    await updateTenantSettings(store.db, tenant.id, { alertWebhookUrl: 'https://alerts.example.com/hook' });
    await upsertConnection(store.db, box, tenant.id, { kind: 'meta', settings: { pixelId: '1234567890' }, secret: { accessToken: 'x' }, hintOf: 'x', health: 'unhealthy', healthReason: 'code 190' });
    let posting!: () => void;
    const posted = new Promise<void>((resolve) => (posting = resolve));
    const hung = ((_url: string, init: RequestInit) => {
      posting();
      return new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));
    }) as unknown as typeof fetch;
    const loop = startAlertsLoop(alertsWorkerDeps({ store, box, graphUrl: 'http://127.0.0.1:9', intervalMs: 20, requestTimeoutMs: 60_000, fetchImpl: hung }));
    await posted;
    const started = Date.now();
    await loop.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    const [alert] = await store.db.selectFrom('alerts').selectAll().execute();
    expect(alert).toMatchObject({ rule: 'token_refused', state: 'open', notified_at: null });
  });
});
