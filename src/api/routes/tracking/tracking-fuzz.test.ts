// Guards the tracking endpoints against whatever a browser, a bot or an attacker sends: generated
// inputs never get a 5xx, and an event is either fully stored with its ingest job (202) or not at all.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';

const LP = 'https://lp.example.com';
const TYPES = ['click', 'pageview', 'initiate_checkout', 'lead'] as const;

/** A value for a field: usually plausible, sometimes of the wrong type or hostile. */
const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 80, arbitrary: valid },
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );

const text = fc.oneof(
  { weight: 20, arbitrary: fc.string({ maxLength: 30 }) },
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('', 'a\u0000b', '\ud800', 'IwAR2F4-dbP0l7'),
);
const url = fc.oneof(
  { weight: 30, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  fc.constantFrom(`${LP}/?fbclid=Ab%00C&utm_source=%ED%A0%80`, 'javascript:alert(1)', 'ftp://x', 'http://', '//lp.example.com/x', `${LP}/?utm_source=${'x'.repeat(600)}`),
  text,
);
const now = Date.now();
const isoTime = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: now - 10 * 86400_000, max: now + 3600_000 }).map((ms) => new Date(ms).toISOString()) },
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-13-40T99:99:99Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z'),
);

const body = fc.record(
  {
    eventId: field(fc.oneof({ weight: 8, arbitrary: fc.uuid() }, text)),
    visitorId: field(fc.oneof({ weight: 8, arbitrary: fc.stringMatching(/^vis_[0-9a-f]{32}$/) }, text)),
    sessionId: field(fc.oneof({ weight: 8, arbitrary: fc.constantFrom('sid_a', 'sid_b', 'sid_c') }, text)),
    url,
    referrer: field(fc.oneof(url, fc.constant(''))),
    occurredAt: field(isoTime),
    fbclid: field(text),
    gclid: field(text),
    fbp: field(text),
    fbc: field(fc.oneof(text, fc.constant('fb.1.1700000000000.IwAR'))),
    utm: field(fc.record({ source: field(text), medium: field(text), campaign: field(text) }, { requiredKeys: [] })),
    checkout: field(
      fc.record(
        {
          url: field(url),
          value: field(fc.constantFrom('197.00', '0', '1e9', '-1', '12345678901234.5', '')),
          currency: field(fc.constantFrom('BRL', 'usd', 'EURO', '')),
          contentIds: field(fc.array(text, { maxLength: 3 })),
        },
        { requiredKeys: ['url'] },
      ),
    ),
    user: field(fc.record({ email: field(fc.oneof(fc.emailAddress(), text)), phone: field(fc.oneof(fc.constantFrom('+55 11 98765-4321', '(11) 3333-4444'), text)) }, { requiredKeys: [] })),
    extra: field(fc.jsonValue({ maxDepth: 3 })),
  },
  { requiredKeys: ['url'] },
);

describe('tracking endpoints under generated input', () => {
  let t: TestApp;
  let publicKey: string;
  beforeAll(async () => {
    t = await buildTestApp({ kind: 'postgres', config: { rateLimitPerMinute: 1_000_000 } });
    const tenant = await createTenantViaApi(t.app, 'Fuzz');
    publicKey = tenant.publicKey;
    await t.app.inject({ method: 'PUT', url: '/api/v1/funnels/main', headers: bearer(tenant.secretKey), payload: { origins: [LP] } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const counts = async () => {
    const events = await t.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const jobs = await t.store.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('queue', '=', 'ingest-events').executeTakeFirstOrThrow();
    return { events: Number(events.n), jobs: Number(jobs.n) };
  };

  const statuses: number[] = [];

  async function check(type: string, payload: string, headers: Record<string, string>) {
    const before = await counts();
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/track/${type}`, headers, payload });
    statuses.push(res.statusCode);
    expect(res.statusCode, res.body).toBeLessThan(500);
    expect([202, 400, 401, 403, 413]).toContain(res.statusCode);
    const after = await counts();
    if (res.statusCode === 202) {
      const { id } = res.json() as { id: string };
      const row = await t.store.db.selectFrom('events').select(['id', 'payload']).where('id', '=', id).executeTakeFirst();
      expect(row?.payload).toBeTruthy();
      // a new event brings exactly its job; a duplicate delivery brings neither
      expect(after.events - before.events).toBe(after.jobs - before.jobs);
      expect(after.events - before.events).toBeLessThanOrEqual(1);
    } else {
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(after).toEqual(before);
    }
  }

  it.each(TYPES)('/track/%s never answers 5xx and never stores half an event', async (type) => {
    statuses.length = 0;
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('text/plain;charset=UTF-8', 'application/json'),
        fc.constantFrom('body', 'body', 'body', 'body', 'header', 'header', 'missing', 'wrong'),
        fc.option(fc.constantFrom(LP, LP, LP, 'https://evil.example.net', 'null'), { nil: undefined, freq: 2 }),
        async (generated, contentType, keyPlace, origin) => {
          const headers: Record<string, string> = { 'content-type': contentType, 'user-agent': 'Mozilla/5.0 Chrome/140' };
          if (origin) headers.origin = origin;
          if (keyPlace === 'header') headers['x-hub-public-key'] = publicKey;
          const key = keyPlace === 'body' ? publicKey : keyPlace === 'wrong' ? 'hub_pk_wrong' : undefined;
          await check(type, JSON.stringify({ ...generated, publicKey: key }), headers);
        },
      ),
      { numRuns: 120 },
    );
    // the generator must reach the write path, not only the refusals
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThan(5);
  });

  it('never answers 5xx to bodies that are not JSON objects', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TYPES),
        fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null')),
        async (type, raw) => check(type, raw, { 'content-type': 'text/plain', 'x-hub-public-key': publicKey }),
      ),
      { numRuns: 150 },
    );
  });
});
