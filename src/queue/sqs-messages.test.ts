// Guards how a job is written onto and read back from an SQS message: attribute rules SQS enforces
// (no empty values, limited characters, 15-minute delays) and the trace-context hook.
import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { fromMessage, toDelaySeconds, toMessageAttributes, toVisibilitySeconds, traceparentOf } from './sqs-messages.ts';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparentOf', () => {
  it.each([
    [{ _trace: TP }, TP],
    [{ _trace: { traceparent: TP } }, TP],
    [{ _trace: 'not a traceparent' }, undefined],
    [{ eventId: 'e' }, undefined],
    [null, undefined],
    ['text', undefined],
  ])('%o → %s', (payload, expected) => {
    expect(traceparentOf(payload)).toBe(expected);
  });
});

describe('delays and visibility in whole seconds within SQS limits', () => {
  it.each([
    [0, 0], [1, 1], [999, 1], [1000, 1], [1001, 2], [-5, 0], [900_000, 900], [3_600_000, 900],
  ])('delay %d ms → %d s', (ms, s) => expect(toDelaySeconds(ms)).toBe(s));
  it.each([
    [60_000, 60], [500, 1], [100_000_000, 43_200],
  ])('visibility %d ms → %d s', (ms, s) => expect(toVisibilitySeconds(ms)).toBe(s));
});

describe('message attributes', () => {
  it('round-trips a job; omits an absent tenant (SQS rejects empty values) and cleans the error text', () => {
    const attributes = toMessageAttributes({
      jobId: 'obx_1', tenantId: null, payload: { _trace: TP }, attempts: 3, createdAt: 1_700_000_000_000, lastError: 'bad \u0000 byte',
    });
    expect(attributes.tenantId).toBeUndefined();
    expect(attributes.error?.StringValue).toBe('bad ? byte');
    const message: Message = {
      MessageId: 'm1', ReceiptHandle: 'r1', Body: JSON.stringify({ _trace: TP }), MessageAttributes: attributes,
      Attributes: { ApproximateReceiveCount: '2' },
    };
    expect(fromMessage(message)).toEqual({
      jobId: 'obx_1', tenantId: null, payload: { _trace: TP }, attempts: 3, createdAt: 1_700_000_000_000, lastError: 'bad ? byte', receiveCount: 2,
    });
  });

  it('reads a foreign message (no hub attributes, a body that is not JSON) without throwing', () => {
    const job = fromMessage({ MessageId: 'm2', Body: 'hello', Attributes: { SentTimestamp: '1700000000000' } });
    expect(job).toMatchObject({ jobId: 'm2', tenantId: null, payload: 'hello', attempts: 0, createdAt: 1_700_000_000_000, receiveCount: 1 });
  });

  it('keeps an error under SQS attribute limits', () => {
    expect(toMessageAttributes({ jobId: 'j', tenantId: 't', payload: {}, attempts: 0, createdAt: 0, lastError: 'x'.repeat(10_000) }).error?.StringValue).toHaveLength(2000);
  });
});
