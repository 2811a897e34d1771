// Guards the sandbox's debug_token and dataset_quality, which the alert and quality tests stand on:
// Graph's shapes, tokens with an expiry (listed or by name), the asking token judged first, the
// code 100 refusal of a token describing itself when asked for, and quality made from what was sent.
// The hub's own readers are run against it over real HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { startMetaSandbox, type RunningMetaSandbox, type StartMetaSandboxOptions } from './index.ts';
import { readDatasetQuality, readTokenDebug } from '../../domain/meta-diagnostics/index.ts';

const NOW_MS = Date.parse('2026-11-29T12:00:00.000Z');
const NOW_S = NOW_MS / 1000;
const PIXEL = '1234567890';
const HASH = 'a'.repeat(64);

let sandbox: RunningMetaSandbox;
afterEach(async () => {
  await sandbox?.close();
});

async function start(options: StartMetaSandboxOptions = {}) {
  sandbox = await startMetaSandbox({ now: () => NOW_MS, knownPixelIds: [PIXEL], ...options });
  return sandbox;
}

const debug = (input: string, asking = input) =>
  fetch(`${sandbox.url}/v24.0/debug_token?${new URLSearchParams({ input_token: input, access_token: asking })}`).then(async (r) => ({ status: r.status, body: await r.json() }));

describe('Meta sandbox debug_token', () => {
  it("answers Graph's data shape: never-expiring by default, a listed expiry, an expiry by name", async () => {
    await start({ tokenExpiresAt: { 'EAAB-listed': NOW_S + 3600 } });
    const never = await debug('EAAB-forever');
    expect(never.status).toBe(200);
    expect(never.body.data).toMatchObject({ is_valid: true, expires_at: 0, type: 'SYSTEM_USER', scopes: expect.arrayContaining(['ads_management']) });
    expect((await debug('EAAB-listed')).body.data.expires_at).toBe(NOW_S + 3600);
    expect((await debug('EAAB-expires-in-3d-x')).body.data.expires_at).toBe(NOW_S + 3 * 86_400);
    expect(sandbox.recorder.stats()).toMatchObject({ reads: 3, requests: 0 });
  });

  it('refuses a broken asking token with its error, and tells an app token that an input token is invalid', async () => {
    await start();
    const refused = await debug('expired-token');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 190, error_subcode: 463 });
    const viaApp = await debug('expired-token', '100000000000001|app-secret');
    expect(viaApp.status).toBe(200);
    expect(viaApp.body.data).toMatchObject({ is_valid: false, error: { code: 190, subcode: 463 } });
  });

  it('refuses a token describing itself with code 100 when told to, as reported for system-user tokens', async () => {
    await start({ debugTokenRequiresAppToken: true });
    const self = await debug('EAAB-system-user');
    expect(self.status).toBe(400);
    expect(self.body.error).toMatchObject({ code: 100, message: expect.stringMatching(/^\(#100\) You must provide an app access token/) });
    expect((await debug('EAAB-system-user', '100000000000001|app-secret')).body.data.is_valid).toBe(true);
  });

  it("is read by the hub's readTokenDebug", async () => {
    await start({ tokenExpiresAt: { 'EAAB-week': NOW_S + 7 * 86_400 } });
    const params = { graphUrl: sandbox.url, apiVersion: 'v24.0', timeoutMs: 2000 };
    expect(await readTokenDebug({ ...params, accessToken: 'EAAB-week' })).toMatchObject({ kind: 'valid', expiresAt: new Date((NOW_S + 7 * 86_400) * 1000) });
    expect(await readTokenDebug({ ...params, accessToken: 'EAAB-forever' })).toMatchObject({ kind: 'valid', expiresAt: null });
    expect(await readTokenDebug({ ...params, accessToken: 'invalid-token' })).toMatchObject({ kind: 'invalid' });
    await sandbox.close();
    await start({ debugTokenRequiresAppToken: true });
    expect(await readTokenDebug({ ...params, graphUrl: sandbox.url, accessToken: 'EAAB-system-user' })).toMatchObject({ kind: 'not_available', answer: { code: 100 } });
  });
});

describe('Meta sandbox dataset_quality', () => {
  const post = (events: unknown[]) =>
    fetch(`${sandbox.url}/v24.0/${PIXEL}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: events, access_token: 'EAAB-good' }) });
  const event = (name: string, userData: Record<string, unknown>, id: string) => ({
    event_name: name,
    event_time: NOW_S - 60,
    event_id: id,
    action_source: 'website',
    event_source_url: 'https://lp.example.com/',
    user_data: { client_user_agent: 'Mozilla/5.0', ...userData },
  });

  it("derives each event's match key coverage from what it accepted, and scores it", async () => {
    await start();
    expect((await post([event('Purchase', { em: [HASH], ph: [HASH] }, 'a'), event('Purchase', { em: [HASH] }, 'b'), event('PageView', { fbp: 'fb.1.1.1', client_ip_address: '177.10.20.30' }, 'c')])).status).toBe(200);
    const read = await readDatasetQuality({ graphUrl: sandbox.url, apiVersion: 'v24.0', pixelId: PIXEL, accessToken: 'EAAB-good', timeoutMs: 2000 });
    expect(read.kind).toBe('available');
    if (read.kind !== 'available') return;
    const purchase = read.events.find((e) => e.eventName === 'Purchase')!;
    expect(purchase.matchKeys).toEqual([
      { identifier: 'email', coveragePercent: 100 },
      { identifier: 'phone', coveragePercent: 50 },
      { identifier: 'user_agent', coveragePercent: 100 },
    ]);
    expect(purchase.matchQuality).toBe(4.5);
    expect(read.events.find((e) => e.eventName === 'PageView')!.matchKeys.map((k) => k.identifier)).toEqual(['ip_address', 'user_agent', 'fbp']);
  });

  it('answers a given quality, refuses a broken token and an unknown dataset', async () => {
    await start({ datasetQuality: { [PIXEL]: [{ event_name: 'Purchase', event_match_quality: { composite_score: 8.1, match_key_feedback: [] } }] } });
    const params = { graphUrl: sandbox.url, apiVersion: 'v24.0', timeoutMs: 2000 };
    expect(await readDatasetQuality({ ...params, pixelId: PIXEL, accessToken: 'EAAB-good' })).toMatchObject({ kind: 'available', events: [{ eventName: 'Purchase', matchQuality: 8.1 }] });
    expect(await readDatasetQuality({ ...params, pixelId: PIXEL, accessToken: 'noperm-token' })).toMatchObject({ kind: 'refused', answer: { code: 200 } });
    expect(await readDatasetQuality({ ...params, pixelId: '555', accessToken: 'EAAB-good' })).toMatchObject({ kind: 'refused', answer: { code: 100, subcode: 33 } });
  });
});
