// Guards the batch split: a rejected batch is halved until the bad events stand alone, good events
// are sent, and no event is sent after it was accepted.
import { describe, expect, it } from 'vitest';
import type { SendResult } from '../../domain/meta/index.ts';
import { chunk, sendIsolatingRejects } from './send-isolating-rejects.ts';

function fakeMeta(bad: Set<number>) {
  const accepted: number[] = [];
  const send = async (items: readonly number[]): Promise<SendResult> => {
    const rejected = items.some((i) => bad.has(i));
    if (!rejected) accepted.push(...items);
    return {
      outcome: rejected
        ? { kind: 'invalid_data', reason: 'bad', code: 100, subcode: null }
        : { kind: 'ok', eventsReceived: items.length, fbtraceId: 't' },
      httpStatus: rejected ? 400 : 200,
      errorCode: rejected ? 100 : null,
      errorSubcode: null,
      errorMessage: rejected ? 'bad' : null,
      fbtraceId: 't',
      durationMs: 1,
      eventCount: items.length,
    };
  };
  return { send, accepted };
}

const now = () => new Date();

describe('sendIsolatingRejects', () => {
  it.each([
    ['no bad event: one request', 8, [], 1],
    ['one bad event among 8: 1 + 2 + 2 + 2 requests', 8, [5], 7],
    ['two bad events among 8: 1 + 2 + 4 + 4 requests', 8, [0, 7], 11],
    ['every event bad', 4, [0, 1, 2, 3], 7],
    ['a single bad event alone', 1, [0], 1],
  ])('%s', async (_name, size, badOnes, requests) => {
    const items = Array.from({ length: size }, (_, i) => i);
    const meta = fakeMeta(new Set(badOnes));
    const sent = await sendIsolatingRejects(items, meta.send, now);
    expect(sent).toHaveLength(requests);
    expect(meta.accepted.sort((a, b) => a - b)).toEqual(items.filter((i) => !badOnes.includes(i)));
    // The last request of each event decides it; bad ones end alone in a rejected request.
    for (const b of badOnes) {
      const last = sent.filter((r) => r.items.includes(b)).at(-1)!;
      expect(last.items).toEqual([b]);
      expect(last.result.outcome.kind).toBe('invalid_data');
    }
  });

  it('sends nothing for an empty batch, and chunks by the per-request limit', async () => {
    expect(await sendIsolatingRejects([], fakeMeta(new Set()).send, now)).toEqual([]);
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});
