// Reads the matcher needs (sessions, clicks, identity sightings, sessions on a network) and the
// matches it writes. Every query is scoped by tenant and served by an index that starts with it.
import { sql, type Transaction } from 'kysely';
import type { Db } from './connect.ts';
import type { Database, MatchMethod } from './database.ts';
import type {
  ClickRecord,
  IdentitySighting,
  MatchLookups,
  SessionRecord,
  TimeRange,
} from '../domain/matching/types.ts';

type Executor = Db | Transaction<Database>;

/** The matcher's lookups for one tenant, on the caller's connection or transaction. */
export function matchLookups(db: Executor, tenantId: string): MatchLookups {
  return {
    findSessions: (ids) => findSessions(db, tenantId, ids),
    findIdentitySightings: (kind, hash, range) => findIdentitySightings(db, tenantId, kind, hash, range),
    findNetworkSessions: (ip, range) => findNetworkSessions(db, tenantId, ip, range),
    findVisitorClicks: (visitorId, range) => findVisitorClicks(db, tenantId, visitorId, range),
    findSessionEmailHashes: (sessionIds) => findSessionEmailHashes(db, tenantId, sessionIds),
  };
}

const SESSION_COLUMNS = [
  'id', 'visitor_id', 'started_at', 'last_seen_at', 'click_id', 'fbc', 'fbp', 'landing_url', 'client_ip', 'user_agent', 'is_bot',
] as const;

interface SessionRow {
  id: string;
  visitor_id: string;
  started_at: Date;
  last_seen_at: Date;
  click_id: string | null;
  fbc: string | null;
  fbp: string | null;
  landing_url: string | null;
  client_ip: string | null;
  user_agent: string | null;
  is_bot: boolean;
}

function toSession(r: SessionRow): SessionRecord {
  return {
    id: r.id,
    visitorId: r.visitor_id,
    startedAt: new Date(r.started_at),
    lastSeenAt: new Date(r.last_seen_at),
    clickId: r.click_id,
    fbc: r.fbc,
    fbp: r.fbp,
    landingUrl: r.landing_url,
    clientIp: r.client_ip,
    userAgent: r.user_agent,
    isBot: r.is_bot,
  };
}

export async function findSessions(db: Executor, tenantId: string, ids: string[]): Promise<SessionRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('sessions').select(SESSION_COLUMNS).where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  return rows.map(toSession);
}

