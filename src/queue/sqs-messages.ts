// How a hub job rides on an SQS message. The body is the job's payload as JSON; message attributes carry
// what the queue itself needs without parsing the body: the hub's job id (stable across retries, the
// dead-letter queue and redrive), the tenant, the attempts already made, the last error, the trace context.
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { traceparentOf } from './trace-context.ts';

export { traceparentOf };

export interface JobEnvelope {
  /** The hub's id of the job (the outbox row's id), not SQS's MessageId, which changes on every re-send. */
  jobId: string;
  tenantId: string | null;
  payload: unknown;
  /** Attempts made before this message was sent: a retry re-sends the job with its count plus one. */
  attempts: number;
  /** When the job was first enqueued (ms since the epoch). */
  createdAt: number;
  lastError?: string;
  /** Earliest run time (ms) when the wanted delay is longer than SQS's 15-minute DelaySeconds limit. */
  notBefore?: number;
}

/** SQS's limit on DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;
/** SQS's limit on a visibility timeout (12 h). */
export const MAX_VISIBILITY_SECONDS = 43_200;

const ERROR_MAX_CHARS = 2000;

export function toMessageAttributes(job: JobEnvelope): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    jobId: text(job.jobId),
    attempts: { DataType: 'Number', StringValue: String(job.attempts) },
    createdAt: { DataType: 'Number', StringValue: String(job.createdAt) },
  };
  // SQS rejects empty attribute values, so an absent tenant is an absent attribute.
  if (job.tenantId) attributes.tenantId = text(job.tenantId);
  const traceparent = traceparentOf(job.payload);
  if (traceparent) attributes.traceparent = text(traceparent);
  if (job.lastError) attributes.error = text(sanitize(job.lastError));
  if (job.notBefore) attributes.notBefore = { DataType: 'Number', StringValue: String(job.notBefore) };
  return attributes;
}

/** Reads a received message back into a job; `receiveCount` is SQS's count of receives of this very message. */
export function fromMessage(message: Message): JobEnvelope & { receiveCount: number } {
  const attrs = message.MessageAttributes ?? {};
  const str = (name: string) => attrs[name]?.StringValue;
  const num = (name: string) => {
    const n = Number(str(name));
    return Number.isFinite(n) ? n : undefined;
  };
  const sent = Number(message.Attributes?.SentTimestamp);
  const envelope: JobEnvelope & { receiveCount: number } = {
    // A message that did not come through the hub (sent by hand, say) still gets a usable id.
    jobId: str('jobId') ?? message.MessageId ?? 'unknown',
    tenantId: str('tenantId') ?? null,
    payload: parseBody(message.Body),
    attempts: num('attempts') ?? 0,
    createdAt: num('createdAt') ?? (Number.isFinite(sent) ? sent : Date.now()),
    receiveCount: Math.max(1, Number(message.Attributes?.ApproximateReceiveCount) || 1),
  };
  const error = str('error');
  if (error) envelope.lastError = error;
  const notBefore = num('notBefore');
  if (notBefore) envelope.notBefore = notBefore;
  return envelope;
}

export function toDelaySeconds(delayMs: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)));
}

export function toVisibilitySeconds(ms: number): number {
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(ms / 1000)));
}

function parseBody(body: string | undefined): unknown {
  if (body === undefined) return null;
  try {
    return JSON.parse(body);
  } catch {
    // Old or foreign messages outlive code: hand the raw text on, the handler's schema rejects it.
    return body;
  }
}

function text(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

/** SQS attribute values allow only some Unicode (no control characters but tab and newlines). */
function sanitize(error: string): string {
  return error.slice(0, ERROR_MAX_CHARS).replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '?') || '?';
}
