// Sends a batch and, when Meta rejects it as invalid data, splits it in halves and sends each half,
// down to single events, so one bad event is found and failed while the others go through. Meta
// rejects the whole request when any event in it is invalid (protocols.md §1.1), so without this
// one malformed conversion would sink up to 999 good ones. Every request is returned, in order,
// with the events it carried: each becomes one attempt row per event.
import type { SendResult } from '../../domain/meta/index.ts';

export interface SentRequest<T> {
  items: readonly T[];
  attemptedAt: Date;
  result: SendResult;
}

export async function sendIsolatingRejects<T>(
  items: readonly T[],
  send: (items: readonly T[]) => Promise<SendResult>,
  now: () => Date,
): Promise<SentRequest<T>[]> {
  const requests: SentRequest<T>[] = [];
  const visit = async (part: readonly T[]): Promise<void> => {
    const attemptedAt = now();
    const result = await send(part);
    requests.push({ items: part, attemptedAt, result });
    if (result.outcome.kind !== 'invalid_data' || part.length < 2) return;
    const middle = Math.ceil(part.length / 2);
    await visit(part.slice(0, middle));
    await visit(part.slice(middle));
  };
  if (items.length > 0) await visit(items);
  return requests;
}

/** Splits `items` into chunks of at most `size` (Meta's per-request limit). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
