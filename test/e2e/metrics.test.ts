// Guards the operator's numbers: after real work through the pipeline (a click, signed purchases, a
// rejected signature, a refused Meta token), GET /metrics on the metrics listener (HUB_METRICS_PORT)
// shows ingest per endpoint, matches per method, Meta requests per outcome and error code, queue depth
// and age, and the retry backlog. And (issue 15, finding 3): the public API port does not serve it
// (it shows every tenant's counts), and a scrape runs no database query, however often it comes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { sale, startPipeline, waitFor, type Pipeline } from './pipeline-harness.ts';
import { signedHotmart } from '../support/signed-webhooks.ts';
import { startMetricsListener, type MetricsListener } from '../../src/cli/metrics-listener.ts';
import { startSharedGaugeRefresh, type SharedGaugeRefresh } from '../../src/cli/shared-gauges.ts';

/** The value of one sample line of the Prometheus text format, by metric name and exact labels. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const inside = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}')).split(',').filter(Boolean);
    if (wanted.length === inside.length && wanted.every((w) => inside.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics after real work', () => {
  let p: Pipeline;
  let listener: MetricsListener;
  let gauges: SharedGaugeRefresh;
  /** Reads of shared state (queue depth per queue): made by the background refresh only. */
  let depthReads = 0;
  beforeAll(async () => {
    p = await startPipeline('pglite');
    // As src/cli/serve.ts wires them in every process with HUB_METRICS_PORT.
    const queue = p.t.deps.queue;
    const counted = { ...queue, depth: (q: Parameters<typeof queue.depth>[0]) => (depthReads++, queue.depth(q)) };
    gauges = startSharedGaugeRefresh({ store: p.t.store, queue: counted, metrics: p.t.deps.metrics }, { everyMs: 3_600_000 });
    // renderEveryMs 0: every scrape renders, so each assertion sees the work just done.
    listener = await startMetricsListener(p.t.deps.metrics, { port: 0, host: '127.0.0.1', renderEveryMs: 0 });
  });
  afterAll(async () => {
    await listener?.close();
    await gauges?.stop();
    await p?.close();
  });

  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${listener.port}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };

  it('is not served on the API port', async () => {
    const res = await p.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('hub_');
  });

  it('runs no database query per scrape: shared gauges are refreshed in the background', async () => {
    await gauges.refresh();
    const before = depthReads;
    const texts = await Promise.all(Array.from({ length: 50 }, () => scrape()));
    expect(depthReads).toBe(before);
    expect(texts.every((text) => sample(text, 'hub_queue_depth', { queue: 'ingest-events', state: 'ready' }) !== undefined)).toBe(true);
    await gauges.refresh();
    expect(depthReads).toBe(before + 2); // one read per queue per refresh
  });
  const purchases = () =>
    p.t.store.db.selectFrom('capi_events').select(['id', 'status']).where('tenant_id', '=', p.tenant.id).where('event_name', '=', 'Purchase').execute();

  it('counts ingest, matches by method, Meta outcomes by code, queues and the retry backlog', async () => {
    const click = await p.click('IwARmetricsClick1');
    await p.deliver('hotmart', sale('hotmart', 1, click.sck));
    await p.deliver('kiwify', sale('kiwify', 2, null));
    const forged = signedHotmart(p.tenant.id, 'not-the-hottok', { id: 'x' });
    expect((await p.app.inject({ method: 'POST', url: forged.url, headers: forged.headers, payload: forged.body })).statusCode).toBe(401);
    await waitFor('both sent', async () => {
      const rows = await purchases();
      return rows.length === 2 && rows.every((r) => r.status === 'sent');
    });

    // Meta refuses the next token: the purchase waits for an operator.
    await p.connectMeta('invalid-expired-token');
    await p.deliver('stripe', sale('stripe', 3, null));
    await waitFor('one waiting', async () => (await purchases()).some((r) => r.status === 'waiting'));
    await p.drained();
    // And one sent purchase is made to look like a failed attempt whose retry is due in an hour.
    const [sent] = (await purchases()).filter((r) => r.status === 'sent');
    await sql`UPDATE capi_events SET status = 'pending', next_attempt_at = now() + interval '1 hour' WHERE id = ${sent!.id}`.execute(p.t.store.db);

    await gauges.refresh(); // what the background timer does every 15 s
    const text = await scrape();
    // Ingest rate and latency per endpoint.
    expect(sample(text, 'hub_ingested_events_total', { type: 'webhook', outcome: 'accepted' })).toBe(3);
    expect(sample(text, 'hub_ingested_events_total', { type: 'click', outcome: 'accepted' })).toBe(1);
    expect(sample(text, 'hub_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/webhooks/:gateway', status: '200' })).toBe(3);
    expect(sample(text, 'hub_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/track/click', status: '202' })).toBe(1);
    expect(sample(text, 'hub_webhook_rejections_total', { gateway: 'hotmart', reason: 'bad_signature' })).toBe(1);
    // Match rate per method.
    expect(sample(text, 'hub_matches_total', { method: 'passthrough' })).toBe(1);
    expect(sample(text, 'hub_matches_total', { method: 'unmatched' })).toBe(2);
    // Dispatch outcomes per Meta error code.
    expect(sample(text, 'hub_dispatch_attempts_total', { outcome: 'ok', code: '' })).toBeGreaterThanOrEqual(1);
    // The refused token was caught when it was saved (docs/meta-connection.md): the purchase waits
    // without spending an attempt on it.
    expect(sample(text, 'hub_dispatch_attempts_total', { outcome: 'invalid_token', code: '190' })).toBeUndefined();
    // Jobs, queue depth and age per queue.
    expect(sample(text, 'hub_jobs_total', { queue: 'ingest-events', outcome: 'ok' })).toBe(4);
    expect(sample(text, 'hub_jobs_total', { queue: 'capi-dispatch', outcome: 'ok' })).toBeGreaterThanOrEqual(3);
    for (const queue of ['ingest-events', 'capi-dispatch']) {
      expect(sample(text, 'hub_queue_depth', { queue, state: 'ready' })).toBe(0);
      expect(sample(text, 'hub_queue_depth', { queue, state: 'dead' })).toBe(0);
      expect(sample(text, 'hub_queue_oldest_age_seconds', { queue })).toBe(0);
    }
    // Retry backlog: one retry scheduled in the future, one event waiting for its connection.
    expect(sample(text, 'hub_dispatch_retry_backlog', { status: 'retrying' })).toBe(1);
    expect(sample(text, 'hub_dispatch_retry_backlog', { status: 'waiting' })).toBe(1);
  }, 60_000);
});
