// Tracking: the public-key lookup of the ingest hot path, and the sessions, clicks and identities the
// matcher links purchases to. `recordTrackingEvent` is called by the match worker for each stored
// click/pageview/initiate_checkout/lead, inside its transaction; running it again for the same event
// changes nothing, and events of one session may arrive in any order. The e-mail and phone hashes a
// tracking event carries become identities (sightings, source = the event type), verified only when
// the call carried the tenant's secret key (docs/matching.md, "Who vouches for an identity").
import { sql, type Insertable, type RawBuilder, type Transaction } from 'kysely';
import type { Db } from './connect.ts';
import type { ClicksTable, Database, EventRow, IdentitiesTable, SessionsTable } from './database.ts';
import {
  TRACKING_EVENT_TYPES,
  TRACKING_FLAGS,
  parseTrackingPayload,
  readTenantTrackingRateLimits,
  type TenantTrackingRateLimits,
  type TrackingPayload,
} from '../domain/tracking/index.ts';

export type { TrackingPayload };

export interface TrackingTenant {
  tenantId: string;
  /** Each funnel's allowed browser origins, and the checkout hosts the pixel decorates on its pages. */
  funnels: Array<{ slug: string; origins: string[]; checkoutHosts: string[] }>;
  /** The tenant's own tracking rate limits (settings.rateLimits); null: the server's default. */
  rateLimits: TenantTrackingRateLimits;
}

/** The tenant of a public key with its funnels' origins and checkout hosts, or undefined for an unknown key. */
export async function findTrackingTenant(db: Db, publicKey: string): Promise<TrackingTenant | undefined> {
  const rows = await db
    .selectFrom('tenants')
    .leftJoin('funnels', 'funnels.tenant_id', 'tenants.id')
    .select(['tenants.id as tenantId', 'tenants.settings', 'funnels.slug', 'funnels.origins', 'funnels.checkout_hosts'])
    .where((eb) =>
      eb.or([
        eb('tenants.public_key', '=', publicKey),
        eb.and([eb('tenants.previous_public_key', '=', publicKey), eb('tenants.previous_public_key_expires_at', '>', sql<Date>`now()`)]),
      ]),
    )
    .orderBy('funnels.slug')
    .execute();
  return trackingTenantOf(rows);
}

/**
 * The same for a secret key, by its SHA-256 (`api_keys.key_hash`; a key in its rotation overlap
 * counts): a server that tracks with `Authorization: Bearer hub_sk_…` needs no public key.
 */
export async function findTrackingTenantBySecretKeyHash(db: Db, keyHash: string): Promise<TrackingTenant | undefined> {
  const rows = await db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .leftJoin('funnels', 'funnels.tenant_id', 'tenants.id')
    .select(['tenants.id as tenantId', 'tenants.settings', 'funnels.slug', 'funnels.origins', 'funnels.checkout_hosts'])
    .where('api_keys.key_hash', '=', keyHash)
    .where((eb) => eb.or([eb('api_keys.revoked_at', 'is', null), eb('api_keys.revoked_at', '>', sql<Date>`now()`)]))
    .orderBy('funnels.slug')
    .execute();
  return trackingTenantOf(rows);
}

interface TrackingTenantRow {
  tenantId: string;
  settings: unknown;
  slug: string | null;
  origins: string[] | null;
  checkout_hosts: string[] | null;
}

function trackingTenantOf(rows: TrackingTenantRow[]): TrackingTenant | undefined {
  const first = rows[0];
  if (!first) return undefined;
  return {
    tenantId: first.tenantId,
    funnels: rows.flatMap((r) => (r.slug ? [{ slug: r.slug, origins: r.origins ?? [], checkoutHosts: r.checkout_hosts ?? [] }] : [])),
    rateLimits: readTenantTrackingRateLimits(first.settings),
  };
}

/** Every funnel origin of every tenant: what a CORS preflight (which carries no key) may come from. */
export async function listAllFunnelOrigins(db: Db): Promise<string[]> {
  const { rows } = await sql<{ origin: string }>`SELECT DISTINCT unnest(origins) AS origin FROM funnels`.execute(db);
  return rows.map((r) => r.origin);
}

/** The click row made from a click event: its id follows from the event's, so a rerun finds it. */
export function clickIdOfEvent(eventId: string): string {
  return `clk_${eventId.replace(/^evt_/, '')}`;
}

/**
 * Upserts the session, the click and the identities of one tracking event. A session keeps the
 * earliest event's landing data (whatever order events are processed in) and spans all its events.
 */
export async function recordTrackingEvent(trx: Transaction<Database>, event: EventRow): Promise<void> {
  await recordTrackingEvents(trx, [event]);
}

/**
 * `recordTrackingEvent` for a batch, in a few statements, with the same result as recording the
 * events one by one in this order. An upsert may not touch one row twice, and the session merge is not
 * associative (folding two events before meeting the stored row can pick a different landing URL), so
 * rows for the same key go in successive statements: the k-th event of each session in the k-th.
 */
