// Guards scale mode's evidence path: with HUB_EVIDENCE=s3 a webhook's exact bytes go to S3 (the row
// keeps only the reference), the match worker still re-parses them from there, and the operator's
// story still shows them, masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../support/app.ts';
import { startS3Emulator, type S3Emulator } from '../support/emulators.ts';
import { gatewayFixture, signedHotmart } from '../support/signed-webhooks.ts';
import { createS3EvidenceStore } from '../../src/evidence/s3-evidence-store.ts';
import { createMatchHandler, matchWorkerDeps } from '../../src/workers/match/index.ts';

const BUCKET = 'hub-evidence-e2e';

describe('webhook evidence in S3', () => {
  let s3: S3Emulator;
  let t: TestApp;
  beforeAll(async () => {
    s3 = await startS3Emulator({ buckets: [BUCKET] });
    const client = s3.client();
    t = await buildTestApp({ extendDeps: (deps) => ({ ...deps, evidence: createS3EvidenceStore({ client, bucket: BUCKET, prefix: 'hub/' }) }) });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
  });

  it('stores the body in S3, matches from it, and shows it masked', async () => {
    const tenant = await createTenantViaApi(t.app, 'S3 evidence');
    await t.app.inject({ method: 'PUT', url: '/api/v1/connections/hotmart', headers: bearer(tenant.secretKey), payload: { hottok: 'hottok-s3-evidence-1' } });
    const payload = gatewayFixture('hotmart', 'purchase-approved');
    const d = signedHotmart(tenant.id, 'hottok-s3-evidence-1', payload);
    const res = await t.app.inject({ method: 'POST', url: d.url, headers: d.headers, payload: d.body });
    expect(res.statusCode).toBe(200);
    const id = res.json().id as string;
    const row = await t.store.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.raw_body).toBeNull();
    expect(row.evidence_ref).toContain(`tenants/${tenant.id}/events/${id}`);
    const evidence = await t.deps.evidence!.get(row.evidence_ref!);
    expect(evidence!.body.toString()).toBe(d.body);

    const handler = createMatchHandler(matchWorkerDeps({ store: t.store, queue: t.deps.queue, evidence: t.deps.evidence }));
    const jobs = await t.deps.queue.claim('ingest-events', { max: 10, visibilityMs: 10_000, workerId: 'test' });
    const outcomes = await handler.handle(jobs);
    expect(outcomes.every((o) => o.kind === 'ok')).toBe(true);
    const conversions = await t.store.db.selectFrom('conversions').select(['kind', 'event_id']).where('tenant_id', '=', tenant.id).execute();
    expect(conversions).toEqual([{ kind: 'purchase', event_id: id }]);

    const story = await t.app.inject({ url: `/api/v1/events/${id}`, headers: bearer(tenant.secretKey) });
    const buyerEmail = (payload as { data: { buyer: { email: string } } }).data.buyer.email;
    expect(story.json().raw.body.data.buyer.email).toMatch(/^.\*\*\*@/);
    expect(story.body).not.toContain(buyerEmail);
  });
});
