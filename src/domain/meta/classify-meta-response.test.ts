// Guards the retry/park decision: a transient or throttled failure parked forever loses
// conversions, and a permanent one retried forever hides a broken token or payload. Codes per
// Graph API's error-handling guide (see classify-meta-response.ts).
import { describe, expect, it } from 'vitest';
import { classifyMetaResponse, type MetaOutcome } from './classify-meta-response.ts';
import { parseMetaError } from './parse-meta-error.ts';

const NOW = new Date('2026-11-29T12:00:00.000Z');

function metaError(code: number, extra: Record<string, unknown> = {}): unknown {
  return { error: { message: `message for ${code}`, type: 'OAuthException', code, fbtrace_id: 'AbCdEf123', ...extra } };
}

function classify(status: number, body: unknown, headers: Record<string, string> = {}): MetaOutcome {
  return classifyMetaResponse({ kind: 'response', status, body, headers }, NOW);
}

describe('classifyMetaResponse', () => {
  it('reads a success', () => {
    expect(classify(200, { events_received: 3, messages: [], fbtrace_id: 'Atrace' })).toEqual({
      kind: 'ok',
      eventsReceived: 3,
      fbtraceId: 'Atrace',
    });
  });

  it('takes the trace id from x-fb-trace-id when the body has none', () => {
    expect(classify(200, { events_received: 1 }, { 'X-FB-Trace-ID': 'Hdr' })).toMatchObject({ kind: 'ok', fbtraceId: 'Hdr' });
  });

  it.each<[string, number, unknown, Record<string, string>, Partial<MetaOutcome>]>([
    // throttling: Graph codes 4 (app), 17 (user), 32 (page), 341, 613, business-use-case 80000-80014
    ['code 4', 400, metaError(4), {}, { kind: 'retry', code: 4 }],
    ['code 17', 400, metaError(17), {}, { kind: 'retry', code: 17 }],
    ['code 32', 400, metaError(32), {}, { kind: 'retry', code: 32 }],
    ['code 341', 400, metaError(341), {}, { kind: 'retry', code: 341 }],
    ['code 613', 400, metaError(613, { error_subcode: 1487742 }), {}, { kind: 'retry', code: 613 }],
    ['code 80004', 400, metaError(80004), {}, { kind: 'retry', code: 80004 }],
    ['code 4 with Retry-After seconds', 400, metaError(4), { 'retry-after': '30' }, { kind: 'retry', code: 4, afterMs: 30_000 }],
    [
      'code 17 with Retry-After date',
      400,
      metaError(17),
      { 'Retry-After': 'Sun, 29 Nov 2026 12:02:00 GMT' },
      { kind: 'retry', code: 17, afterMs: 120_000 },
    ],
    [
      'code 80004 with business-use-case wait (minutes)',
      400,
      metaError(80004),
      { 'x-business-use-case-usage': JSON.stringify({ '123': [{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: 5 }] }) },
      { kind: 'retry', code: 80004, afterMs: 300_000 },
    ],
    ['HTTP 429 without a body', 429, null, { 'retry-after': '2' }, { kind: 'retry', afterMs: 2_000 }],
    // transient
    ['code 1 unknown', 500, metaError(1), {}, { kind: 'retry', code: 1 }],
    ['code 2 service', 500, metaError(2, { is_transient: true }), {}, { kind: 'retry', code: 2 }],
    ['code 368 temporarily blocked', 400, metaError(368), {}, { kind: 'retry', code: 368 }],
    ['an is_transient error of another code', 400, metaError(9999, { is_transient: true }), {}, { kind: 'retry', code: 9999 }],
    ['HTTP 503 with HTML', 503, null, { 'retry-after': '1' }, { kind: 'retry', afterMs: 1_000 }],
    ['HTTP 502', 502, null, {}, { kind: 'retry' }],
    ['HTTP 408', 408, null, {}, { kind: 'retry' }],
    ['2xx without events_received', 200, { hello: 'proxy' }, {}, { kind: 'retry' }],
    // token / access
    ['code 190 invalid token', 400, metaError(190, { error_subcode: 463 }), {}, { kind: 'invalid_token', code: 190 }],
    ['code 102 session', 400, metaError(102), {}, { kind: 'invalid_token', code: 102 }],
    ['code 104 no token', 400, metaError(104), {}, { kind: 'invalid_token', code: 104 }],
    ['code 10 permission', 403, metaError(10), {}, { kind: 'invalid_token', code: 10 }],
    ['code 200 permission', 403, metaError(200), {}, { kind: 'invalid_token', code: 200 }],
    ['code 100/33 pixel not visible to token', 400, metaError(100, { error_subcode: 33 }), {}, { kind: 'invalid_token', code: 100 }],
    ['HTTP 401 without a body', 401, null, {}, { kind: 'invalid_token', code: 401 }],
    // data
    ['code 100/2804003 too old', 400, metaError(100, { error_subcode: 2804003 }), {}, { kind: 'invalid_data', code: 100, subcode: 2804003 }],
    ['code 100/2804050 too little info', 400, metaError(100, { error_subcode: 2804050 }), {}, { kind: 'invalid_data', code: 100, subcode: 2804050 }],
    ['code 100 without subcode', 400, metaError(100), {}, { kind: 'invalid_data', code: 100, subcode: null }],
    ['HTTP 400 without a body', 400, null, {}, { kind: 'invalid_data', code: 400, subcode: null }],
  ])('%s', (_label, status, body, headers, expected) => {
    const outcome = classify(status, body, headers);
    expect(outcome).toMatchObject(expected);
    if (!('afterMs' in expected) && outcome.kind === 'retry') expect(outcome.afterMs).toBeUndefined();
  });

  it('puts Meta’s own words and the trace id in the reason', () => {
    const outcome = classify(
      400,
      metaError(100, { error_subcode: 2804003, error_user_title: 'Event Timestamp Too Old', error_user_msg: 'event 3 is too old' }),
    );
    expect(outcome.kind === 'invalid_data' && outcome.reason).toMatch(/code 100\/2804003: Event Timestamp Too Old — event 3 is too old \(fbtrace_id AbCdEf123\)/);
  });

  it('retries timeouts and network errors', () => {
    expect(classifyMetaResponse({ kind: 'timeout', timeoutMs: 1500 })).toEqual({ kind: 'retry', reason: 'Meta did not answer within 1500 ms' });
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(classifyMetaResponse({ kind: 'network_error', error: refused })).toEqual({
      kind: 'retry',
      reason: 'could not reach Meta: fetch failed: ECONNREFUSED',
    });
  });

  it('ignores unreadable Retry-After values', () => {
    expect(classify(503, null, { 'retry-after': 'soon' })).toEqual({ kind: 'retry', reason: expect.any(String) });
  });
});

describe('parseMetaError', () => {
  it('extracts every documented field', () => {
    expect(
      parseMetaError({
        error: {
          message: 'Invalid parameter',
          type: 'OAuthException',
          code: 100,
          error_subcode: '2804003',
          error_user_title: 'Event Timestamp Too Old',
          error_user_msg: 'The timestamp for this event is too far in the past.',
          fbtrace_id: 'EJplcsCHuLu',
          is_transient: false,
        },
      }),
    ).toEqual({
      message: 'Invalid parameter',
      type: 'OAuthException',
      code: 100,
      subcode: 2804003,
      userTitle: 'Event Timestamp Too Old',
      userMessage: 'The timestamp for this event is too far in the past.',
      fbtraceId: 'EJplcsCHuLu',
      isTransient: false,
    });
  });

  it.each([[null], ['text'], [{}], [{ error: 'x' }], [[1]]])('%j has no error', (body) => {
    expect(parseMetaError(body)).toBeNull();
  });
});
