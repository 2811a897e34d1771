// Guards what connecting Meta promises a seller: a connection is healthy only when Meta confirmed the
// token and the pixel; a token Meta refuses is stored unhealthy with why and how to fix it; anything
// that could not be checked (timeout, outage, garbage) is stored unverified, never healthy; bad input
// stores nothing and asks Meta nothing. Real database, the Meta sandbox over HTTP, fake fetches for
// what the sandbox cannot do on demand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../config.ts';
import { createSecretBox } from '../../lib/secret-box.ts';
import { createDbQueue } from '../../queue/db-queue.ts';
import { createTenant } from '../../store/tenants.ts';
import { getConnection, openConnectionSecret, upsertConnection } from '../../store/connections.ts';
import { startMetaSandbox, type RunningMetaSandbox } from '../../sandbox/meta/index.ts';
import { LOCALES, say } from '../../i18n/index.ts';
import { createTestStore, type TestStore } from '../../../test/support/databases.ts';
import type { OperationContext } from '../context.ts';
import { connectMetaOperation, type MetaConnectionSaved } from './connect-meta.ts';

const PIXEL = '1234567890';
const box = createSecretBox(Buffer.alloc(32, 5));

let store: TestStore;
let sandbox: RunningMetaSandbox;
let ctx: OperationContext;

beforeAll(async () => {
  store = await createTestStore('pglite');
  sandbox = await startMetaSandbox({ knownPixelIds: [PIXEL], pixelNames: { [PIXEL]: 'Acme Cursos — Pixel' } });
  ctx = { config: testConfig({ metaGraphUrl: sandbox.url }), store, box, queue: createDbQueue(store.db) };
});
afterAll(async () => {
  await sandbox?.close();
  await store?.dispose();
});

const tenant = async () => (await createTenant(store.db, { name: 'Acme Cursos' })).tenant.id;
const connect = async (tenantId: string, input: Record<string, unknown>, over: Partial<OperationContext> = {}) =>
  connectMetaOperation({ ...ctx, ...over }, tenantId, { pixelId: PIXEL, ...input });
const saved = (outcome: Awaited<ReturnType<typeof connectMetaOperation>>): MetaConnectionSaved => {
  if (!outcome.ok) throw new Error(`expected a saved connection, got ${JSON.stringify(outcome.failure)}`);
  return outcome.value;
};
const answering = (status: number, body: string, headers: Record<string, string> = {}) =>
  (async () => new Response(body, { status, headers })) as typeof fetch;

describe('connecting Meta, checked against the Graph API (sandbox)', () => {
  it('stores a token Meta confirms as healthy, with the pixel name', async () => {
    const id = await tenant();
    const value = saved(await connect(id, { accessToken: 'EAAB-good-token', testEventCode: 'TEST123', graphApiVersion: 'v24.0' }));
    expect(value).toEqual({
      kind: 'meta',
      hint: '…oken',
      health: 'healthy',
      verification: { status: 'verified', health: 'healthy', pixelName: 'Acme Cursos — Pixel', reason: null, fix: null, metaAnswer: null },
    });
    const row = await getConnection(store.db, id, 'meta');
    expect(row).toMatchObject({ health: 'healthy', health_reason: null, settings: { pixelId: PIXEL, testEventCode: 'TEST123', graphApiVersion: 'v24.0' } });
    expect(openConnectionSecret(box, row!)).toEqual({ accessToken: 'EAAB-good-token' });
  });

  it.each([
    ['an expired token', 'expired-token', 'meta.checkTokenExpired', '190/463', 'unhealthy', /^The access token was refused by Meta: it has expired \(code 190\/463\)\. Meta said: Error validating access token: Session has expired/],
    ['an invalid token', 'invalid-token', 'meta.checkTokenInvalid', '190', 'unhealthy', /^The access token was refused by Meta as invalid \(code 190\).*Cannot parse access token/],
    ['a token without permission on the pixel', 'noperm-token', 'meta.checkNoPermission', '200', 'unverified', /^The token was accepted, but Meta did not let it read pixel 1234567890 \(code 200\)/],
  ] as const)('stores %s with why and how to fix it', async (_label, token, key, code, health, reason) => {
    const id = await tenant();
    const value = saved(await connect(id, { accessToken: token }));
    expect(value.health).toBe(health);
    expect(value.verification).toMatchObject({ status: 'unverified', health, pixelName: null, reason: { key, params: { code } } });
    expect(value.verification.fix?.key).toBe(`${key}Fix`);
    expect(value.verification.metaAnswer).toMatchObject({ httpStatus: expect.any(Number), code: Number(code.split('/')[0]), fbtraceId: expect.stringMatching(/^\S{11}$/) });
    const row = await getConnection(store.db, id, 'meta');
    expect(row!.health).toBe(health);
    expect(row!.health_reason).toMatch(reason);
    expect(row!.health_reason).not.toContain(token);
  });

  it('stores a pixel the token cannot see as unverified: events still go, Meta decides', async () => {
    const id = await tenant();
    const value = saved(await connect(id, { pixelId: '5550001112', accessToken: 'EAAB-good-token' }));
    expect(value).toMatchObject({ health: 'unverified', verification: { status: 'unverified', reason: { key: 'meta.checkPixelNotFound', params: { code: '100/33', pixelId: '5550001112' } } } });
  });

  it('gives a fixed token a fresh verdict: unhealthy becomes healthy', async () => {
    const id = await tenant();
    expect(saved(await connect(id, { accessToken: 'expired-token' })).health).toBe('unhealthy');
    expect(saved(await connect(id, { accessToken: 'EAAB-new-token' })).health).toBe('healthy');
    expect(await getConnection(store.db, id, 'meta')).toMatchObject({ health: 'healthy', health_reason: null });
  });
});

