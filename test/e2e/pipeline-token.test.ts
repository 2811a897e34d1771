// Guards the operator's path out of a broken Meta token: events wait instead of burning retries, the
// connection is flagged with Meta's reason, later events wait without a request, and once a working
// token is saved through the API every waiting event is sent — each once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/databases.ts';
import { bearer } from '../support/app.ts';
import { getConnection } from '../../src/store/connections.ts';
import { sale, startPipeline, waitFor, type Pipeline } from './pipeline-harness.ts';

describe.each(STORE_KINDS)('pipeline on %s with an invalid Meta token', (kind) => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline(kind, { metaToken: 'invalid-expired-token' });
  });
  afterAll(async () => {
    await p?.close();
  });

  const purchases = async (tenantId: string) =>
    p.t.store.db.selectFrom('capi_events').select(['id', 'event_id', 'status', 'last_error']).where('tenant_id', '=', tenantId).where('event_name', '=', 'Purchase').execute();

  it('waits, flags the connection, and resumes after the token is fixed', async () => {
    const { db } = p.t.store;
    const click = await p.click('IwARtokenClick1');
    await p.deliver('hotmart', sale('hotmart', 1, click.sck));
    await p.deliver('kiwify', sale('kiwify', 2, null));
    await waitFor('both waiting', async () => {
      const rows = await purchases(p.tenant.id);
      return rows.length === 2 && rows.every((r) => r.status === 'waiting');
    });
    const connection = await getConnection(db, p.tenant.id, 'meta');
    expect(connection).toMatchObject({ health: 'unhealthy' });
    expect(connection!.health_reason).toMatch(/access token was refused.*code 190/);
    expect(p.sandbox.recorder.stats().accepted).toBe(0);

    // A later purchase waits without asking Meta, and no job keeps spinning.
    const requests = p.sandbox.recorder.stats().requests;
    await p.deliver('stripe', sale('stripe', 3, null));
    await waitFor('three waiting', async () => {
      const rows = await purchases(p.tenant.id);
      return rows.length === 3 && rows.every((r) => r.status === 'waiting');
    });
    await p.drained();
    expect(p.sandbox.recorder.stats().requests).toBe(requests);
    const stuck = await purchases(p.tenant.id);
    expect(stuck.find((r) => r.last_error?.includes('unhealthy'))).toBeDefined();

    // The operator saves a working token through the API.
    const put = await p.app.inject({
      method: 'PUT',
      url: '/api/v1/connections/meta',
      headers: bearer(p.tenant.secretKey),
      payload: { pixelId: '1234567890', accessToken: 'EAAB-fixed-token', testEventCode: 'TEST42' },
    });
    expect(put.statusCode).toBe(200);
    const sent = await waitFor('all sent', async () => {
      const rows = await purchases(p.tenant.id);
      return rows.every((r) => r.status === 'sent') && rows;
    });
    expect((await getConnection(db, p.tenant.id, 'meta'))!.health).toBe('healthy');
    const atMeta = p.sandbox.recorder.countByEventId();
    for (const row of sent) expect(atMeta.get(row.event_id)).toBe(1);
  }, 60_000);
});
