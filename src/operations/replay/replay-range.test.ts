// Guards what a replay says about a mapping change: conversions an earlier mapping left unsent that
// are now past Meta's 7 days are counted as too old (the replay cannot send them), those the mapping
// still turns off are not, and the count never crosses tenants.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTenantViaApi, type TestApp } from '../../../test/support/app.ts';
import { newId } from '../../lib/ids.ts';
import { writeStoredMapping } from '../../store/mappings.ts';
import { replayRangeOperation } from './replay-range.ts';

describe('replay range', () => {
  let t: TestApp;
  let tenant: Awaited<ReturnType<typeof createTenantViaApi>>;
  let other: Awaited<ReturnType<typeof createTenantViaApi>>;

  async function skippedConversion(tenantId: string, kind: string, daysAgo: number) {
    const eventId = newId('evt');
    const at = new Date(Date.now() - daysAgo * 86_400_000);
    await t.store.db
      .insertInto('events')
      .values({ id: eventId, tenant_id: tenantId, type: 'webhook', gateway: 'hotmart', delivery_key: eventId, occurred_at: at, flags: [], payload: JSON.stringify({}), raw_body: null, raw_headers: null, evidence_ref: null, client_ip: null, user_agent: null, error: null })
      .execute();
    const conversionId = newId('cnv');
    await t.store.db
      .insertInto('conversions')
      .values({ tenant_id: tenantId, id: conversionId, event_id: eventId, gateway: 'hotmart', transaction_id: `HP${eventId}`, kind, value: '97.00', currency: 'BRL', occurred_at: at, order_id: null, product_id: null, offer_id: null, buyer: JSON.stringify({}), tracking: JSON.stringify({}), flags: [], related_id: null })
      .execute();
    await t.store.db
      .insertInto('capi_events')
      .values({ tenant_id: tenantId, id: newId('cap'), event_id: `${kind}.${eventId}`, conversion_id: conversionId, source_event_id: eventId, event_name: 'Refund', status: 'skipped', payload: JSON.stringify({}), last_error: 'not sent: the conversion mapping…' })
      .execute();
  }

  beforeAll(async () => {
    t = await buildTestApp();
    tenant = await createTenantViaApi(t.app, 'Replay');
    other = await createTenantViaApi(t.app, 'Other');
    await skippedConversion(tenant.id, 'refund', 10); // old, and the mapping will now send refunds
    await skippedConversion(tenant.id, 'refund', 1); // recent: the replay can send it
    await skippedConversion(tenant.id, 'chargeback', 10); // old, but chargebacks stay off
    await skippedConversion(other.id, 'refund', 10); // another tenant's
    await writeStoredMapping(t.store.db, tenant.id, 'meta', { refund: { event: 'Refund', value: 'paid' } });
    await writeStoredMapping(t.store.db, other.id, 'meta', { refund: { event: 'Refund', value: 'paid' } });
  });
  afterAll(() => t.close());

  it('counts the conversions a changed mapping would send but Meta no longer accepts', async () => {
    const outcome = await replayRangeOperation(t.deps, { tenantId: tenant.id, mode: 'replay' });
    expect(outcome).toMatchObject({ ok: true, value: { queued: 3, tooOld: 1 } });
  });

  it('refuses an unknown tenant and a bad time', async () => {
    expect(await replayRangeOperation(t.deps, { tenantId: 'ten_nope', mode: 'replay' })).toMatchObject({ ok: false, failure: { kind: 'not_found' } });
    expect(await replayRangeOperation(t.deps, { tenantId: tenant.id, mode: 'replay', from: 'yesterday' })).toMatchObject({
      ok: false,
      failure: { kind: 'invalid' },
    });
  });
});
