// Guards the one-trace story of a purchase: with OTEL_EXPORTER_OTLP_ENDPOINT set, the webhook request,
// the match job, the dispatch job and the request to Meta export to an OTLP receiver as ONE trace,
// each hop the child of the one before (the context carried in the jobs' `_trace`), meta.send linked to
// its job, and no buyer data or secret in any span.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushTracing, initTracing, shutdownTracing } from '../../src/lib/tracing.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/telemetry-receivers.ts';
import { sale, SECRETS, startPipeline, waitFor, type Pipeline } from './pipeline-harness.ts';

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

describe('traces through API → match → dispatch → Meta', () => {
  let receiver: OtlpReceiver;
  let p: Pipeline;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // Before the app is built: the request hooks are registered only when tracing is on.
    expect(await initTracing({ endpoint: receiver.url, serviceName: 'hub-e2e', exportDelayMs: 50 })).toBe(true);
    p = await startPipeline('pglite');
  });
  afterAll(async () => {
    await p?.close();
    await shutdownTracing();
    await receiver?.close();
  });

  it('exports one trace with request → match job → dispatch job → meta.send', async () => {
    const purchase = sale('hotmart', 1, null);
    const eventId = await p.deliver('hotmart', purchase);
    await waitFor('the purchase at Meta', async () => {
      const row = await p.t.store.db.selectFrom('capi_events').select('status').where('source_event_id', '=', eventId).executeTakeFirst();
      return row?.status === 'sent';
    });
    await p.drained();

    const find = (what: string, pick: (s: ReceivedSpan) => boolean) =>
      waitFor(what, async () => {
        await flushTracing();
        return receiver.spans.find(pick);
      }, 10_000);
    const request = await find('the webhook request span', (s) => s.name === 'POST /api/v1/webhooks/:gateway');
    const matchJob = await find('the match job span', (s) => s.name === 'ingest-events process' && s.parentSpanId === request.spanId);
    const dispatchJob = await find('the dispatch job span', (s) => s.name === 'capi-dispatch process' && s.parentSpanId === matchJob.spanId);
    const send = await find('the meta.send span', (s) => s.name === 'meta.send' && s.traceId === request.traceId);

    // One trace, each hop the child of the one that caused it.
    expect(new Set([request, matchJob, dispatchJob, send].map((s) => s.traceId)).size).toBe(1);
    expect(request.parentSpanId).toBeUndefined();
    expect(send.parentSpanId).toBe(dispatchJob.spanId);
    expect(send.links).toContainEqual({ traceId: dispatchJob.traceId, spanId: dispatchJob.spanId });

    expect([request.kind, matchJob.kind, dispatchJob.kind, send.kind]).toEqual([SERVER, CONSUMER, CONSUMER, CLIENT]);
    expect(request.attributes).toMatchObject({ 'http.route': '/api/v1/webhooks/:gateway', 'http.response.status_code': 200, 'url.path': '/api/v1/webhooks/hotmart' });
    expect(matchJob.attributes).toMatchObject({ 'messaging.destination.name': 'ingest-events', 'hub.job.outcome': 'ok', 'hub.tenant_id': p.tenant.id });
    expect(dispatchJob.attributes).toMatchObject({ 'messaging.destination.name': 'capi-dispatch', 'hub.job.outcome': 'ok' });
    expect(send.attributes).toMatchObject({ 'hub.meta.outcome': 'ok', 'http.response.status_code': 200, 'hub.meta.events': 1 });
    expect(new Set([request, matchJob, dispatchJob, send].map((s) => s.service))).toEqual(new Set(['hub-e2e']));

    // Nothing personal or secret rides along: no e-mail, phone, token, query string.
    const exported = receiver.bodies.join('\n');
    for (const secret of [purchase.email!, purchase.email!.toLowerCase(), '99999-8888', '11999998888', SECRETS.hottok, p.tenant.secretKey, 'EAAB-e2e-good-token', `tenant=${p.tenant.id}`]) {
      expect(exported).not.toContain(secret);
    }
  }, 60_000);

  it('does not put one request’s trace on another’s job (group commit writes many requests at once)', async () => {
    const before = receiver.spans.length;
    const ids = await Promise.all([1, 2, 3].map((n) => p.deliver('kiwify', sale('kiwify', 10 + n, null))));
    await waitFor('three sent', async () => {
      const rows = await p.t.store.db.selectFrom('capi_events').select('status').where('source_event_id', 'in', ids).execute();
      return rows.length === 3 && rows.every((r) => r.status === 'sent');
    });
    await p.drained();
    const requests = await waitFor('three request spans with their match jobs', async () => {
      await flushTracing();
      const fresh = receiver.spans.slice(before);
      const reqs = fresh.filter((s) => s.name === 'POST /api/v1/webhooks/:gateway');
      const jobs = fresh.filter((s) => s.name === 'ingest-events process');
      return reqs.length === 3 && jobs.length >= 3 && reqs;
    }, 10_000);
    const jobs = receiver.spans.filter((s) => s.name === 'ingest-events process');
    for (const r of requests) {
      const children = jobs.filter((j) => j.parentSpanId === r.spanId);
      expect(children).toHaveLength(1);
      expect(children[0]!.traceId).toBe(r.traceId);
    }
    expect(new Set(requests.map((r) => r.traceId)).size).toBe(3);
  }, 60_000);
});