/** Sightings of one hashed e-mail/phone in the range, on sessions not flagged as bots. */
export async function findIdentitySightings(
  db: Executor,
  tenantId: string,
  kind: 'email' | 'phone',
  valueHash: string,
  range: TimeRange,
): Promise<IdentitySighting[]> {
  const rows = await db
    .selectFrom('identities as i')
    .leftJoin('sessions as s', (j) => j.onRef('s.tenant_id', '=', 'i.tenant_id').onRef('s.id', '=', 'i.session_id'))
    .select(['i.kind', 'i.visitor_id', 'i.session_id', 'i.seen_at', 'i.source', 'i.verified'])
    .where('i.tenant_id', '=', tenantId)
    .where('i.kind', '=', kind)
    .where('i.value_hash', '=', valueHash)
    .where('i.seen_at', '>=', range.from)
    .where('i.seen_at', '<=', range.to)
    .where((eb) => eb.or([eb('s.is_bot', 'is', null), eb('s.is_bot', '=', false)]))
    // Verified first: a flood of public-key claims of one e-mail must not push the seller's own out.
    .orderBy('i.verified', 'desc')
    .orderBy('i.seen_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({ kind: r.kind, visitorId: r.visitor_id, sessionId: r.session_id, seenAt: new Date(r.seen_at), source: r.source, verified: r.verified }));
}

/** The hashed e-mails seen on these sessions. */
export async function findSessionEmailHashes(
  db: Executor,
  tenantId: string,
  sessionIds: string[],
): Promise<{ sessionId: string; valueHash: string }[]> {
  if (sessionIds.length === 0) return [];
  // identities' primary key is (tenant, kind, value_hash, session); this reads by session, so it scans
  // the tenant's e-mail identities — bounded here to the few sessions a phone was seen on.
  const rows = await db
    .selectFrom('identities')
    .select(['session_id', 'value_hash'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'email')
    .where('session_id', 'in', sessionIds)
    .execute();
  return rows.map((r) => ({ sessionId: r.session_id, valueHash: r.value_hash }));
}

/** Sessions seen on one client IP in the range (sessions_network_idx). */
export async function findNetworkSessions(db: Executor, tenantId: string, clientIp: string, range: TimeRange): Promise<SessionRecord[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(SESSION_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('client_ip', '=', clientIp)
    .where('last_seen_at', '>=', range.from)
    .where('started_at', '<=', range.to)
    .orderBy('last_seen_at', 'desc')
    .limit(50)
    .execute();
  return rows.map(toSession);
}

export async function findVisitorClicks(db: Executor, tenantId: string, visitorId: string, range: TimeRange): Promise<ClickRecord[]> {
  const rows = await db
    .selectFrom('clicks')
    .select(CLICK_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('visitor_id', '=', visitorId)
    .where('occurred_at', '>=', range.from)
    .where('occurred_at', '<=', range.to)
    .orderBy('occurred_at', 'desc')
    .limit(100)
    .execute();
  return rows.map(toClick);
}

export async function findClick(db: Executor, tenantId: string, clickId: string): Promise<ClickRecord | undefined> {
  const row = await db
    .selectFrom('clicks')
    .select(CLICK_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', clickId)
    .executeTakeFirst();
  return row ? toClick(row) : undefined;
}

const CLICK_COLUMNS = ['id', 'visitor_id', 'session_id', 'occurred_at', 'fbclid', 'fbc', 'fbp', 'url', 'client_ip', 'user_agent', 'is_bot'] as const;

interface ClickRow {
  id: string;
  visitor_id: string;
  session_id: string;
  occurred_at: Date;
  fbclid: string | null;
  fbc: string | null;
  fbp: string | null;
  url: string | null;
  client_ip: string | null;
  user_agent: string | null;
  is_bot: boolean;
}

function toClick(r: ClickRow): ClickRecord {
  return {
    id: r.id,
    visitorId: r.visitor_id,
    sessionId: r.session_id,
    occurredAt: new Date(r.occurred_at),
    fbclid: r.fbclid,
    fbc: r.fbc,
    fbp: r.fbp,
    url: r.url,
    clientIp: r.client_ip,
    userAgent: r.user_agent,
    isBot: r.is_bot,
  };
}

export interface NewMatch {
  tenantId: string;
  conversionId: string;
  method: MatchMethod;
  confidence: number;
  visitorId: string | null;
  sessionId: string | null;
  clickId: string | null;
  evidence: Record<string, unknown>;
}

/** Writes a conversion's match; the first one stays (a replay of the same conversion changes nothing). */
export async function insertMatch(trx: Transaction<Database>, m: NewMatch): Promise<boolean> {
  const result = await trx
    .insertInto('matches')
    .values({
      tenant_id: m.tenantId,
      conversion_id: m.conversionId,
      method: m.method,
      confidence: m.confidence,
      visitor_id: m.visitorId,
      session_id: m.sessionId,
      click_id: m.clickId,
      evidence: JSON.stringify(m.evidence),
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'conversion_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findMatch(db: Executor, tenantId: string, conversionId: string) {
  return db
    .selectFrom('matches')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('conversion_id', '=', conversionId)
    .executeTakeFirst();
}

/**
 * Replaces a conversion's match with a stronger one (a later delivery of the same conversion carried
 * the pass-through id the first one lacked, as Stripe's checkout.session.completed does after
 * payment_intent.succeeded). Only a weaker method is ever replaced.
 */
export async function upgradeMatch(trx: Transaction<Database>, m: NewMatch, weakerThan: MatchMethod[]): Promise<boolean> {
  const result = await trx
    .updateTable('matches')
    .set({
      method: m.method,
      confidence: m.confidence,
      visitor_id: m.visitorId,
      session_id: m.sessionId,
      click_id: m.clickId,
      evidence: JSON.stringify(m.evidence),
      matched_at: new Date(),
    })
    .where('tenant_id', '=', m.tenantId)
    .where('conversion_id', '=', m.conversionId)
    .where('method', 'in', weakerThan)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives a CAPI event that has not left yet (pending or waiting) a better payload; a sent one stays as sent. */
export async function refreshUnsentCapiEventPayload(
  trx: Transaction<Database>,
  tenantId: string,
  eventId: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await trx
    .updateTable('capi_events')
    .set({ payload: JSON.stringify(payload), updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('event_id', '=', eventId)
    .where('status', 'in', ['pending', 'waiting'])
    .execute();
}

// ---- set-based forms for the match worker's batches: many lookups (of any tenants) in one query,
// each answered exactly as its single form above would (same filters, same order, same limit). ----

const iso = (d: Date) => d.toISOString();

/** Sessions by (tenant, id). */
export async function findSessionsByRefs(db: Executor, refs: Array<{ tenantId: string; id: string }>): Promise<Array<SessionRecord & { tenantId: string }>> {
  if (refs.length === 0) return [];
  const { rows } = await sql<SessionRow & { tenant_id: string }>`
    SELECT DISTINCT s.tenant_id, ${sql.join(SESSION_COLUMNS.map((c) => sql.ref(`s.${c}`)))}
    FROM unnest(${refs.map((r) => r.tenantId)}::text[], ${refs.map((r) => r.id)}::text[]) AS k(t, id)
    JOIN sessions s ON s.tenant_id = k.t AND s.id = k.id`.execute(db);
  return rows.map((r) => ({ ...toSession(r), tenantId: r.tenant_id }));
}

/** Clicks by (tenant, id). */
export async function findClicksByRefs(db: Executor, refs: Array<{ tenantId: string; id: string }>): Promise<Array<ClickRecord & { tenantId: string }>> {
  if (refs.length === 0) return [];
  const { rows } = await sql<ClickRow & { tenant_id: string }>`
    SELECT DISTINCT c.tenant_id, ${sql.join(CLICK_COLUMNS.map((col) => sql.ref(`c.${col}`)))}
    FROM unnest(${refs.map((r) => r.tenantId)}::text[], ${refs.map((r) => r.id)}::text[]) AS k(t, id)
    JOIN clicks c ON c.tenant_id = k.t AND c.id = k.id`.execute(db);
  return rows.map((r) => ({ ...toClick(r), tenantId: r.tenant_id }));
}

/** `findIdentitySightings` for many (tenant, kind, hash, range); result i answers query i. */
export async function findIdentitySightingsBatch(
  db: Executor,
  queries: Array<{ tenantId: string; kind: 'email' | 'phone'; valueHash: string; range: TimeRange }>,
): Promise<IdentitySighting[][]> {
  if (queries.length === 0) return [];
  const { rows } = await sql<{ n: string | number; kind: 'email' | 'phone'; visitor_id: string; session_id: string; seen_at: Date; source: string; verified: boolean }>`
    SELECT q.n, x.kind, x.visitor_id, x.session_id, x.seen_at, x.source, x.verified
    FROM unnest(${queries.map((q) => q.tenantId)}::text[], ${queries.map((q) => q.kind)}::text[], ${queries.map((q) => q.valueHash)}::text[],
                ${queries.map((q) => iso(q.range.from))}::timestamptz[], ${queries.map((q) => iso(q.range.to))}::timestamptz[])
      WITH ORDINALITY AS q(t, kind, value_hash, from_at, to_at, n)
    CROSS JOIN LATERAL (
      SELECT i.kind, i.visitor_id, i.session_id, i.seen_at, i.source, i.verified
      FROM identities i LEFT JOIN sessions s ON s.tenant_id = i.tenant_id AND s.id = i.session_id
      WHERE i.tenant_id = q.t AND i.kind = q.kind AND i.value_hash = q.value_hash
        AND i.seen_at >= q.from_at AND i.seen_at <= q.to_at AND (s.is_bot IS NULL OR s.is_bot = false)
      ORDER BY i.verified DESC, i.seen_at DESC LIMIT 200
    ) AS x
    ORDER BY q.n, x.verified DESC, x.seen_at DESC`.execute(db);
  const out = queries.map((): IdentitySighting[] => []);
  for (const r of rows) {
    out[Number(r.n) - 1]!.push({ kind: r.kind, visitorId: r.visitor_id, sessionId: r.session_id, seenAt: new Date(r.seen_at), source: r.source, verified: r.verified });
  }
  return out;
}

/** `findSessionEmailHashes` for many (tenant, sessions); result i answers query i. */
export async function findSessionEmailHashesBatch(
  db: Executor,
  queries: Array<{ tenantId: string; sessionIds: string[] }>,
): Promise<Array<{ sessionId: string; valueHash: string }[]>> {
  const pairs = queries.flatMap((q, n) => q.sessionIds.map((id) => ({ n: n + 1, tenantId: q.tenantId, id })));
  const out = queries.map((): { sessionId: string; valueHash: string }[] => []);
  if (pairs.length === 0) return out;
  const { rows } = await sql<{ n: string | number; session_id: string; value_hash: string }>`
    SELECT k.n, i.session_id, i.value_hash
    FROM unnest(${pairs.map((p) => p.n)}::int[], ${pairs.map((p) => p.tenantId)}::text[], ${pairs.map((p) => p.id)}::text[]) AS k(n, t, session_id)
    JOIN identities i ON i.tenant_id = k.t AND i.kind = 'email' AND i.session_id = k.session_id`.execute(db);
  for (const r of rows) out[Number(r.n) - 1]!.push({ sessionId: r.session_id, valueHash: r.value_hash });
  return out;
}

/** `findNetworkSessions` for many (tenant, ip, range); result i answers query i. */
export async function findNetworkSessionsBatch(
  db: Executor,
  queries: Array<{ tenantId: string; clientIp: string; range: TimeRange }>,
): Promise<SessionRecord[][]> {
  if (queries.length === 0) return [];
  const { rows } = await sql<SessionRow & { n: string | number }>`
    SELECT q.n, x.*
    FROM unnest(${queries.map((q) => q.tenantId)}::text[], ${queries.map((q) => q.clientIp)}::text[],
                ${queries.map((q) => iso(q.range.from))}::timestamptz[], ${queries.map((q) => iso(q.range.to))}::timestamptz[])
      WITH ORDINALITY AS q(t, client_ip, from_at, to_at, n)
    CROSS JOIN LATERAL (
      SELECT ${sql.join(SESSION_COLUMNS.map((c) => sql.ref(`s.${c}`)))} FROM sessions s
      WHERE s.tenant_id = q.t AND s.client_ip = q.client_ip AND s.last_seen_at >= q.from_at AND s.started_at <= q.to_at
      ORDER BY s.last_seen_at DESC LIMIT 50
    ) AS x
    ORDER BY q.n, x.last_seen_at DESC`.execute(db);
  const out = queries.map((): SessionRecord[] => []);
  for (const r of rows) out[Number(r.n) - 1]!.push(toSession(r));
  return out;
}

/** `findVisitorClicks` for many (tenant, visitor, range); result i answers query i. */
export async function findVisitorClicksBatch(
  db: Executor,
  queries: Array<{ tenantId: string; visitorId: string; range: TimeRange }>,
): Promise<ClickRecord[][]> {
  if (queries.length === 0) return [];
  const { rows } = await sql<ClickRow & { n: string | number }>`
    SELECT q.n, x.*
    FROM unnest(${queries.map((q) => q.tenantId)}::text[], ${queries.map((q) => q.visitorId)}::text[],
                ${queries.map((q) => iso(q.range.from))}::timestamptz[], ${queries.map((q) => iso(q.range.to))}::timestamptz[])
      WITH ORDINALITY AS q(t, visitor_id, from_at, to_at, n)
    CROSS JOIN LATERAL (
      SELECT ${sql.join(CLICK_COLUMNS.map((c) => sql.ref(`c.${c}`)))} FROM clicks c
      WHERE c.tenant_id = q.t AND c.visitor_id = q.visitor_id AND c.occurred_at >= q.from_at AND c.occurred_at <= q.to_at
      ORDER BY c.occurred_at DESC LIMIT 100
    ) AS x
    ORDER BY q.n, x.occurred_at DESC`.execute(db);
  const out = queries.map((): ClickRecord[] => []);
  for (const r of rows) out[Number(r.n) - 1]!.push(toClick(r));
  return out;
}

/** `insertMatch` for many conversions in one statement (existing matches stay). */
export async function insertMatches(trx: Transaction<Database>, matches: NewMatch[]): Promise<void> {
  if (matches.length === 0) return;
  await trx
    .insertInto('matches')
    .values(
      matches.map((m) => ({
        tenant_id: m.tenantId,
        conversion_id: m.conversionId,
        method: m.method,
        confidence: m.confidence,
        visitor_id: m.visitorId,
        session_id: m.sessionId,
        click_id: m.clickId,
        evidence: JSON.stringify(m.evidence),
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'conversion_id']).doNothing())
    .execute();
}
