// Guards the Meta connection API as a seller meets it: PUT answers what a live check found (verified
// with the pixel name, or unverified with why and how to fix it, in the caller's language) and the
// tenant view shows the same health; bad input is a 400 naming the field; the test event answers
// Meta's answer, a 400 without any test code and a 409 without a Meta connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';
import { startMetaSandbox, type RunningMetaSandbox } from '../../../sandbox/meta/index.ts';

const PIXEL = '1234567890';

describe('Meta connection routes', () => {
  let t: TestApp;
  let sandbox: RunningMetaSandbox;

  beforeAll(async () => {
    sandbox = await startMetaSandbox({ knownPixelIds: [PIXEL], pixelNames: { [PIXEL]: 'Acme Cursos — Pixel' } });
    t = await buildTestApp({ config: { metaGraphUrl: sandbox.url } });
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  const putMeta = (secretKey: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'PUT', url: '/api/v1/connections/meta', headers: { ...bearer(secretKey), ...headers }, payload: { pixelId: PIXEL, ...payload } });
  const postTest = (secretKey: string, payload?: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/connections/meta/test', headers: { ...bearer(secretKey), ...headers }, ...(payload ? { payload } : {}) });
  const metaHealth = async (secretKey: string) =>
    (await t.app.inject({ url: '/api/v1/tenant', headers: bearer(secretKey) })).json().connections.find((c: { kind: string }) => c.kind === 'meta');

  it('answers verified with the pixel name, and the tenant shows the connection healthy', async () => {
    const tenant = await createTenantViaApi(t.app, 'Verified');
    const res = await putMeta(tenant.secretKey, { accessToken: 'EAAGsecretTOKEN9876', testEventCode: 'TEST123', graphApiVersion: 'v24.0' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      kind: 'meta',
      configured: true,
      hint: '…9876',
      health: 'healthy',
      verification: { status: 'verified', pixelName: 'Acme Cursos — Pixel' },
    });
    expect(res.body).not.toContain('EAAGsecretTOKEN9876');
    expect(await metaHealth(tenant.secretKey)).toMatchObject({ health: 'healthy', healthReason: null, settings: { testEventCode: 'TEST123' } });
  });

  it('answers an expired token with why and how to fix it, in Portuguese when asked, and stores it unhealthy', async () => {
    const tenant = await createTenantViaApi(t.app, 'Expired');
    const res = await putMeta(tenant.secretKey, { accessToken: 'expired-token-1' }, { 'accept-language': 'pt-BR,pt;q=0.9' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      health: 'unhealthy',
      verification: {
        status: 'unverified',
        reason: 'O token de acesso foi recusado pela Meta: ele expirou (código 190/463).',
        fix: expect.stringMatching(/^Gere um novo token no Gerenciador de Eventos/),
        metaAnswer: { httpStatus: 400, code: 190, subcode: 463, message: expect.stringMatching(/Session has expired/), fbtraceId: expect.any(String) },
      },
    });
    expect(body.verification.pixelName).toBeUndefined();
    expect(await metaHealth(tenant.secretKey)).toMatchObject({ health: 'unhealthy', healthReason: expect.stringMatching(/^The access token was refused by Meta: it has expired/) });
  });

  it('answers a token that cannot read the pixel as unverified (events still go), in English', async () => {
    const tenant = await createTenantViaApi(t.app, 'No permission');
    const res = await putMeta(tenant.secretKey, { accessToken: 'noperm-token' }, { 'accept-language': 'en' });
    expect(res.json()).toMatchObject({
      health: 'unverified',
      verification: { status: 'unverified', reason: 'The token was accepted, but Meta did not let it read pixel 1234567890 (code 200).', fix: expect.stringMatching(/^Events are still sent/) },
    });
    expect((await metaHealth(tenant.secretKey)).health).toBe('unverified');
  });

  it.each([
    ['a malformed pixel id', { pixelId: '12ab', accessToken: 'EAAB-x' }, 'pixelId'],
    ['an oversized token', { accessToken: `EAAB${'x'.repeat(2_045)}` }, 'accessToken'],
    ['a test code that is not text', { accessToken: 'EAAB-x', testEventCode: 123 }, 'testEventCode'],
  ])('refuses %s with a 400 naming the field, asking Meta nothing', async (_label, payload, field) => {
    const tenant = await createTenantViaApi(t.app, 'Bad input');
    const reads = sandbox.recorder.stats().reads;
    const res = await putMeta(tenant.secretKey, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: 'https://hub.dev/problems/validation-error', errors: [{ path: field }] });
    expect(sandbox.recorder.stats().reads).toBe(reads);
    expect(await metaHealth(tenant.secretKey)).toBeUndefined();
  });

  it("sends a test event with the connection's code and answers Meta's answer", async () => {
    const tenant = await createTenantViaApi(t.app, 'Test event');
    await putMeta(tenant.secretKey, { accessToken: 'EAAB-good-token', testEventCode: 'TEST123' });
    const res = await postTest(tenant.secretKey);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      result: 'accepted',
      pixelId: PIXEL,
      testEventCode: 'TEST123',
      eventName: 'PageView',
      httpStatus: 200,
      eventsReceived: 1,
      fbtraceId: expect.any(String),
      messages: [],
      error: null,
      summary: expect.stringMatching(/^Meta accepted the test event \(1 received\)\. Look for PageView with event_id hub-test-/),
    });
    expect(body.fix).toBeUndefined();
    expect(sandbox.recorder.events({ eventId: body.eventId })).toMatchObject([{ testEventCode: 'TEST123', eventName: 'PageView' }]);
  });

  it('sends a test Purchase with the code given in the body, answering in Portuguese', async () => {
    const tenant = await createTenantViaApi(t.app, 'Test event given');
    await putMeta(tenant.secretKey, { accessToken: 'EAAB-good-token' });
    const res = await postTest(tenant.secretKey, { testEventCode: 'TEST777', eventName: 'Purchase' }, { 'accept-language': 'pt-BR' });
    expect(res.json()).toMatchObject({ result: 'accepted', testEventCode: 'TEST777', eventName: 'Purchase', summary: expect.stringMatching(/^A Meta aceitou o evento de teste/) });
  });

  it("answers Meta's refusal of a test event with its error and a fix", async () => {
    const tenant = await createTenantViaApi(t.app, 'Test refused');
    await putMeta(tenant.secretKey, { accessToken: 'invalid-token', testEventCode: 'TEST1' });
    const res = await postTest(tenant.secretKey, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ result: 'refused', error: { code: 190 }, summary: expect.stringMatching(/^Meta refused the token/), fix: expect.stringMatching(/^Generate a new token/) });
  });

  it('answers 400 without any test code, 409 without a Meta connection, 400 for an unknown event', async () => {
    const tenant = await createTenantViaApi(t.app, 'No code');
    const none = await postTest(tenant.secretKey, {});
    expect(none.statusCode).toBe(409);
    expect(none.json()).toMatchObject({ type: 'https://hub.dev/problems/meta-not-connected', detail: expect.stringMatching(/^Meta is not connected/) });

    await putMeta(tenant.secretKey, { accessToken: 'EAAB-good-token' });
    const noCode = await postTest(tenant.secretKey, {}, { 'accept-language': 'pt-BR' });
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json()).toMatchObject({ type: 'https://hub.dev/problems/test-event-code-required', detail: expect.stringMatching(/^Sem código de evento de teste/) });

    const unknownEvent = await postTest(tenant.secretKey, { testEventCode: 'TEST1', eventName: 'Lead' });
    expect(unknownEvent.statusCode).toBe(400);
    expect(unknownEvent.json()).toMatchObject({ errors: [{ path: 'eventName' }] });
  });

  it('needs the secret key', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/connections/meta/test' })).statusCode).toBe(401);
  });

  it('keeps tokens out of the logs', async () => {
    const tenant = await createTenantViaApi(t.app, 'Logs');
    await putMeta(tenant.secretKey, { accessToken: 'EAAB-log-secret-4242', testEventCode: 'TEST1' });
    await postTest(tenant.secretKey, {});
    expect(t.logs.join('\n')).not.toContain('EAAB-log-secret-4242');
  });
});
