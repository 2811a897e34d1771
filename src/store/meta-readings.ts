// What Meta's Graph API said about a tenant's connection, kept so it is asked rarely (migration
// 0008): the token's expiry (debug_token) and the dataset's quality (dataset_quality). A reading
// belongs to the credential it was made with; a new token or pixel makes it stale.
// Also the hub's own identifier coverage of what it sent, shown beside Meta's quality.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './connect.ts';
import type { MetaReadingsTable } from './database.ts';

export type MetaReadingKind = MetaReadingsTable['kind'];

export interface MetaReading {
  credential: string;
  fetchedAt: Date;
  value: Record<string, unknown>;
}

/** Names the credential a reading was made with, without keeping anything that opens it. */
export function credentialDigest(secretCiphertext: string, pixelId: string): string {
  return createHash('sha256').update(`${pixelId}\u0000${secretCiphertext}`).digest('hex').slice(0, 32);
}

export async function getMetaReading(db: Db, tenantId: string, kind: MetaReadingKind): Promise<MetaReading | undefined> {
  const row = await db
    .selectFrom('meta_readings')
    .select(['credential', 'fetched_at', 'value'])
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) return undefined;
  const value = (typeof row.value === 'string' ? JSON.parse(row.value) : row.value) as Record<string, unknown>;
  return { credential: row.credential, fetchedAt: new Date(row.fetched_at), value };
}

export async function putMetaReading(db: Db, tenantId: string, kind: MetaReadingKind, reading: MetaReading): Promise<void> {
  const values = { tenant_id: tenantId, kind, credential: reading.credential, fetched_at: reading.fetchedAt, value: JSON.stringify(reading.value) };
  await db
    .insertInto('meta_readings')
    .values(values)
    .onConflict((oc) => oc.columns(['tenant_id', 'kind']).doUpdateSet({ credential: values.credential, fetched_at: values.fetched_at, value: values.value }))
    .execute();
}

/** The user_data keys counted, as Meta names them in a server event. */
export const HUB_COVERAGE_KEYS = ['em', 'ph', 'external_id', 'fbc', 'fbp', 'client_ip_address', 'client_user_agent'] as const;
export type HubCoverageKey = (typeof HUB_COVERAGE_KEYS)[number];

export interface SentCoverageRow {
  eventName: string;
  sent: number;
  /** Events carrying each key. */
  withKey: Record<HubCoverageKey, number>;
}

/**
 * Per event name, the events Meta accepted since `since` and how many carried each identifier. CAPI
 * event ids are `cap_` + a UUIDv7 whose first 48 bits are the creation time in milliseconds, so the
 * primary key's range from `since` finds them without reading the tenant's whole history.
 */
export async function loadSentIdentifierCoverage(db: Db, tenantId: string, since: Date): Promise<SentCoverageRow[]> {
  const idFloor = `cap_${since.getTime().toString(16).padStart(12, '0')}`;
  const { rows } = await sql<Record<string, unknown> & { event_name: string; sent: number }>`
    SELECT event_name, count(*)::int AS sent,
           (count(*) FILTER (WHERE payload -> 'user_data' ? 'em'))::int AS em,
           (count(*) FILTER (WHERE payload -> 'user_data' ? 'ph'))::int AS ph,
           (count(*) FILTER (WHERE payload -> 'user_data' ? 'external_id'))::int AS external_id,
           (count(*) FILTER (WHERE payload -> 'user_data' ? 'fbc'))::int AS fbc,
           (count(*) FILTER (WHERE payload -> 'user_data' ? 'fbp'))::int AS fbp,
           (count(*) FILTER (WHERE payload -> 'user_data' ? 'client_ip_address'))::int AS client_ip_address,
           (count(*) FILTER (WHERE payload -> 'user_data' ? 'client_user_agent'))::int AS client_user_agent
    FROM capi_events
    WHERE tenant_id = ${tenantId} AND id >= ${idFloor} AND status = 'sent' AND sent_at >= ${since}
    GROUP BY event_name
    ORDER BY count(*) DESC, event_name`.execute(db);
  return rows.map((r) => ({
    eventName: r.event_name,
    sent: r.sent,
    withKey: Object.fromEntries(HUB_COVERAGE_KEYS.map((k) => [k, Number(r[k] ?? 0)])) as Record<HubCoverageKey, number>,
  }));
}
