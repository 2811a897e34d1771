// Turns stored rows into the operator's view of an event. Personal data is masked here, once, for
// every part of the view: raw headers and bodies, the gateway parser's reading, buyers, tracking
// parameters, match evidence (IPs, user agents), CAPI events, the event's IP (src/domain/privacy).
import type { z } from 'zod';
import type { EventRow } from '../../../store/database.ts';
import type { loadEventStory } from '../../../store/operations.ts';
import { maskHeaders, maskIp, maskPii, scrubText } from '../../../domain/privacy/index.ts';
import { getGateway } from '../../../domain/gateways/index.ts';
import type { eventStory } from './operations-schemas.ts';

type Story = NonNullable<Awaited<ReturnType<typeof loadEventStory>>>;

// The one line of the event list comes from stored text (a page's path, a gateway's event name, a
// parser's reason): scrubbed of e-mails, documents, phones and IPs like any shown value.
export function summarize(row: Pick<EventRow, 'type' | 'gateway' | 'payload' | 'error'>): string {
  const payload = (row.payload ?? {}) as Record<string, unknown>;
  if (row.type === 'webhook') {
    const what = typeof payload.eventType === 'string' ? payload.eventType : row.error ? `unprocessable: ${row.error}` : 'delivery';
    return scrubText(`${row.gateway ?? 'gateway'} ${what}`.slice(0, 200));
  }
  const url = typeof payload.url === 'string' ? safePath(payload.url) : '';
  return scrubText(`${row.type}${url ? ` ${url}` : ''}`.slice(0, 200));
}

function safePath(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return '';
  }
}

function rawBody(event: Story['event']): unknown {
  if (!event.raw_body) return null;
  const text = Buffer.from(event.raw_body).toString('utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { unparsed: `${text.length} bytes (not JSON; not shown)` };
  }
  // Outside the try: masking never throws, and a failure here must not pass for "not JSON".
  return maskPii(document);
}

function normalized(event: Story['event']): unknown {
  if (event.type !== 'webhook') return maskPii(event.payload, { under: 'payload' });
  const gateway = event.gateway ? getGateway(event.gateway) : undefined;
  if (!gateway || !event.raw_body) return null;
  const parsed = gateway.parse({
    rawBody: Buffer.from(event.raw_body),
    headers: (event.raw_headers ?? {}) as Record<string, string>,
    query: {},
    receivedAt: event.received_at,
  });
  return maskPii(parsed);
}

export function presentStory(story: Story): z.output<typeof eventStory> {
  const { event } = story;
  const attemptsByCapi = new Map<string, Story['attempts']>();
  for (const a of story.attempts) attemptsByCapi.set(a.capi_event_id, [...(attemptsByCapi.get(a.capi_event_id) ?? []), a]);
  const capi = story.capiEvents.map((c) => ({
    id: c.id,
    eventId: c.event_id,
    eventName: c.event_name,
    conversionId: c.conversion_id,
    status: c.status,
    attempts: c.attempts,
    lastError: c.last_error,
    nextAttemptAt: c.next_attempt_at?.toISOString() ?? null,
    sentAt: c.sent_at?.toISOString() ?? null,
    // Hashed identifiers are masked too: a phone number's SHA-256 is as good as the number to anyone
    // who tries the few billion Brazilian mobiles.
    payload: maskPii(c.payload, { under: 'capi_event' }),
    dispatchAttempts: (attemptsByCapi.get(c.id) ?? []).map((a) => ({
      attemptedAt: new Date(a.attempted_at).toISOString(),
      outcome: a.outcome,
      httpStatus: a.http_status,
      eventsReceived: a.events_received,
      fbtraceId: a.fbtrace_id,
      errorCode: a.error_code,
      errorSubcode: a.error_subcode,
      errorMessage: a.error_message,
      durationMs: a.duration_ms,
      nextRetryAt: a.next_retry_at?.toISOString() ?? null,
    })),
  }));
  return {
    id: event.id,
    type: event.type,
    gateway: event.gateway,
    status: event.status,
    flags: event.flags,
    error: event.error === null ? null : scrubText(event.error),
    occurredAt: new Date(event.occurred_at).toISOString(),
    receivedAt: event.received_at.toISOString(),
    clientIp: event.client_ip ? maskIp(event.client_ip) : null,
    raw: { headers: event.raw_headers ? maskHeaders(event.raw_headers) : null, body: rawBody(event) },
    normalized: normalized(event),
    conversions: story.conversions.map((c) => {
      const match = story.matches.find((m) => m.conversion_id === c.id);
      return {
        id: c.id,
        kind: c.kind,
        transactionId: c.transaction_id,
        value: c.value_text,
        currency: c.currency,
        occurredAt: new Date(c.occurred_at).toISOString(),
        status: c.status,
        flags: c.flags,
        relatedId: c.related_id,
        buyer: maskPii(c.buyer, { under: 'buyer' }),
        tracking: maskPii(c.tracking, { under: 'tracking' }),
        match: match
          ? {
              method: match.method,
              confidence: match.confidence,
              visitorId: match.visitor_id,
              sessionId: match.session_id,
              clickId: match.click_id,
              evidence: maskPii(match.evidence, { under: 'evidence' }),
            }
          : null,
      };
    }),
    capiEvents: capi,
  };
}
