// The hub's own first-party ids: the visitor (_hub_vid) and the session (_hub_sid).
import { readCookie, writeCookie } from './cookies.ts';
import { newId } from './random-id.ts';

/**
 * 400 days: the longest lifetime browsers honour — RFC 6265bis caps Expires/Max-Age at 400 days and
 * Chrome clamps anything longer, so "2 years" would silently become 400 days anyway. It is rewritten
 * on every visit, so it only runs out after 400 days away. (Safari's ITP caps script-written cookies
 * at 7 days whatever we ask; the session id on checkout links is what survives that.)
 */
const VISITOR_MAX_AGE = 400 * 24 * 3600;
/** Sessions end after 30 minutes without an event; every event pushes the expiry out again. */
const SESSION_MAX_AGE = 30 * 60;
/** Ids we accept from the hub: the hub's own shape, and nothing that could break a cookie. */
const SAFE_ID = /^[\w-]{1,128}$/;

export interface Ids {
  visitorId: string;
  sessionId: string;
  /** Fingerprint of the last ad click seen in this session (see clickKey). */
  clickKey: string;
}

/** Ids for this page view: reuse the cookies' unless the URL carries a new ad click. */
export function loadIds(currentClickKey: string): Ids {
  const visitorId = readCookie('_hub_vid') || newId('vis');
  const [sessionId, lastClickKey = ''] = (readCookie('_hub_sid') || '').split('|');
  const newSession = !sessionId || (currentClickKey !== '' && currentClickKey !== lastClickKey);
  return {
    visitorId,
    sessionId: newSession ? newId('sid') : sessionId,
    clickKey: currentClickKey || lastClickKey,
  };
}

export function saveIds(ids: Ids, domain: string | undefined): void {
  writeCookie('_hub_vid', ids.visitorId, VISITOR_MAX_AGE, domain);
  writeCookie('_hub_sid', ids.sessionId + '|' + ids.clickKey, SESSION_MAX_AGE, domain);
}

/** The hub is the authority on ids: when it answers with others than we sent, use its. */
export function adoptIds(ids: Ids, answer: { visitorId?: unknown; sessionId?: unknown }): void {
  if (typeof answer.visitorId === 'string' && SAFE_ID.test(answer.visitorId)) ids.visitorId = answer.visitorId;
  if (typeof answer.sessionId === 'string' && SAFE_ID.test(answer.sessionId)) ids.sessionId = answer.sessionId;
}
