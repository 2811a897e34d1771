// Guards the test event: exactly one event, with the test code given or else the connection's, sent
// the way live events are, with Meta's answer back in every case (accepted, refused, no answer); no
// code, no connection or an unreadable one is a clear failure; Meta's yes proves a token unverified.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../config.ts';
import { createSecretBox } from '../../lib/secret-box.ts';
import { createDbQueue } from '../../queue/db-queue.ts';
import { createTenant } from '../../store/tenants.ts';
import { getConnection, upsertConnection } from '../../store/connections.ts';
import type { ConnectionHealth } from '../../store/database.ts';
import { startMetaSandbox, type RunningMetaSandbox } from '../../sandbox/meta/index.ts';
import { createTestStore, type TestStore } from '../../../test/support/databases.ts';
import type { OperationContext } from '../context.ts';
import { runCatalogOperation } from '../catalog.ts';
import { sendMetaTestEventOperation, type MetaTestResult } from './send-test-event.ts';

const PIXEL = '1234567890';
const box = createSecretBox(Buffer.alloc(32, 6));

let store: TestStore;
let sandbox: RunningMetaSandbox;
let ctx: OperationContext;

beforeAll(async () => {
  store = await createTestStore('pglite');
  sandbox = await startMetaSandbox({ knownPixelIds: [PIXEL] });
  ctx = { config: testConfig({ metaGraphUrl: sandbox.url }), store, box, queue: createDbQueue(store.db) };
});
afterAll(async () => {
  await sandbox?.close();
  await store?.dispose();
});
beforeEach(() => sandbox.recorder.clear());

async function tenantWithMeta(options: { token?: string; testEventCode?: string | null; health?: ConnectionHealth; connect?: boolean } = {}) {
  const { tenant } = await createTenant(store.db, { name: 'Acme Cursos' });
  if (options.connect !== false) {
    const token = options.token ?? 'EAAB-good-token';
    await upsertConnection(store.db, box, tenant.id, {
      kind: 'meta',
      settings: { pixelId: PIXEL, testEventCode: options.testEventCode === undefined ? 'TEST123' : options.testEventCode, graphApiVersion: null },
      secret: { accessToken: token },
      hintOf: token,
      ...(options.health ? { health: options.health, healthReason: 'not checked' } : {}),
    });
  }
  return tenant.id;
}

const sent = (outcome: Awaited<ReturnType<typeof sendMetaTestEventOperation>>): MetaTestResult => {
  if (!outcome.ok) throw new Error(`expected a test result, got ${JSON.stringify(outcome.failure)}`);
  return outcome.value;
};

describe('a Meta test event', () => {
  it("sends one PageView with the connection's test code and answers Meta's answer", async () => {
    const id = await tenantWithMeta();
    const result = sent(await sendMetaTestEventOperation(ctx, id, {}));
    expect(result).toMatchObject({
      result: 'accepted',
      pixelId: PIXEL,
      testEventCode: 'TEST123',
      eventName: 'PageView',
      eventId: expect.stringMatching(/^hub-test-[0-9a-f-]{36}$/),
      httpStatus: 200,
      eventsReceived: 1,
      fbtraceId: expect.stringMatching(/^\S{11}$/),
      messages: [],
      error: null,
      summary: { key: 'meta.testAccepted', params: { eventsReceived: 1, eventName: 'PageView', testEventCode: 'TEST123' } },
      fix: null,
    });
    const recorded = sandbox.recorder.events();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ pixelId: PIXEL, eventId: result.eventId, eventName: 'PageView', testEventCode: 'TEST123' });
    expect(recorded[0]!.event).toMatchObject({ action_source: 'system_generated', user_data: { external_id: [expect.stringMatching(/^[0-9a-f]{64}$/)] } });
    expect(recorded[0]!.event).not.toHaveProperty('custom_data');
  });

  it('uses the test code given over the connection\'s, and sends a Purchase worth nothing when asked', async () => {
    const id = await tenantWithMeta();
    const result = sent(await sendMetaTestEventOperation(ctx, id, { testEventCode: ' TEST999 ', eventName: 'Purchase' }));
    expect(result).toMatchObject({ result: 'accepted', testEventCode: 'TEST999', eventName: 'Purchase' });
    expect(sandbox.recorder.events()[0]).toMatchObject({ testEventCode: 'TEST999', event: { custom_data: { value: 0, currency: 'BRL' } } });
  });

  it('works for a connection without a test code when one is given', async () => {
    const id = await tenantWithMeta({ testEventCode: null });
    expect(sent(await sendMetaTestEventOperation(ctx, id, { testEventCode: 'TEST42' })).testEventCode).toBe('TEST42');
  });

  it('proves an unverified or flagged token: Meta accepting it makes the connection healthy', async () => {
    for (const health of ['unverified', 'unhealthy'] as const) {
      const id = await tenantWithMeta({ health });
      sent(await sendMetaTestEventOperation(ctx, id, {}));
      expect(await getConnection(store.db, id, 'meta')).toMatchObject({ health: 'healthy', health_reason: null });
    }
  });

  it("reports Meta's refusal of the token with its code and what to do, and changes nothing", async () => {
    const id = await tenantWithMeta({ token: 'expired-token', health: 'unverified' });
    const result = sent(await sendMetaTestEventOperation(ctx, id, {}));
    expect(result).toMatchObject({
      result: 'refused',
      httpStatus: 400,
      eventsReceived: null,
      error: { code: 190, subcode: 463, message: expect.stringMatching(/Session has expired/) },
      summary: { key: 'meta.testTokenRefused' },
      fix: { key: 'meta.testTokenRefusedFix' },
    });
    expect(JSON.stringify(result)).not.toContain('expired-token');
    expect((await getConnection(store.db, id, 'meta'))!.health).toBe('unverified');
    expect(sandbox.recorder.events()).toEqual([]);
  });

  it('reports no answer on a timeout, and a server fault, as no_answer', async () => {
    const id = await tenantWithMeta();
    const timeout = (async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }) as typeof fetch;
    expect(sent(await sendMetaTestEventOperation({ ...ctx, fetch: timeout }, id, {}))).toMatchObject({
      result: 'no_answer',
      httpStatus: null,
      error: null,
      summary: { key: 'meta.testNoAnswer' },
      fix: { key: 'meta.testNoAnswerFix', params: { graphUrl: sandbox.url } },
    });
    sandbox.setFaults({ rate: 1, modes: ['5xx'], seed: 1 });
    try {
      expect(sent(await sendMetaTestEventOperation(ctx, id, {}))).toMatchObject({ result: 'no_answer', error: { code: 2 } });
    } finally {
      sandbox.setFaults({ rate: 0, modes: [] });
    }
  });
});

