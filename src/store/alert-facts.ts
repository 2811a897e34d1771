// The facts the alert rules read (src/domain/alerts/alert-rules.ts), one query per rule per tenant,
// each bounded by its time window so a pass costs the same on a tenant with years of history. Times
// are compared with the evaluator's clock (`now`), not the database's, so tests can move it.
import { gatewayNames } from '../domain/gateways/gateway-registry.ts';
import { sql } from 'kysely';
import type { Db } from './connect.ts';
import { META_EVENT_AGE_LIMIT_MS, PAID_SALE_KINDS, type AlertFacts, type AlertThresholds } from '../domain/alerts/index.ts';

/** Connection kinds that are gateways: every registered one. */
const GATEWAY_KINDS: string[] = [...gatewayNames];

export interface WatchedTenant {
  id: string;
  name: string;
  settings: unknown;
}

/** Every tenant: each is evaluated on every pass (a tenant with nothing connected raises nothing). */
export async function listWatchedTenants(db: Db): Promise<WatchedTenant[]> {
  return db.selectFrom('tenants').select(['id', 'name', 'settings']).orderBy('id').execute();
}

/** sale_not_delivered: paid sales that arrived in [now − 7 days, now − bound] with a CAPI event not at Meta. */
export async function loadUndeliveredSales(db: Db, tenantId: string, now: Date, t: AlertThresholds): Promise<AlertFacts['undeliveredSales']> {
  const until = new Date(now.getTime() - t.saleDeliveryBoundMs);
  const from = new Date(now.getTime() - META_EVENT_AGE_LIMIT_MS);
  const { rows } = await sql<{ count: number; oldest: Date | null; ids: string[] | null }>`
    SELECT count(*)::int AS count,
           min(c.created_at) AS oldest,
           (array_agg(c.id ORDER BY c.created_at))[1:5] AS ids
    FROM capi_events ce
    JOIN conversions c ON c.tenant_id = ce.tenant_id AND c.id = ce.conversion_id
    WHERE ce.tenant_id = ${tenantId}
      AND ce.status IN ('pending', 'waiting', 'failed')
      AND c.kind = ANY(${[...PAID_SALE_KINDS]}::text[])
      AND c.created_at >= ${from} AND c.created_at <= ${until}`.execute(db);
  const row = rows[0];
  return { count: row?.count ?? 0, oldestArrivedAt: row?.oldest ? new Date(row.oldest) : null, conversionIds: row?.ids ?? [] };
}

/** delivery_rate_low: CAPI events created in [now − bound − window, now − bound], and how many Meta accepted. */
export async function loadDeliveryRate(db: Db, tenantId: string, now: Date, t: AlertThresholds): Promise<AlertFacts['deliveryRate']> {
  const until = new Date(now.getTime() - t.saleDeliveryBoundMs);
  const from = new Date(until.getTime() - t.deliveryRateWindowMs);
  const { rows } = await sql<{ total: number; sent: number }>`
    SELECT count(*)::int AS total, (count(*) FILTER (WHERE status = 'sent'))::int AS sent
    FROM capi_events
    WHERE tenant_id = ${tenantId}
      AND created_at >= ${from} AND created_at <= ${until}
      AND status NOT IN ('skipped', 'not_sendable')`.execute(db);
  return { total: rows[0]?.total ?? 0, sent: rows[0]?.sent ?? 0 };
}

/**
 * signature_failures: deliveries refused for their signature in (now − window, now], per gateway.
 * A row may stand for several rejections (its `count`, migration 0009, aggregated per flush); read
 * through to_jsonb so the query also runs where that column does not exist yet (one rejection a row).
 */
