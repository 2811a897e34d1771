// Guards the alert and quality endpoints as an operator meets them: the secret key, the list with its
// filter, pages and language, Meta's quality beside the hub's coverage (asked once, then kept), and
// the tenant's alert webhook setting with its validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';
import { startMetaSandbox, type RunningMetaSandbox } from '../../../sandbox/meta/index.ts';
import { applyAlertPlan } from '../../../store/alerts.ts';
import { newId } from '../../../lib/ids.ts';

const PIXEL = '1234567890';

describe('GET /api/v1/alerts, GET /api/v1/meta/quality, alertWebhookUrl', () => {
  let t: TestApp;
  let sandbox: RunningMetaSandbox;
  let tenant: Awaited<ReturnType<typeof createTenantViaApi>>;

  beforeAll(async () => {
    sandbox = await startMetaSandbox({
      knownPixelIds: [PIXEL],
      datasetQuality: {
        [PIXEL]: [{ event_name: 'Purchase', event_match_quality: { composite_score: 7.4, match_key_feedback: [{ identifier: 'email', coverage: { percentage: 97.5 } }] } }],
      },
    });
    t = await buildTestApp({ config: { metaGraphUrl: sandbox.url, logLevel: 'warn' } });
    tenant = await createTenantViaApi(t.app, 'Acme Cursos');
    const opened = new Date('2026-11-29T12:00:00.000Z');
    await applyAlertPlan(t.store.db, tenant.id, { open: [{ rule: 'token_refused', subject: 'meta', details: { reason: 'code 190' } }], keep: [], resolve: [] }, opened);
    const [first] = await t.store.db.selectFrom('alerts').select('id').execute();
    await applyAlertPlan(t.store.db, tenant.id, { open: [], keep: [], resolve: [first!.id] }, new Date('2026-11-29T13:00:00.000Z'));
    await applyAlertPlan(
      t.store.db,
      tenant.id,
      { open: [{ rule: 'signature_failures', subject: 'hotmart', details: { gateway: 'hotmart', count: 12, windowMinutes: 15, lastAt: '2026-11-29T13:59:00.000Z' } }], keep: [], resolve: [] },
      new Date('2026-11-29T14:00:00.000Z'),
    );
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { ...bearer(tenant.secretKey), ...headers } });

  it('needs the secret key', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/alerts' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/meta/quality', headers: bearer(tenant.publicKey) })).statusCode).toBe(401);
  });

  it('lists alerts newest first, filtered by state, in pages, in the reader language', async () => {
    const all = await get('/api/v1/alerts');
    expect(all.statusCode).toBe(200);
    expect(all.json().data.map((a: { rule: string; state: string }) => [a.rule, a.state])).toEqual([
      ['signature_failures', 'open'],
      ['token_refused', 'resolved'],
    ]);
    expect(all.json().data[0]).toMatchObject({
      id: expect.stringMatching(/^alr_[0-9a-f]{32}$/),
      subject: 'hotmart',
      title: 'webhook signature failures',
      message: expect.stringMatching(/^12 hotmart webhook\(s\) failed the signature check in the last 15 min/),
      openedAt: '2026-11-29T14:00:00.000Z',
      resolvedAt: null,
      notifiedAt: null,
      details: { count: 12 },
    });

    const open = await get('/api/v1/alerts?state=open', { 'accept-language': 'pt-BR' });
    expect(open.json().data).toHaveLength(1);
    expect(open.json().data[0].title).toBe('falhas de assinatura nos webhooks');

    const first = await get('/api/v1/alerts?limit=1');
    expect(first.json().data).toHaveLength(1);
    const next = await get(`/api/v1/alerts?limit=1&cursor=${first.json().nextCursor}`);
    expect(next.json()).toMatchObject({ data: [{ rule: 'token_refused', resolvedAt: '2026-11-29T13:00:00.000Z' }], nextCursor: null });

    expect((await get('/api/v1/alerts?cursor=bm9wZQ')).json()).toMatchObject({ status: 400, type: 'https://hub.dev/problems/invalid-cursor' });
    expect((await get('/api/v1/alerts?state=closed')).statusCode).toBe(400);
  });

  it("shows Meta's match quality beside the hub's coverage, asking Meta once", async () => {
    expect((await get('/api/v1/meta/quality')).json()).toMatchObject({ status: 409, type: 'https://hub.dev/problems/meta-not-connected' });
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/connections/meta', headers: bearer(tenant.secretKey), payload: { pixelId: PIXEL, accessToken: 'EAAB-good-token' } });
    expect(put.statusCode).toBe(200);
    const sentAt = new Date();
    for (const userData of [{ em: ['a'.repeat(64)], fbp: 'fb.1.1.1' }, { em: ['b'.repeat(64)] }]) {
      await t.store.db
        .insertInto('capi_events')
        .values({
          tenant_id: tenant.id,
          id: newId('cap'),
          event_id: newId('evt'),
          conversion_id: null,
          source_event_id: newId('evt'),
          event_name: 'Purchase',
          status: 'sent',
          payload: JSON.stringify({ event_name: 'Purchase', user_data: userData }),
          first_attempt_at: sentAt,
          next_attempt_at: null,
          last_error: null,
          sent_at: sentAt,
        })
        .execute();
    }
    const reads = sandbox.recorder.stats().reads;
    const quality = await get('/api/v1/meta/quality');
    expect(quality.statusCode).toBe(200);
    expect(quality.json()).toMatchObject({
      pixelId: PIXEL,
      meta: { status: 'available', error: null, events: [{ eventName: 'Purchase', matchQuality: 7.4, matchKeys: [{ identifier: 'email', coveragePercent: 97.5 }] }] },
      hub: { events: [{ eventName: 'Purchase', sent: 2, coverage: { em: 1, fbp: 0.5, ph: 0, client_ip_address: 0 } }] },
    });
    expect(sandbox.recorder.stats().reads).toBe(reads + 1);
    await get('/api/v1/meta/quality');
    expect(sandbox.recorder.stats().reads).toBe(reads + 1);
  });

  it('says when Meta refuses the quality question', async () => {
    const other = await createTenantViaApi(t.app, 'Sem Permissão');
    await t.app.inject({ method: 'PUT', url: '/api/v1/connections/meta', headers: bearer(other.secretKey), payload: { pixelId: PIXEL, accessToken: 'noperm-token' } });
    const quality = await t.app.inject({ method: 'GET', url: '/api/v1/meta/quality', headers: bearer(other.secretKey) });
    expect(quality.json()).toMatchObject({ meta: { status: 'refused', events: [], error: { code: 200, message: '(#200) Missing Permission' } }, hub: { events: [] } });
  });

  it('keeps the tenant alert webhook in its settings: https, or http to localhost; null removes it', async () => {
    const patch = (payload: Record<string, unknown>) => t.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: bearer(tenant.secretKey), payload });
    const set = await patch({ alertWebhookUrl: 'https://hooks.slack.com/services/T0/B0/x' });
    expect(set.statusCode).toBe(200);
    expect(set.json().alertWebhookUrl).toBe('https://hooks.slack.com/services/T0/B0/x');
    expect((await get('/api/v1/tenant/settings')).json()).toMatchObject({ alertWebhookUrl: 'https://hooks.slack.com/services/T0/B0/x', fingerprintMatching: false });
    const refused = await patch({ alertWebhookUrl: 'http://alerts.example.com/hook' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([{ path: 'alertWebhookUrl', message: 'expected an https URL (http only for localhost)' }]);
    expect((await patch({ alertWebhookUrl: 'http://localhost:9000/hook' })).json().alertWebhookUrl).toBe('http://localhost:9000/hook');
    expect((await patch({ alertWebhookUrl: null })).json().alertWebhookUrl).toBeNull();
  });
});