describe('a Meta test event that cannot be sent', () => {
  it('asks for a test code when none is given and the connection has none', async () => {
    const id = await tenantWithMeta({ testEventCode: null });
    expect(await sendMetaTestEventOperation(ctx, id, {})).toMatchObject({
      ok: false,
      failure: { kind: 'invalid', slug: 'test-event-code-required', message: { key: 'meta.testCodeRequired' } },
    });
    expect(sandbox.recorder.stats().requests).toBe(0);
  });

  it('says Meta is not connected', async () => {
    const id = await tenantWithMeta({ connect: false });
    expect(await sendMetaTestEventOperation(ctx, id, { testEventCode: 'TEST1' })).toMatchObject({
      ok: false,
      failure: { kind: 'conflict', slug: 'meta-not-connected', message: { key: 'meta.notConnected' } },
    });
  });

  it('says the stored connection cannot be read when it was sealed with another key', async () => {
    const id = await tenantWithMeta({ connect: false });
    await upsertConnection(store.db, createSecretBox(Buffer.alloc(32, 1)), id, { kind: 'meta', settings: { pixelId: PIXEL }, secret: { accessToken: 'EAAB' }, hintOf: 'EAAB' });
    expect(await sendMetaTestEventOperation(ctx, id, { testEventCode: 'TEST1' })).toMatchObject({
      ok: false,
      failure: { kind: 'conflict', slug: 'meta-connection-unreadable', message: { key: 'meta.tokenUnreadable', params: { problem: 'undecryptable' } } },
    });
  });

  it.each([
    ['an unknown event', { eventName: 'Lead' }, 'eventName'],
    ['a blank test code', { testEventCode: '  ' }, 'testEventCode'],
    ['an oversized test code', { testEventCode: 'T'.repeat(101) }, 'testEventCode'],
    ['a test code that is not text', { testEventCode: 42 }, 'testEventCode'],
  ])('refuses %s', async (_label, input, field) => {
    const id = await tenantWithMeta();
    const outcome = await sendMetaTestEventOperation(ctx, id, input);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'invalid', errors: [{ path: field }] } });
    expect(sandbox.recorder.stats().requests).toBe(0);
  });

  it('answers not found for an unknown tenant', async () => {
    expect(await sendMetaTestEventOperation(ctx, 'ten_unknown', {})).toMatchObject({ ok: false, failure: { kind: 'not_found' } });
  });
});

describe('meta.test in the operations catalog (what `hub meta test` runs)', () => {
  it('validates and runs the operation', async () => {
    const id = await tenantWithMeta();
    const outcome = await runCatalogOperation({ ...ctx, baseUrl: 'http://localhost:8080' }, 'meta.test', { tenantId: id, testEventCode: 'TEST7' });
    expect(outcome).toMatchObject({ ok: true, value: { result: 'accepted', testEventCode: 'TEST7' } });
    expect(await runCatalogOperation({ ...ctx, baseUrl: '' }, 'meta.test', { testEventCode: 'TEST7' })).toMatchObject({
      ok: false,
      failure: { kind: 'invalid', errors: [{ path: 'tenantId' }] },
    });
  });
});