export async function loadSignatureFailures(db: Db, tenantId: string, now: Date, t: AlertThresholds): Promise<AlertFacts['signatureFailures']> {
  const from = new Date(now.getTime() - t.signatureFailureWindowMs);
  const { rows } = await sql<{ gateway: string; count: number; last_at: Date }>`
    SELECT gateway, sum(coalesce((to_jsonb(r) ->> 'count')::int, 1))::int AS count, max(received_at) AS last_at
    FROM webhook_rejections r
    WHERE tenant_id = ${tenantId}
      AND received_at > ${from} AND received_at <= ${now}
      AND reason LIKE 'bad_signature%'
    GROUP BY gateway
    ORDER BY gateway`.execute(db);
  return rows.map((r) => ({ gateway: r.gateway, count: r.count, lastAt: new Date(r.last_at) }));
}

/**
 * gateway_silent: each connected gateway, whether it was connected before the silence window began,
 * its last webhook within the window, and the clicks within it (counted up to the threshold: more
 * says nothing new, and the count stops early on a busy tenant).
 */
export async function loadGatewayActivity(db: Db, tenantId: string, now: Date, t: AlertThresholds): Promise<AlertFacts['gateways']> {
  const from = new Date(now.getTime() - t.gatewaySilenceMs);
  const { rows } = await sql<{ gateway: string; connected_before: boolean; last_webhook_at: Date | null; clicks: number }>`
    SELECT c.kind AS gateway,
           c.created_at <= ${from} AS connected_before,
           (SELECT e.received_at FROM events e
             WHERE e.tenant_id = c.tenant_id AND e.received_at > ${from} AND e.received_at <= ${now}
               AND e.type = 'webhook' AND e.gateway = c.kind
             ORDER BY e.received_at DESC LIMIT 1) AS last_webhook_at,
           (SELECT count(*)::int FROM (
              SELECT 1 FROM events e
              WHERE e.tenant_id = c.tenant_id AND e.received_at > ${from} AND e.received_at <= ${now} AND e.type = 'click'
              LIMIT ${t.gatewaySilenceMinClicks}) recent) AS clicks
    FROM connections c
    WHERE c.tenant_id = ${tenantId} AND c.kind = ANY(${GATEWAY_KINDS}::text[])
    ORDER BY c.kind`.execute(db);
  return rows.map((r) => ({
    gateway: r.gateway,
    connectedBeforeWindow: r.connected_before,
    lastWebhookAt: r.last_webhook_at ? new Date(r.last_webhook_at) : null,
    clicks: r.clicks,
  }));
}

/**
 * events_near_limit: CAPI events not at Meta (pending, waiting, or failed — a replay can still save
 * those) whose event_time is older than the threshold but not yet past Meta's 7 days.
 */
export async function loadEventsNearLimit(db: Db, tenantId: string, now: Date, t: AlertThresholds): Promise<AlertFacts['nearLimit']> {
  const nearSeconds = (now.getTime() - t.nearMetaLimitAgeMs) / 1000;
  const limitSeconds = (now.getTime() - META_EVENT_AGE_LIMIT_MS) / 1000;
  // The CASE keeps the cast off payloads without a numeric event_time (PostgreSQL does not promise
  // to test jsonb_typeof first in a plain AND).
  const { rows } = await sql<{ count: number; oldest: number | null }>`
    SELECT count(*)::int AS count, min(t.event_time) AS oldest
    FROM (
      SELECT CASE WHEN jsonb_typeof(payload -> 'event_time') = 'number' THEN (payload ->> 'event_time')::float8 END AS event_time
      FROM capi_events
      WHERE tenant_id = ${tenantId} AND status IN ('pending', 'waiting', 'failed')
        -- an event is created after it happened (5 minutes of clock skew aside): older rows cannot qualify
        AND created_at > ${new Date(now.getTime() - META_EVENT_AGE_LIMIT_MS - 3_600_000)}
    ) t
    WHERE t.event_time <= ${nearSeconds} AND t.event_time > ${limitSeconds}`.execute(db);
  const row = rows[0];
  return { count: row?.count ?? 0, oldestEventTime: row?.oldest !== null && row?.oldest !== undefined ? new Date(Number(row.oldest) * 1000) : null };
}
