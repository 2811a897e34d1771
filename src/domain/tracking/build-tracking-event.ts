// Turns a validated tracking request (click, pageview, initiate_checkout, lead) into the event the hub
// stores: ids created when absent, the session decided, click ids and UTMs completed from the landing
// URL, fbc derived, the time checked, the visitor's e-mail and phone hashed (never kept raw), bots flagged.
import { isHttpUrl, isStorableText } from './storable-text.ts';
import { hashIdentity } from './identity-hash.ts';
import { isKnownBot } from './bot-detection.ts';
import { resolveEventTime } from './event-time.ts';
import { resolveFbc } from './fbc.ts';
import { resolveSession, type SessionMemoryCache } from './session-rule.ts';
import { TRACKING_FLAGS, type IdentityAuthority, type TrackingEventType, type TrackingPayload, type Utm } from './tracking-payload.ts';

type Maybe<T> = T | null | undefined;

/** The request body after schema validation (unknown fields already dropped). */
export interface TrackRequest {
  eventId?: Maybe<string>;
  visitorId?: Maybe<string>;
  sessionId?: Maybe<string>;
  url?: Maybe<string>;
  referrer?: Maybe<string>;
  occurredAt?: Maybe<string>;
  fbclid?: Maybe<string>;
  gclid?: Maybe<string>;
  ttclid?: Maybe<string>;
  fbp?: Maybe<string>;
  fbc?: Maybe<string>;
  utm?: Maybe<{ [K in keyof Utm]?: Maybe<string> }>;
  checkout?: Maybe<{ url: string; value?: Maybe<string>; currency?: Maybe<string>; contentIds?: Maybe<string[]> }>;
  user?: Maybe<{ email?: Maybe<string>; phone?: Maybe<string> }>;
}

export interface TrackContext {
  type: TrackingEventType;
  /** The tenant the call authenticated as: sessions are remembered per tenant. */
  tenantId: string;
  /** Which key the call carried; the default, public_key, is the one that vouches for nothing. */
  authority?: IdentityAuthority;
  now: Date;
  userAgent: string | null;
  funnelSlug: string | null;
  sessions: SessionMemoryCache;
  newId(prefix: 'evt' | 'vis' | 'sid'): string;
}

export interface TrackedEvent {
  /** The row id (evt_…). */
  id: string;
  /** The client's eventId (idempotency of retried beacons), or null when the hub made one. */
  deliveryKey: string | null;
  occurredAt: Date;
  flags: string[];
  payload: TrackingPayload;
}

const CLICK_ID_NAMES = ['fbclid', 'gclid', 'ttclid'] as const;
const UTM_NAMES = ['source', 'medium', 'campaign', 'content', 'term'] as const;

export function buildTrackingEvent(request: TrackRequest, context: TrackContext): TrackedEvent {
  const flags: string[] = [];
  const id = context.newId('evt');
  const time = resolveEventTime(request.occurredAt, context.now);
  if (time.skewed) flags.push(TRACKING_FLAGS.clockSkew);
  if (isKnownBot(context.userAgent)) flags.push(TRACKING_FLAGS.bot);

  const query = request.url ? new URL(request.url).searchParams : undefined;
  // The body's values were validated as storable; values decoded from the URL's query string are not yet
  // (a `%00` decodes to a NUL PostgreSQL cannot store), so an unstorable one is ignored.
  const fromQuery = (name: string) => {
    const value = query?.get(name);
    return value && isStorableText(value) ? value : null;
  };
  const clickIds = Object.fromEntries(
    CLICK_ID_NAMES.map((name) => [name, request[name] || fromQuery(name)]),
  ) as Record<(typeof CLICK_ID_NAMES)[number], string | null>;
  const utm: Utm = {};
  for (const name of UTM_NAMES) {
    const value = request.utm?.[name] || fromQuery(`utm_${name}`);
    if (value) utm[name] = value;
  }

  const session = resolveSession(context.sessions, {
    tenantId: context.tenantId,
    given: request.sessionId,
    at: time.occurredAt.getTime(),
    clickIds,
    newSessionId: () => context.newId('sid'),
  });
  const fbc = resolveFbc({ fbc: request.fbc, fbclid: clickIds.fbclid, firstSeenMs: time.occurredAt.getTime() });
  const user = hashUser(request.user, flags);
  const checkout = context.type === 'initiate_checkout' && request.checkout ? request.checkout : null;
  const referrer = httpReferrer(request.referrer, flags);

  return {
    id,
    deliveryKey: request.eventId || null,
    occurredAt: time.occurredAt,
    flags,
    payload: {
      version: 1,
      eventId: request.eventId || id,
      visitorId: request.visitorId || context.newId('vis'),
      sessionId: session.sessionId,
      replacedSessionId: session.replaced,
      funnelSlug: context.funnelSlug,
      url: request.url || null,
      referrer,
      ...clickIds,
      fbc: fbc.fbc,
      fbcSource: fbc.source,
      fbp: request.fbp || null,
      utm,
      checkout: checkout && {
        url: checkout.url,
        value: checkout.value ?? null,
        currency: checkout.currency?.toUpperCase() ?? null,
        contentIds: checkout.contentIds ?? [],
      },
      user,
      clientOccurredAt: time.skewed ? (request.occurredAt ?? null) : null,
      authority: context.authority ?? 'public_key',
    },
  };
}

/**
 * Only an http(s) referrer is kept (issue 15, finding 10): a `javascript:` or `data:` value shown in a
 * view is a script waiting for a click. Any other value (an app's `android-app://`, garbage) is
 * dropped and the event flagged, never refused: a page with an odd referrer must still be tracked.
 */
function httpReferrer(referrer: string | null | undefined, flags: string[]): string | null {
  if (!referrer) return null;
  if (isStorableText(referrer) && isHttpUrl(referrer)) return referrer;
  flags.push(TRACKING_FLAGS.referrerNotHttp);
  return null;
}

/** Hashes of the normalized e-mail and phone; a value that is already a SHA-256 hex is kept as is. */
function hashUser(user: TrackRequest['user'], flags: string[]): TrackingPayload['user'] {
  const hashed: TrackingPayload['user'] = {};
  if (user?.email) {
    const hash = hashIdentity('email', user.email);
    if (hash) hashed.emailHash = hash;
    else flags.push(TRACKING_FLAGS.invalidEmail);
  }
  if (user?.phone) {
    const hash = hashIdentity('phone', user.phone);
    if (hash) hashed.phoneHash = hash;
    else flags.push(TRACKING_FLAGS.invalidPhone);
  }
  return hashed;
}
