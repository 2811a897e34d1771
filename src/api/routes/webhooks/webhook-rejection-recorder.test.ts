// Risk: a flood of deliveries that fail authentication (forged signatures against one tenant's URL,
// random tenant ids) costs the hub a database write or lookup each, grows its memory, or keeps its
// rows forever — and so slows every other tenant's deliveries (issue 15, finding 4).
import { describe, expect, it } from 'vitest';
import type { WebhookRejectionCount } from '../../../store/webhook-rejections.ts';
import { createWebhookRejectionRecorder, type WebhookRejectionRecorderOptions } from './webhook-rejection-recorder.ts';

const BAD = 'bad_signature: X-HOTMART-HOTTOK does not match the configured hottok';
const DAY = 86_400_000;

function setup(options: Partial<WebhookRejectionRecorderOptions> = {}) {
  const writes: WebhookRejectionCount[][] = [];
  const prunes: Date[] = [];
  let time = Date.parse('2026-12-01T12:00:00Z');
  const recorder = createWebhookRejectionRecorder({
    write: async (counts) => {
      writes.push(counts);
    },
    prune: async (before) => {
      prunes.push(before);
      return 0;
    },
    retentionMs: 30 * DAY,
    now: () => time,
    flushEveryMs: 3_600_000, // the tests flush by hand
    ...options,
  });
  return {
    recorder,
    writes,
    prunes,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe('webhook rejection recorder', () => {
  it('counts 10,000 rejections in memory and writes a few rows that add up to all of them', async () => {
    const { recorder, writes, advance } = setup({ perIpPerMinute: 1_000_000 });
    for (let i = 0; i < 10_000; i++) {
      recorder.rejected({ tenantId: 'ten_a', gateway: 'hotmart', reason: BAD, sourceIp: `203.0.113.${i % 3}` });
      if (i === 5_000) advance(1_000);
    }
    expect(writes).toEqual([]); // nothing on the request path
    await recorder.flush();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toHaveLength(3);
    expect(writes[0]!.reduce((n, c) => n + c.count, 0)).toBe(10_000);
    expect(writes[0]![0]).toEqual({
      tenantId: 'ten_a',
      gateway: 'hotmart',
      reason: BAD,
      sourceIp: '203.0.113.0',
      count: 3_334,
      firstSeenAt: new Date('2026-12-01T12:00:00Z'),
      lastSeenAt: new Date('2026-12-01T12:00:01Z'),
    });
    await recorder.flush();
    expect(writes).toHaveLength(1); // nothing new: no write
  });

  it('keeps a few source addresses per key from a distributed flood, the busiest among them, and the exact total', async () => {
    const { recorder, writes } = setup({ maxSourcesPerKey: 5, perIpPerMinute: 1_000_000 });
    for (let i = 0; i < 5_000; i++) {
      recorder.rejected({ tenantId: 'ten_a', gateway: 'stripe', reason: BAD, sourceIp: `198.51.${Math.floor(i / 250)}.${i % 250}` });
      // The one address behind a quarter of the flood: more than 1/5 of it, so 5 slots keep it.
      if (i % 3 === 0) recorder.rejected({ tenantId: 'ten_a', gateway: 'stripe', reason: BAD, sourceIp: '192.0.2.1' });
    }
    await recorder.close();
    const rows = writes[0]!;
    expect(rows).toHaveLength(5);
    expect(rows.reduce((n, c) => n + c.count, 0)).toBe(5_000 + 1_667);
    expect(rows.map((r) => r.sourceIp)).toContain('192.0.2.1');
  });

  it('keeps keys apart: tenant, gateway and reason', async () => {
    const { recorder, writes } = setup();
    recorder.rejected({ tenantId: 'ten_a', gateway: 'hotmart', reason: BAD, sourceIp: '192.0.2.1' });
    recorder.rejected({ tenantId: 'ten_b', gateway: 'hotmart', reason: BAD, sourceIp: '192.0.2.1' });
    recorder.rejected({ tenantId: 'ten_a', gateway: 'kiwify', reason: BAD, sourceIp: '192.0.2.1' });
    recorder.rejected({ tenantId: null, gateway: 'hotmart', reason: 'not_connected: unknown tenant or gateway not connected', sourceIp: '192.0.2.1' });
    await recorder.flush();
    expect(writes[0]!.map((r) => [r.tenantId, r.gateway, r.reason.split(':')[0], r.count])).toEqual([
      ['ten_a', 'hotmart', 'bad_signature', 1],
      ['ten_b', 'hotmart', 'bad_signature', 1],
      ['ten_a', 'kiwify', 'bad_signature', 1],
      [null, 'hotmart', 'not_connected', 1],
    ]);
  });

  it('bounds the keys waiting for a flush', async () => {
    const { recorder, writes } = setup({ maxKeys: 100, perIpPerMinute: 1_000_000 });
    for (let i = 0; i < 1_000; i++) recorder.rejected({ tenantId: `ten_${i}`, gateway: 'hotmart', reason: BAD, sourceIp: '192.0.2.1' });
    await recorder.flush();
    expect(writes[0]).toHaveLength(100);
  });

  it('puts an address over budget after its rejections of the minute, and only that address, until the minute ends', () => {
    const { recorder, advance } = setup({ perIpPerMinute: 120 });
    const reject = (ip: string) => recorder.rejected({ tenantId: null, gateway: 'hotmart', reason: BAD, sourceIp: ip });
    for (let i = 0; i < 119; i++) reject('203.0.113.9');
    expect(recorder.overBudget('203.0.113.9')).toBe(0);
    reject('203.0.113.9');
    advance(15_000);
    expect(recorder.overBudget('203.0.113.9')).toBe(45); // seconds until the minute ends
    expect(recorder.overBudget('192.0.2.1')).toBe(0);
    advance(45_000);
    expect(recorder.overBudget('203.0.113.9')).toBe(0);
  });

  it('counts at most maxTrackedIps addresses a minute; the others share one budget', () => {
    const { recorder } = setup({ perIpPerMinute: 50, maxTrackedIps: 100 });
    for (let i = 0; i < 200; i++) recorder.rejected({ tenantId: null, gateway: 'hotmart', reason: BAD, sourceIp: `10.0.${Math.floor(i / 250)}.${i % 250}` });
    expect(recorder.overBudget('10.0.0.1')).toBe(0); // tracked, one rejection
    expect(recorder.overBudget('172.16.0.1')).toBeGreaterThan(0); // untracked: shares the 100 others' count
  });

  it('deletes rows past the retention period at most hourly, and again soon while a backlog remains', async () => {
    let deleted = 10_000;
    const prunes: Date[] = [];
    const { recorder, advance } = setup({
      pruneBatch: 10_000,
      prune: async (before) => {
        prunes.push(before);
        return deleted;
      },
    });
    expect(await recorder.prune()).toBe(10_000);
    expect(prunes).toEqual([new Date(Date.parse('2026-12-01T12:00:00Z') - 30 * DAY)]);
    deleted = 3;
    advance(60_000);
    expect(await recorder.prune()).toBe(3); // a full batch: more were due
    advance(60_000);
    expect(await recorder.prune()).toBe(0); // caught up: the next prune is an hour after the last
    expect(prunes).toHaveLength(2);
    advance(3_600_000);
    await recorder.prune();
    expect(prunes).toHaveLength(3);
    await recorder.close();
  });

  it('logs a failed write or prune and carries on', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg), info: () => undefined } as never;
    const { recorder } = setup({
      logger,
      write: async () => {
        throw new Error('database down');
      },
      prune: async () => {
        throw new Error('database down');
      },
    });
    recorder.rejected({ tenantId: 'ten_a', gateway: 'hotmart', reason: BAD, sourceIp: '192.0.2.1' });
    await expect(recorder.flush()).resolves.toBeUndefined();
    await expect(recorder.prune()).resolves.toBe(0);
    expect(warnings).toEqual(['webhook rejection counts not stored', 'webhook rejections past their retention not deleted; will retry']);
    await expect(recorder.close()).resolves.toBeUndefined();
  });
});
