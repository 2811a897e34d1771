// Checks a POST /{pixel_id}/events body the way Meta documents it, and answers the first problem
// in Meta's error format. As Meta does, one invalid event rejects the whole batch ("If any event
// you send within a batch is invalid, we reject the entire batch", protocols.md §1.1).
// Sources: server-event and customer-information parameter pages, best-practices "baseline
// requirements for matching" (see src/domain/meta). The sandbox is deliberately stricter than
// Meta in two places, to catch hub bugs rather than to imitate leniency:
//   - hashed keys must be SHA-256 hex (Meta also takes unhashed external_id; the hub always
//     hashes it);
//   - custom_data.value must be a JSON number (Meta may coerce numeric strings).
import { HASHED_USER_DATA_KEYS, MAX_EVENTS_PER_REQUEST, hasEnoughCustomerInformation, isActionSource } from '../../domain/meta/index.ts';
import { invalidParameter, type SandboxError } from './meta-error-body.ts';

export interface ValidEvent {
  eventName: string;
  eventId: string | null;
  event: Record<string, unknown>;
}

export type BatchCheck = { ok: true; events: ValidEvent[]; testEventCode: string | null } | { ok: false; error: SandboxError };

export interface BatchLimits {
  nowMs: number;
  maxAgeSeconds: number;
  maxFutureSeconds: number;
}

// Meta's parameter builder appends ".<8-char appendix>" to hashes it produces (protocols.md §1.4).
const HASHED_VALUE = /^[0-9a-f]{64}(?:\.[A-Za-z0-9_-]{8})?$/;
// Unix seconds for any date before 5138; a millisecond timestamp is far above it.
const MAX_PLAUSIBLE_SECONDS = 99_999_999_999;

export function validateEventBatch(body: unknown, limits: BatchLimits): BatchCheck {
  if (!isRecord(body)) return fail(invalidParameter('The request body must be a JSON object with a "data" array.'));
  const data = body.data;
  if (!Array.isArray(data) || data.length === 0) {
    return fail(invalidParameter('The parameter data is required and must be a non-empty array of events.'));
  }
  if (data.length > MAX_EVENTS_PER_REQUEST) {
    return fail(invalidParameter(`You can send up to ${MAX_EVENTS_PER_REQUEST} events in data; this request had ${data.length}.`));
  }
  const testEventCode = typeof body.test_event_code === 'string' && body.test_event_code ? body.test_event_code : null;

  const events: ValidEvent[] = [];
  for (const [index, event] of data.entries()) {
    const problem = checkEvent(event, limits);
    if (problem) return fail({ ...problem, userMessage: `event[${index}]: ${problem.userMessage ?? problem.message}` });
    const valid = event as Record<string, unknown>;
    events.push({
      eventName: valid.event_name as string,
      eventId: typeof valid.event_id === 'string' ? valid.event_id : null,
      event: valid,
    });
  }
  return { ok: true, events, testEventCode };
}

function checkEvent(event: unknown, limits: BatchLimits): SandboxError | null {
  if (!isRecord(event)) return invalidParameter('each event must be a JSON object');
  if (typeof event.event_name !== 'string' || event.event_name.trim() === '') return invalidParameter('event_name is required');
  const eventTime = event.event_time;
  if (typeof eventTime !== 'number' || !Number.isInteger(eventTime) || eventTime <= 0 || eventTime > MAX_PLAUSIBLE_SECONDS) {
    return invalidParameter('event_time is required and must be a Unix timestamp in seconds');
  }
  const nowSeconds = Math.floor(limits.nowMs / 1000);
  if (nowSeconds - eventTime > limits.maxAgeSeconds) {
    return invalidParameter(
      'The timestamp for this event is too far in the past. Events need to be sent within 7 days of when they occurred.',
      2804003,
      'Event Timestamp Too Old',
    );
  }
  if (eventTime - nowSeconds > limits.maxFutureSeconds) {
    // Meta's exact tolerance and subcode for future times are not documented; no subcode here.
    return invalidParameter('The timestamp for this event is in the future.', undefined, 'Event Timestamp In The Future');
  }
  if (event.event_id !== undefined && typeof event.event_id !== 'string') return invalidParameter('event_id must be a string');
  if (!isActionSource(event.action_source)) return invalidParameter('action_source is required and must be one of Meta’s values');

  const userData = event.user_data;
  if (!isRecord(userData) || Object.keys(userData).length === 0) {
    return invalidParameter('user_data is required and must contain at least one customer information parameter');
  }
  for (const key of HASHED_USER_DATA_KEYS) {
    if (!(key in userData)) continue;
    const values = Array.isArray(userData[key]) ? (userData[key] as unknown[]) : [userData[key]];
    if (values.length === 0 || !values.every((value) => typeof value === 'string' && HASHED_VALUE.test(value))) {
      return invalidParameter(`user_data.${key} must be SHA-256 hashed (64 lowercase hex characters)`, undefined, 'Unhashed Customer Information');
    }
  }
  if (!hasEnoughCustomerInformation(userData)) {
    return invalidParameter(
      'The customer information parameters in this event are too broad to be used for matching.',
      2804050,
      'Insufficient Customer Information',
    );
  }
  if (event.action_source === 'website') {
    if (typeof userData.client_user_agent !== 'string' || userData.client_user_agent === '') {
      return invalidParameter('client_user_agent is required for website events');
    }
    if (typeof event.event_source_url !== 'string' || event.event_source_url === '') {
      return invalidParameter('event_source_url is required for website events');
    }
  }
  const customData = event.custom_data;
  if (customData !== undefined) {
    if (!isRecord(customData)) return invalidParameter('custom_data must be an object');
    if (customData.value !== undefined && (typeof customData.value !== 'number' || !Number.isFinite(customData.value))) {
      return invalidParameter('custom_data.value must be a number');
    }
  }
  return null;
}

function fail(error: SandboxError): { ok: false; error: SandboxError } {
  return { ok: false, error };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
