// Guards "exactly once, as Meta sees it" under a flaky Meta: with 30 % of requests failing in mixed
// ways (5xx, throttling with Retry-After, requests that hang past the timeout), every purchase still
// arrives, and no event_id is ever counted as two distinct events. An event reaches Meta more than
// once only after a request that got no answer, which Meta deduplicates by event_id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/databases.ts';
import { listDispatchAttempts } from '../../src/store/dispatch-attempts.ts';
import type { BenchGateway } from '../../bench/match/gateway-bodies.ts';
import { sale, startPipeline, waitFor, type Pipeline } from './pipeline-harness.ts';

const PURCHASES = 30;

describe.each(STORE_KINDS)('pipeline on %s with a Meta failing 30 %% of requests', (kind) => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline(kind, { faults: { rate: 0.3, modes: ['5xx', 'throttle', 'timeout'], seed: 2026 }, requestTimeoutMs: 800 });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('delivers every purchase, each event_id once as a distinct event', async () => {
    const gateways: BenchGateway[] = ['hotmart', 'kiwify', 'stripe'];
    const { db } = p.t.store;
    const sentCount = async () =>
      (await db.selectFrom('capi_events').select('id').where('tenant_id', '=', p.tenant.id).where('event_name', '=', 'Purchase').where('status', '=', 'sent').execute()).length;
    // In waves of three, so the dispatcher makes many requests and meets many of the faults.
    for (let n = 0; n < PURCHASES; n++) {
      const gateway = gateways[n % 3]!;
      // Every other sale comes after a click; the rest arrive unmatched (still sent, on hashed PII).
      const click = n % 2 === 0 ? await p.click(`IwARfault${n}`) : null;
      await p.deliver(gateway, sale(gateway, n, click ? (gateway === 'stripe' ? click.clientReferenceId : click.sck) : null));
      if (n % 3 === 2) await waitFor(`wave ${n}`, async () => (await sentCount()) >= n - 2, 30_000);
    }
    const capiRows = await waitFor(
      'every purchase sent',
      async () => {
        const rows = await db.selectFrom('capi_events').select(['id', 'event_id', 'status']).where('tenant_id', '=', p.tenant.id).where('event_name', '=', 'Purchase').execute();
        return rows.length === PURCHASES && rows.every((r) => r.status === 'sent') && rows;
      },
      90_000,
    );

    const stats = p.sandbox.recorder.stats();
    expect(stats.faulted).toBeGreaterThan(0);
    const atMeta = p.sandbox.recorder.countByEventId();
    const sentIds = capiRows.map((r) => r.event_id).sort();
    const purchaseIdsAtMeta = [...atMeta.keys()].filter((id) => sentIds.includes(id)).sort();
    expect(purchaseIdsAtMeta).toEqual(sentIds);
    expect(new Set(sentIds).size).toBe(PURCHASES);

    for (const row of capiRows) {
      const times = atMeta.get(row.event_id)!;
      if (times === 1) continue;
      const unanswered = (await listDispatchAttempts(db, p.tenant.id, row.id)).filter((a) => a.http_status === null);
      expect({ eventId: row.event_id, resentAfterNoAnswer: unanswered.length >= times - 1 }).toEqual({ eventId: row.event_id, resentAfterNoAnswer: true });
    }
    const failedAttempts = await db.selectFrom('dispatch_attempts').select(['outcome', 'http_status']).where('tenant_id', '=', p.tenant.id).where('outcome', '!=', 'ok').execute();
    expect(failedAttempts.length).toBeGreaterThan(0);
    expect(failedAttempts.every((a) => a.outcome === 'retry')).toBe(true);
  }, 120_000);
});
