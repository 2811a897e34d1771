// Guards connection health in the database (migration 0004 on PGlite and PostgreSQL): `unverified` is
// a state the schema accepts and nothing else new is; saving credentials stores the check's verdict;
// a working token promotes only from the states it is told, and only while it is still the token;
// waiting events resume for an unverified connection as for a healthy one, never for an unhealthy one.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTestStore, type TestStore } from '../../test/support/databases.ts';
import { createSecretBox } from '../lib/secret-box.ts';
import { newId } from '../lib/ids.ts';
import { createDbQueue } from '../queue/db-queue.ts';
import { createTenant } from './tenants.ts';
import { getConnection, markConnectionWorking, openMetaConnection, upsertConnection } from './connections.ts';
import { resumeWaitingCapiEvents } from './capi-events.ts';
import type { ConnectionHealth } from './database.ts';

const box = createSecretBox(Buffer.alloc(32, 4));

describe.each(STORE_KINDS)('connection health on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(kind);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  const tenant = async () => (await createTenant(store.db, { name: 'Acme' })).tenant.id;
  const connectMeta = async (tenantId: string, token: string, health?: ConnectionHealth) =>
    upsertConnection(store.db, box, tenantId, {
      kind: 'meta',
      settings: { pixelId: '1234567890', testEventCode: 'TEST1', graphApiVersion: null },
      secret: { accessToken: token },
      hintOf: token,
      ...(health ? { health, healthReason: health === 'healthy' ? null : `reason for ${health}` } : {}),
    });

  it('accepts unverified and refuses any other new state (the CHECK of migration 0004)', async () => {
    const id = await tenant();
    await connectMeta(id, 'EAAB-1', 'unverified');
    expect(await getConnection(store.db, id, 'meta')).toMatchObject({ health: 'unverified', health_reason: 'reason for unverified' });
    await expect(sql`UPDATE connections SET health = 'broken' WHERE tenant_id = ${id}`.execute(store.db)).rejects.toThrow(/connections_health_check/);
  });

  it('stores the verdict given with new credentials, healthy when none is given', async () => {
    const id = await tenant();
    await connectMeta(id, 'EAAB-1', 'unhealthy');
    expect((await getConnection(store.db, id, 'meta'))!.health).toBe('unhealthy');
    await connectMeta(id, 'EAAB-2', 'unverified');
    expect(await getConnection(store.db, id, 'meta')).toMatchObject({ health: 'unverified', health_reason: 'reason for unverified' });
    await connectMeta(id, 'EAAB-3');
    expect(await getConnection(store.db, id, 'meta')).toMatchObject({ health: 'healthy', health_reason: null });
  });

  it('promotes a working token from the states named, only while it is the stored token', async () => {
    const id = await tenant();
    const stored = await connectMeta(id, 'EAAB-1', 'unhealthy');
    expect(await markConnectionWorking(store.db, id, 'meta', stored.secret_ciphertext, ['unverified'])).toBe(false);
    expect((await getConnection(store.db, id, 'meta'))!.health).toBe('unhealthy');
    const replaced = await connectMeta(id, 'EAAB-2', 'unverified');
    expect(await markConnectionWorking(store.db, id, 'meta', stored.secret_ciphertext, ['unverified', 'unhealthy'])).toBe(false);
    expect(await markConnectionWorking(store.db, id, 'meta', replaced.secret_ciphertext, ['unverified'])).toBe(true);
    expect(await getConnection(store.db, id, 'meta')).toMatchObject({ health: 'healthy', health_reason: null });
    expect(await markConnectionWorking(store.db, id, 'meta', replaced.secret_ciphertext, [])).toBe(false);
  });

  it('opens a Meta connection with its settings and token, and says what is missing', async () => {
    const id = await tenant();
    const stored = await connectMeta(id, 'EAAB-1', 'unverified');
    expect(openMetaConnection(box, stored)).toEqual({
      ok: true,
      value: { pixelId: '1234567890', graphApiVersion: null, testEventCode: 'TEST1', accessToken: 'EAAB-1', secretCiphertext: stored.secret_ciphertext, health: 'unverified' },
    });
    expect(openMetaConnection(createSecretBox(Buffer.alloc(32, 9)), stored)).toEqual({ ok: false, problem: 'undecryptable' });
    expect(openMetaConnection(box, { ...stored, settings: {} })).toEqual({ ok: false, problem: 'no_pixel' });
    const tokenless = await upsertConnection(store.db, box, id, { kind: 'meta', settings: { pixelId: '1' }, secret: {}, hintOf: '' });
    expect(openMetaConnection(box, tokenless)).toEqual({ ok: false, problem: 'no_token' });
  });

  it('resumes waiting events for an unverified connection, not for an unhealthy one', async () => {
    const queue = createDbQueue(store.db);
    const waitingEvent = async (tenantId: string) => {
      const sourceId = newId('evt');
      await store.db.insertInto('events').values({ id: sourceId, tenant_id: tenantId, type: 'webhook', gateway: 'hotmart', delivery_key: sourceId, status: 'matched', flags: [], occurred_at: new Date() }).execute();
      const id = newId('cap');
      await store.db
        .insertInto('capi_events')
        .values({ id, tenant_id: tenantId, event_id: id, conversion_id: null, source_event_id: sourceId, event_name: 'Purchase', status: 'waiting', payload: JSON.stringify({}) })
        .execute();
      return id;
    };
    const status = async (tenantId: string, id: string) =>
      (await store.db.selectFrom('capi_events').select('status').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirstOrThrow()).status;
    const unverified = await tenant();
    const unhealthy = await tenant();
    await connectMeta(unverified, 'EAAB-1', 'unverified');
    await connectMeta(unhealthy, 'EAAB-2', 'unhealthy');
    const a = await waitingEvent(unverified);
    const b = await waitingEvent(unhealthy);
    await resumeWaitingCapiEvents(store.db, queue, 1_000);
    expect(await status(unverified, a)).toBe('pending');
    expect(await status(unhealthy, b)).toBe('waiting');
  });
});