describe('connecting Meta when the check gets no verdict', () => {
  it.each([
    [
      'a timeout',
      (async () => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      }) as typeof fetch,
      { key: 'meta.checkTimeout', params: { seconds: 5 } },
      'meta.checkLaterFix',
    ],
    [
      'an unreachable Graph',
      (async () => {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }) });
      }) as typeof fetch,
      { key: 'meta.checkNetwork', params: { detail: 'fetch failed: ENOTFOUND' } },
      'meta.checkNetworkFix',
    ],
    ['a 503 from Meta', answering(503, JSON.stringify({ error: { message: 'Service temporarily unavailable', code: 2, is_transient: true } })), { key: 'meta.checkMetaUnavailable', params: { status: '503' } }, 'meta.checkLaterFix'],
    ['an HTML page with 200', answering(200, '<html><body>Welcome to the proxy</body></html>', { 'content-type': 'text/html' }), { key: 'meta.checkUnexpectedAnswer', params: { status: '200' } }, 'meta.checkLaterFix'],
    ['JSON that is not the pixel', answering(200, JSON.stringify({ data: [] })), { key: 'meta.checkUnexpectedAnswer', params: { status: '200' } }, 'meta.checkLaterFix'],
    ['an empty 200', answering(200, ''), { key: 'meta.checkUnexpectedAnswer', params: { status: '200' } }, 'meta.checkLaterFix'],
  ] as const)('stores the connection unverified after %s, never healthy', async (_label, fetchImpl, reason, fixKey) => {
    const id = await tenant();
    const value = saved(await connect(id, { accessToken: 'EAAB-good-token' }, { fetch: fetchImpl }));
    expect(value.health).toBe('unverified');
    expect(value.verification).toMatchObject({ status: 'unverified', reason, fix: { key: fixKey } });
    const row = await getConnection(store.db, id, 'meta');
    expect(row).toMatchObject({ health: 'unverified' });
    expect(row!.health_reason).toMatch(/could not be checked|could not be understood/);
  });
});

describe('connecting Meta with bad input', () => {
  it.each([
    ['letters in the pixel id', { pixelId: 'abc12345' }, 'pixelId'],
    ['a pixel id too short', { pixelId: '1234' }, 'pixelId'],
    ['a pixel id too long', { pixelId: '1'.repeat(21) }, 'pixelId'],
    ['a pixel id that is a URL', { pixelId: '../../me' }, 'pixelId'],
    ['a pixel id given as a number', { pixelId: 1234567890 }, 'pixelId'],
    ['no token', { accessToken: undefined }, 'accessToken'],
    ['a blank token', { accessToken: '   ' }, 'accessToken'],
    ['an oversized token', { accessToken: `EAAB${'x'.repeat(2_045)}` }, 'accessToken'],
    ['an oversized test code', { testEventCode: 'T'.repeat(101) }, 'testEventCode'],
    ['a malformed Graph version', { graphApiVersion: '24' }, 'graphApiVersion'],
  ])('refuses %s, stores nothing and asks Meta nothing', async (_label, input, field) => {
    const id = await tenant();
    let calls = 0;
    const counting = (async () => {
      calls += 1;
      return new Response('{}');
    }) as typeof fetch;
    const outcome = await connect(id, { accessToken: 'EAAB-good-token', ...input }, { fetch: counting });
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'invalid', slug: 'validation-error', message: { key: 'problem.validation' } } });
    expect(!outcome.ok && outcome.failure.errors?.map((e) => e.path)).toEqual([field]);
    expect(calls).toBe(0);
    expect(await getConnection(store.db, id, 'meta')).toBeUndefined();
  });

  it('answers not found for an unknown tenant', async () => {
    expect(await connect('ten_unknown', { accessToken: 'EAAB-good-token' })).toMatchObject({ ok: false, failure: { kind: 'not_found' } });
  });

  it('keeps the previous connection when the new input is refused', async () => {
    const id = await tenant();
    await upsertConnection(store.db, box, id, { kind: 'meta', settings: { pixelId: PIXEL }, secret: { accessToken: 'EAAB-old' }, hintOf: 'EAAB-old' });
    await connect(id, { pixelId: 'nope', accessToken: 'EAAB-new' });
    expect(openConnectionSecret(box, (await getConnection(store.db, id, 'meta'))!)).toEqual({ accessToken: 'EAAB-old' });
  });
});

describe('what the seller reads', () => {
  it('has every finding and fix in both languages, all parameters filled', async () => {
    const findings = [
      saved(await connect(await tenant(), { accessToken: 'expired-token' })),
      saved(await connect(await tenant(), { accessToken: 'invalid-token' })),
      saved(await connect(await tenant(), { accessToken: 'noperm-token' })),
      saved(await connect(await tenant(), { pixelId: '5550001112', accessToken: 'EAAB-good' })),
      saved(await connect(await tenant(), { accessToken: 'EAAB-good' }, { fetch: answering(502, '') })),
    ];
    for (const { verification } of findings) {
      for (const message of [verification.reason!, verification.fix!]) {
        const texts = LOCALES.map((locale) => say(locale, message));
        for (const text of texts) expect(text).toMatch(/^\S.{20,}$/s);
        for (const text of texts) expect(text).not.toMatch(/\{\{|undefined/);
        expect(new Set(texts).size).toBe(LOCALES.length);
      }
    }
  });
});
