// Guards the trace-context rule of every enqueue: nothing changes while tracing is off (not even a copy
// of the payload), the active span is stamped when on, and a producer's own `_trace` is never replaced.
import { afterAll, describe, expect, it } from 'vitest';
import { initTracing, shutdownTracing, startJobSpan, withJobSpan } from '../lib/tracing.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../test/support/telemetry-receivers.ts';
import { stampTrace, traceparentOf } from './trace-context.ts';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('stampTrace', () => {
  let receiver: OtlpReceiver | undefined;
  afterAll(async () => {
    await shutdownTracing();
    await receiver?.close();
  });

  it('returns the very payload while tracing is off', async () => {
    const payload = { eventId: 'evt_1', tenantId: 'ten_1' };
    expect(stampTrace(payload)).toBe(payload);
    await withJobSpan('x', TP, {}, async () => expect(stampTrace(payload)).toBe(payload));
  });

  it('stamps the active span when on, and keeps a producer’s own _trace', async () => {
    receiver = await startOtlpReceiver();
    await initTracing({ endpoint: receiver.url, serviceName: 'test' });
    const payload = { eventId: 'evt_1', tenantId: 'ten_1' };
    expect(stampTrace(payload)).toBe(payload); // no active span
    const job = startJobSpan('ingest-events process', TP, {})!;
    await job.run(async () => {
      const stamped = stampTrace(payload) as { _trace: string };
      expect(traceparentOf(stamped)).toBe(stamped._trace);
      expect(stamped._trace.split('-')[1]).toBe(TP.split('-')[1]); // the producer's trace id
      expect(stamped._trace.split('-')[2]).toBe(job.span.spanContext().spanId); // parented on this job
      const own = { ...payload, _trace: TP };
      expect(stampTrace(own)).toBe(own);
      expect(stampTrace([1, 2])).toEqual([1, 2]);
    });
    job.span.end();
  });
});
