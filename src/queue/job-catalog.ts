// The one catalog of background jobs: each queue's payload schema, attempts and visibility timeout.
// Handlers parse payloads at the edge, because old messages outlive code.
import { z } from 'zod';
import type { QueueName } from './queue.ts';

/**
 * The W3C traceparent of the span that enqueued the job (src/queue/trace-context.ts); absent when
 * tracing is off. A malformed value reads as absent: trace context never fails a job.
 */
const trace = z.string().optional().catch(undefined);

export const jobCatalog = {
  'ingest-events': {
    payload: z.object({ eventId: z.string().min(1), tenantId: z.string().min(1), replayId: z.string().optional(), _trace: trace }),
    maxAttempts: 8,
    visibilityMs: 60_000,
    batchSize: 50,
  },
  'capi-dispatch': {
    payload: z.object({ capiEventId: z.string().min(1), tenantId: z.string().min(1), _trace: trace }),
    // Meta retries are bounded by time (24 h) in the dispatcher itself; this bounds crashes of a handler.
    maxAttempts: 1_000,
    visibilityMs: 60_000,
    batchSize: 500,
  },
} satisfies Record<QueueName, { payload: z.ZodType; maxAttempts: number; visibilityMs: number; batchSize: number }>;

export type JobPayload<Q extends QueueName> = z.infer<(typeof jobCatalog)[Q]['payload']>;
