// Guards the dispatch state machine: which Meta answers retry, park or fail an event, and the 24 h
// bound on retries (with a server-given wait honoured as a floor).
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, type MetaOutcome } from '../../domain/meta/index.ts';
import { decideEventOutcome } from './decide-event-outcome.ts';

const now = new Date('2026-11-29T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const half = () => 0.5;

const decide = (outcome: MetaOutcome, attempt = 1, firstAttemptAt = now) =>
  decideEventOutcome({ outcome, attempt, firstAttemptAt, now, rng: half, policy: DEFAULT_RETRY_POLICY });

describe('decideEventOutcome', () => {
  it.each([
    ['accepted', { kind: 'ok', eventsReceived: 3, fbtraceId: 'AbC' }, 'sent'],
    ['5xx / timeout / network', { kind: 'retry', reason: 'Meta had a temporary problem' }, 'pending'],
    ['throttled with Retry-After', { kind: 'retry', afterMs: 60_000, reason: 'rate limited' }, 'pending'],
    ['token refused', { kind: 'invalid_token', reason: 'code 190', code: 190 }, 'waiting'],
    ['invalid parameter', { kind: 'invalid_data', reason: 'code 100', code: 100, subcode: null }, 'failed'],
  ] as const)('%s → %s', (_name, outcome, status) => {
    expect(decide(outcome as MetaOutcome).status).toBe(status);
  });

  it('backs off exponentially with jitter: attempt n waits up to base·2^(n-1)', () => {
    const waits = [1, 2, 3, 4].map((attempt) => {
      const d = decide({ kind: 'retry', reason: 'x' }, attempt);
      return d.status === 'pending' ? d.retryInMs : -1;
    });
    // rng 0.5 → half the ceiling: 1 s, 2 s, 4 s, 8 s for a 2 s base.
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('never retries sooner than Meta asked', () => {
    const d = decide({ kind: 'retry', afterMs: 120_000, reason: 'throttled' }, 1);
    expect(d).toMatchObject({ status: 'pending', retryInMs: 120_000 });
  });

  it('gives up once the next try would fall beyond 24 h from the first attempt, keeping the last reason', () => {
    expect(decide({ kind: 'retry', reason: 'HTTP 503' }, 5, hoursAgo(23)).status).toBe('pending');
    expect(decide({ kind: 'retry', reason: 'HTTP 503' }, 30, hoursAgo(23.99))).toEqual({
      status: 'failed',
      lastError: 'gave up after 24 h: HTTP 503',
    });
  });

  it('says what the operator must do about a refused token', () => {
    expect(decide({ kind: 'invalid_token', reason: 'the access token was refused', code: 190 })).toEqual({
      status: 'waiting',
      lastError: 'waiting for a working Meta token: the access token was refused',
    });
  });
});
