// Guards the retry timing: waits grow and stay within the cap, a server-given wait is honoured,
// the same seed gives the same schedule, and retrying stops after the total budget (24 h).
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, nextRetryAt } from './retry-schedule.ts';
import { seededRandom } from './seeded-random.ts';

const FIRST = new Date('2026-11-29T12:00:00.000Z');
const at = (ms: number): Date => new Date(FIRST.getTime() + ms);

describe('nextRetryAt', () => {
  it.each([
    // attempt, rng value, expected delay: floor(rng * min(cap, base * 2^(attempt-1))), floor 500 ms
    [1, 0.5, 1_000],
    [2, 0.5, 2_000],
    [3, 0.5, 4_000],
    [3, 0.999, 7_992],
    [10, 0.5, 512_000],
    [11, 0.5, 900_000], // 2 s * 2^10 = 2048 s > cap 30 min: cap applies
    [50, 0.5, 900_000],
    [1, 0, 500], // the floor
  ])('attempt %d with rng %d waits %d ms', (attempt, rngValue, delay) => {
    expect(nextRetryAt(attempt, FIRST, () => rngValue, undefined, { now: FIRST })).toEqual(at(delay));
  });

  it('never waits less than the server asked', () => {
    expect(nextRetryAt(1, FIRST, () => 0.5, 60_000, { now: FIRST })).toEqual(at(60_000));
    // A Retry-After shorter than the backoff does not shorten it.
    expect(nextRetryAt(10, FIRST, () => 0.5, 1_000, { now: FIRST })).toEqual(at(512_000));
  });

  it('gives up once the next try would be past the total budget', () => {
    const now = at(DEFAULT_RETRY_POLICY.maxTotalMs - 10_000);
    expect(nextRetryAt(5, FIRST, () => 0.5, undefined, { now, policy: { capMs: 5_000 } })).toEqual(new Date(now.getTime() + 2_500));
    expect(nextRetryAt(20, FIRST, () => 0.5, undefined, { now })).toBeNull();
    expect(nextRetryAt(1, FIRST, () => 0.5, 60_000, { now })).toBeNull();
  });

  it('is deterministic with a seeded rng and respects base/cap bounds', () => {
    const policy = { baseMs: 100, capMs: 10_000, maxTotalMs: 60 * 60_000, minDelayMs: 0 };
    const run = (seed: number): number[] => {
      const rng = seededRandom(seed);
      return Array.from({ length: 12 }, (_, i) => {
        const next = nextRetryAt(i + 1, FIRST, rng, undefined, { now: FIRST, policy });
        return (next?.getTime() ?? Number.NaN) - FIRST.getTime();
      });
    };
    const delays = run(42);
    expect(run(42)).toEqual(delays);
    expect(run(43)).not.toEqual(delays);
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(10_000, 100 * 2 ** i));
    });
  });

  it('simulated until it gives up, a 24 h budget allows a bounded number of attempts', () => {
    const rng = seededRandom(7);
    let now = FIRST;
    let attempts = 1;
    for (;;) {
      const next = nextRetryAt(attempts, FIRST, rng, undefined, { now });
      if (next === null) break;
      expect(next.getTime()).toBeGreaterThan(now.getTime());
      now = next;
      attempts += 1;
    }
    expect(now.getTime() - FIRST.getTime()).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxTotalMs);
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(400);
  });
});

describe('seededRandom', () => {
  it('returns numbers in [0, 1), the same for the same seed', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    for (let i = 0; i < 1000; i += 1) {
      const value = a();
      expect(value).toBe(b());
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });
});