export async function recordTrackingEvents(trx: Transaction<Database>, events: EventRow[]): Promise<void> {
  const rows = events.filter((e) => (TRACKING_EVENT_TYPES as readonly string[]).includes(e.type)).map(trackingRows);
  for (const round of roundsByKey(rows.map((r) => r.session), (s) => `${s.tenant_id}\u0000${s.id}`)) await upsertSessions(trx, round);
  const clicks = rows.flatMap((r) => (r.click ? [r.click] : []));
  if (clicks.length > 0) {
    await trx.insertInto('clicks').values(clicks).onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing()).execute();
  }
  const identities = rows.flatMap((r) => r.identities);
  const identityKey = (i: IdentityRow) => [i.tenant_id, i.kind, i.value_hash, i.session_id].join('\u0000');
  for (const round of roundsByKey(identities, identityKey)) await upsertIdentities(trx, round);
}

type SessionRow = Insertable<SessionsTable>;
type ClickRow = Insertable<ClicksTable>;
type IdentityRow = Insertable<IdentitiesTable>;

function trackingRows(event: EventRow): { session: SessionRow; click: ClickRow | null; identities: IdentityRow[] } {
  const p: TrackingPayload = parseTrackingPayload(event.payload);
  const isBot = event.flags.includes(TRACKING_FLAGS.bot);
  const clickId = event.type === 'click' ? clickIdOfEvent(event.id) : null;
  const utm = JSON.stringify(p.utm);
  const session: SessionRow = {
    tenant_id: event.tenant_id,
    id: p.sessionId,
    visitor_id: p.visitorId,
    funnel_slug: p.funnelSlug,
    started_at: event.occurred_at,
    last_seen_at: event.occurred_at,
    click_id: clickId,
    fbclid: p.fbclid,
    fbc: p.fbc,
    fbp: p.fbp,
    landing_url: p.url,
    referrer: p.referrer,
    utm,
    client_ip: event.client_ip,
    user_agent: event.user_agent,
    is_bot: isBot,
  };
  const click: ClickRow | null = clickId
    ? {
        tenant_id: event.tenant_id,
        id: clickId,
        event_id: event.id,
        visitor_id: p.visitorId,
        session_id: p.sessionId,
        occurred_at: event.occurred_at,
        fbclid: p.fbclid,
        gclid: p.gclid,
        ttclid: p.ttclid,
        fbc: p.fbc,
        fbp: p.fbp,
        url: p.url,
        utm,
        client_ip: event.client_ip,
        user_agent: event.user_agent,
        is_bot: isBot,
      }
    : null;
  // Bots never become identities: identity matching must not link a purchase to a crawler's visit.
  const verified = p.authority === 'secret_key';
  const identities = isBot
    ? []
    : ([
        ['email', p.user.emailHash],
        ['phone', p.user.phoneHash],
      ] as const)
        .filter((entry): entry is ['email' | 'phone', string] => typeof entry[1] === 'string')
        .map(([kind, hash]) => ({
          tenant_id: event.tenant_id,
          kind,
          value_hash: hash,
          visitor_id: p.visitorId,
          session_id: p.sessionId,
          event_id: event.id,
          source: event.type,
          seen_at: event.occurred_at,
          verified,
        }));
  return { session, click, identities };
}

/** Splits rows into statements in which no key repeats, keeping each key's rows in their order. */
function roundsByKey<T>(rows: T[], keyOf: (row: T) => string): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const key = keyOf(row);
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    (rounds[n] ??= []).push(row);
  }
  return rounds;
}

async function upsertSessions(trx: Transaction<Database>, rows: SessionRow[]): Promise<void> {
  await trx
    .insertInto('sessions')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'id']).doUpdateSet({
        started_at: sql`least(sessions.started_at, excluded.started_at)`,
        last_seen_at: sql`greatest(sessions.last_seen_at, excluded.last_seen_at)`,
        funnel_slug: earliestNonNull('funnel_slug'),
        click_id: earliestNonNull('click_id'),
        fbclid: earliestNonNull('fbclid'),
        fbc: earliestNonNull('fbc'),
        fbp: earliestNonNull('fbp'),
        landing_url: earliestNonNull('landing_url'),
        referrer: earliestNonNull('referrer'),
        client_ip: earliestNonNull('client_ip'),
        user_agent: earliestNonNull('user_agent'),
        utm: sql`CASE WHEN excluded.started_at < sessions.started_at
          THEN (CASE WHEN excluded.utm = '{}'::jsonb THEN sessions.utm ELSE excluded.utm END)
          ELSE (CASE WHEN sessions.utm = '{}'::jsonb THEN excluded.utm ELSE sessions.utm END) END`,
        is_bot: sql`sessions.is_bot OR excluded.is_bot`,
      }),
    )
    .execute();
}

async function upsertIdentities(trx: Transaction<Database>, rows: IdentityRow[]): Promise<void> {
  await trx
    .insertInto('identities')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'kind', 'value_hash', 'session_id']).doUpdateSet({
        event_id: sql`CASE WHEN excluded.seen_at > identities.seen_at THEN excluded.event_id ELSE identities.event_id END`,
        seen_at: sql`greatest(identities.seen_at, excluded.seen_at)`,
        // Once the tenant's server vouched for this sighting, a public-key call cannot take that back.
        verified: sql`identities.verified OR excluded.verified`,
      }),
    )
    .execute();
}

/** The value of the session's earliest event that has one (order-independent, so reruns are no-ops). */
function earliestNonNull(column: string): RawBuilder<string | null> {
  const current = sql.ref(`sessions.${column}`);
  const incoming = sql.ref(`excluded.${column}`);
  return sql`CASE WHEN excluded.started_at < sessions.started_at
    THEN coalesce(${incoming}, ${current}) ELSE coalesce(${current}, ${incoming}) END`;
}
