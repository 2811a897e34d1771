// Guards the operator's view: pagination that never skips or repeats, filters, tenant walls (another
// tenant's event is a 404), masked personal data, replay queued, dead letters re-drivable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../../../../test/support/app.ts';
import { newId } from '../../../lib/ids.ts';
import type { NewEvent } from '../../../store/database.ts';

describe('operations API', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof createTenantViaApi>>;
  let b: Awaited<ReturnType<typeof createTenantViaApi>>;
  const ids: string[] = [];

  const event = (tenantId: string, over: Partial<NewEvent> = {}): NewEvent => ({
    id: newId('evt'),
    tenant_id: tenantId,
    type: 'pageview',
    gateway: null,
    delivery_key: null,
    occurred_at: new Date(),
    flags: [],
    payload: JSON.stringify({ url: 'https://lp.example.com/oferta?x=1', clientIp: '189.40.12.7' }),
    raw_body: null,
    raw_headers: null,
    evidence_ref: null,
    client_ip: '189.40.12.7',
    user_agent: 'UA',
    error: null,
    ...over,
  });

  beforeAll(async () => {
    t = await buildTestApp();
    a = await createTenantViaApi(t.app, 'Ops A');
    b = await createTenantViaApi(t.app, 'Ops B');
    for (let i = 0; i < 7; i++) ids.push((await t.deps.ingest.write({ event: event(a.id), enqueue: false })).id);
    const body = JSON.stringify({ id: 'x', event: 'PURCHASE_APPROVED', data: { buyer: { email: 'maria.souza@gmail.com', name: 'Maria Souza', checkout_phone: '11999998888' } } });
    ids.push(
      (
        await t.deps.ingest.write({
          event: event(a.id, { type: 'webhook', gateway: 'hotmart', delivery_key: 'd1', raw_body: Buffer.from(body), payload: JSON.stringify({ eventType: 'PURCHASE_APPROVED' }), client_ip: '10.1.2.3' }),
          enqueue: false,
        })
      ).id,
    );
    await t.deps.ingest.write({ event: event(b.id), enqueue: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('pages newest first without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.app.inject({ url: `/api/v1/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(a.secretKey) });
      expect(res.statusCode).toBe(200);
      const page = res.json() as { data: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...page.data.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen)).toEqual(new Set(ids));
  });

  it('filters by type and gateway, and rejects bad filters with paths', async () => {
    const res = await t.app.inject({ url: '/api/v1/events?type=webhook&gateway=hotmart', headers: bearer(a.secretKey) });
    expect(res.json().data).toHaveLength(1);
    expect(res.json().data[0].summary).toBe('hotmart PURCHASE_APPROVED');
    const bad = await t.app.inject({ url: '/api/v1/events?type=nope&limit=9999', headers: bearer(a.secretKey) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['limit', 'type']);
    const badCursor = await t.app.inject({ url: '/api/v1/events?cursor=garbage', headers: bearer(a.secretKey) });
    expect(badCursor.statusCode).toBe(400);
  });

  it("shows an event's story with personal data masked", async () => {
    const webhookId = ids[ids.length - 1]!;
    const res = await t.app.inject({ url: `/api/v1/events/${webhookId}`, headers: bearer(a.secretKey) });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('maria.souza@gmail.com');
    expect(res.body).not.toContain('Maria Souza');
    expect(res.body).not.toContain('11999998888');
    expect(res.body).not.toContain('10.1.2.3');
    expect(res.json().raw.body.data.buyer.email).toBe('m***@g***.com');
  });

  it('a body nested 10,000 deep answers its first levels, masked (the story used to say "not JSON")', async () => {
    const depth = 10_000;
    const body = `{"event":"PURCHASE_APPROVED","__proto__":{"email":"maria.souza@gmail.com"},"data":${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}}`;
    const deep = event(b.id, { type: 'webhook', gateway: 'hotmart', delivery_key: 'deep', raw_body: Buffer.from(body), payload: JSON.stringify({}) });
    const { id } = await t.deps.ingest.write({ event: deep, enqueue: false });
    const res = await t.app.inject({ url: `/api/v1/events/${id}`, headers: bearer(b.secretKey) });
    expect(res.statusCode).toBe(200);
    expect(res.json().raw.body).toMatchObject({ event: 'PURCHASE_APPROVED', ['__proto__']: { email: 'm***@g***.com' } });
    expect(res.body).toContain('levels: not shown');
    expect(res.body).not.toContain('maria.souza@gmail.com');
  });

  it("answers 404 for another tenant's event, exactly as for a missing one", async () => {
    const other = await t.app.inject({ url: `/api/v1/events/${ids[0]}`, headers: bearer(b.secretKey) });
    const missing = await t.app.inject({ url: `/api/v1/events/evt_${'0'.repeat(32)}`, headers: bearer(b.secretKey) });
    expect(other.statusCode).toBe(404);
    expect(other.json().detail).toBe(missing.json().detail);
    const replay = await t.app.inject({ method: 'POST', url: `/api/v1/replay/${ids[0]}`, headers: bearer(b.secretKey) });
    expect(replay.statusCode).toBe(404);
  });

  it('queues a replay and lists/redrives dead letters', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/replay/${ids[0]}`, headers: bearer(a.secretKey) });
    expect(res.statusCode).toBe(202);
    const { replayId } = res.json();
    const job = await t.store.db.selectFrom('jobs').selectAll().where('tenant_id', '=', a.id).executeTakeFirstOrThrow();
    expect(job.payload).toEqual({ eventId: ids[0], tenantId: a.id, replayId });
    const [claimed] = await t.deps.queue.claim('ingest-events', { max: 1, visibilityMs: 1000, workerId: 'test' });
    await t.deps.queue.deadLetter(claimed!, 'boom: poison');
    const dead = await t.app.inject({ url: '/api/v1/dead-letters', headers: bearer(a.secretKey) });
    expect(dead.json().data).toEqual([expect.objectContaining({ id: claimed!.id, lastError: 'boom: poison' })]);
    expect((await t.app.inject({ url: '/api/v1/dead-letters', headers: bearer(b.secretKey) })).json().data).toEqual([]);
    const redrive = await t.app.inject({ method: 'POST', url: `/api/v1/dead-letters/${claimed!.id}/redrive`, headers: bearer(a.secretKey) });
    expect(redrive.statusCode).toBe(202);
    expect((await t.app.inject({ url: '/api/v1/dead-letters', headers: bearer(a.secretKey) })).json().data).toEqual([]);
  });

  it('reports stats', async () => {
    const res = await t.app.inject({ url: '/api/v1/stats', headers: bearer(a.secretKey) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'pageview', status: 'received', count: 7 })]));
    expect(body).toHaveProperty('webhookToMetaSeconds');
  });
});
