// The tenant-by-public-key cache on the tracking hot path: served from memory for its TTL, misses
// re-read sooner, one read per key however many requests wait, a failed read keeps what was known.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../store/connect.ts';
import type { TrackingTenant } from '../../../store/tracking.ts';
import { createTrackingTenantCache } from './tracking-access.ts';

const tenantA: TrackingTenant = {
  tenantId: 'ten_a',
  funnels: [{ slug: 'main', origins: ['https://lp.example.com'], checkoutHosts: [] }],
  rateLimits: { perIpPerMinute: null, tenantPerMinute: null },
};

function setup(known: Map<string, TrackingTenant>, options: { maxKeys?: number } = {}) {
  let clock = 0;
  const reads: string[] = [];
  let failNext = false;
  const cache = createTrackingTenantCache(undefined as unknown as Db, {
    ttlMs: 5_000,
    missRefreshMs: 1_000,
    now: () => clock,
    ...options,
    read: async (key) => {
      reads.push(key);
      await new Promise((r) => setTimeout(r, 5));
      if (failNext) {
        failNext = false;
        throw new Error('database unavailable');
      }
      return known.get(key);
    },
  });
  return {
    cache,
    reads,
    at: (ms: number) => (clock = ms),
    failNextRead: () => (failNext = true),
  };
}

describe('tracking tenant cache', () => {
  it('serves a found key from memory for the TTL, then reads it again', async () => {
    const { cache, reads, at } = setup(new Map([['hub_pk_a', tenantA]]));
    expect(await cache.get('hub_pk_a')).toEqual(tenantA);
    at(4_999);
    expect(await cache.get('hub_pk_a')).toEqual(tenantA);
    expect(reads).toEqual(['hub_pk_a']);
    at(5_000);
    expect(await cache.get('hub_pk_a')).toEqual(tenantA);
    expect(reads).toEqual(['hub_pk_a', 'hub_pk_a']);
  });

  it('remembers an unknown key only for the miss interval, so a tenant just created works within it', async () => {
    const known = new Map<string, TrackingTenant>();
    const { cache, reads, at } = setup(known);
    expect(await cache.get('hub_pk_new')).toBeUndefined();
    known.set('hub_pk_new', tenantA);
    at(999);
    expect(await cache.get('hub_pk_new')).toBeUndefined();
    at(1_000);
    expect(await cache.get('hub_pk_new')).toEqual(tenantA);
    expect(reads).toHaveLength(2);
  });

  it('makes one read for many requests waiting on the same key', async () => {
    const { cache, reads } = setup(new Map([['hub_pk_a', tenantA]]));
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.get('hub_pk_a')));
    expect(answers).toEqual(Array(20).fill(tenantA));
    expect(reads).toHaveLength(1);
  });

  it('refresh re-reads only an entry older than the miss interval', async () => {
    const known = new Map([['hub_pk_a', tenantA]]);
    const { cache, reads, at } = setup(known);
    await cache.get('hub_pk_a');
    at(500);
    expect(await cache.refresh('hub_pk_a')).toEqual(tenantA);
    expect(reads).toHaveLength(1);
    const withNewOrigin = { ...tenantA, funnels: [{ slug: 'main', origins: ['https://lp.example.com', 'https://new.example.com'], checkoutHosts: [] }] };
    known.set('hub_pk_a', withNewOrigin);
    at(1_000);
    expect(await cache.refresh('hub_pk_a')).toEqual(withNewOrigin);
    expect(reads).toHaveLength(2);
  });

  it('a failed read is reported and keeps the entry known before', async () => {
    const { cache, at, failNextRead } = setup(new Map([['hub_pk_a', tenantA]]));
    await cache.get('hub_pk_a');
    at(2_000);
    failNextRead();
    await expect(cache.refresh('hub_pk_a')).rejects.toThrow('database unavailable');
    // Still within its TTL: served from memory, not dropped by the failed re-read.
    expect(await cache.get('hub_pk_a')).toEqual(tenantA);
    at(6_000);
    failNextRead();
    await expect(cache.get('hub_pk_a')).rejects.toThrow('database unavailable');
    expect(await cache.get('hub_pk_a')).toEqual(tenantA);
  });

  it('stays bounded, forgetting the least recently read key', async () => {
    const known = new Map([
      ['hub_pk_a', tenantA],
      ['hub_pk_b', { ...tenantA, tenantId: 'ten_b' }],
      ['hub_pk_c', { ...tenantA, tenantId: 'ten_c' }],
    ]);
    const { cache, reads } = setup(known, { maxKeys: 2 });
    await cache.get('hub_pk_a');
    await cache.get('hub_pk_b');
    await cache.get('hub_pk_c');
    await cache.get('hub_pk_b');
    expect(reads).toEqual(['hub_pk_a', 'hub_pk_b', 'hub_pk_c']);
    await cache.get('hub_pk_a');
    expect(reads).toEqual(['hub_pk_a', 'hub_pk_b', 'hub_pk_c', 'hub_pk_a']);
  });
});
