// Reconciliation (GET /api/v1/reconciliation, `hub reconcile`): what came in from the gateways and what
// Meta accepted, per gateway and period, computed from the stored facts on every call — conversions,
// their match and their CAPI event — never from counters that could drift. Money is summed as numeric
// and returned as decimal text, per currency. docs/operations.md ("Reconciliation") says what each
// figure means.
import { sql } from 'kysely';
import type { Db } from './connect.ts';

/** The kinds that are a paid sale. Pending payments, refunds, chargebacks and cancellations are not. */
export const PAID_SALE_KINDS = ['purchase', 'subscription_started', 'subscription_renewed'] as const;

/** Where a paid sale stands with Meta, from its CAPI event. */
export const SALE_OUTCOMES = ['sent', 'waiting', 'failed', 'mapping_off', 'too_old', 'invalid_data', 'other', 'no_capi_event'] as const;
export type SaleOutcome = (typeof SALE_OUTCOMES)[number];

/** The identifiers counted in a sent event's user_data (Meta's own key names). */
export const COVERAGE_KEYS = ['em', 'ph', 'fbc', 'fbp', 'client_ip_address', 'client_user_agent'] as const;
export type CoverageKey = (typeof COVERAGE_KEYS)[number];

/** The currency code sales without one are summed under (ISO 4217's "no currency"). */
export const NO_CURRENCY = 'XXX';

export type Granularity = 'hour' | 'day';

export interface ReconciliationFilter {
  tenantId: string;
  /** [from, to) on the conversion's occurred_at. */
  from: Date;
  to: Date;
  granularity: Granularity;
  /** IANA time zone the periods are cut in (known to the database: see resolveTimeZone). */
  timeZone: string;
  gateway?: string | undefined;
}

/**
 * Which total a row is: one gateway in one period, one gateway over the whole range, or everything
 * (GROUPING SETS in one scan, so the totals are exact sums too, never added up from rounded parts).
 */
export type RowLevel = 'period' | 'gateway' | 'all';

export interface ReconciliationRow {
  level: RowLevel;
  periodStart: Date | null;
  periodEnd: Date | null;
  gateway: string | null;
  currency: string;
  /** Paid sales, and their value (null: none of them had an amount). */
  paidCount: number;
  paidValue: string | null;
  outcomes: Record<SaleOutcome, { count: number; value: string | null }>;
  /** Paid sales not sent, whatever the reason (the sum of the not-sent outcomes, summed here). */
  notSent: { count: number; value: string | null };
  /** The value the accepted events carried to Meta (custom_data.value: differs under a `net`/`none` value rule). */
  valueAtMeta: string | null;
  /** Paid sales linked to a session or click (any method but `unmatched`), and those with a click. */
  matched: number;
  withClick: number;
  /** Accepted events whose user_data carries each identifier. */
  coverage: Record<CoverageKey, number>;
  refundCount: number;
  refundValue: string | null;
  chargebackCount: number;
  chargebackValue: string | null;
}

export interface WebhookBacklogRow {
  level: RowLevel;
  periodStart: Date | null;
  periodEnd: Date | null;
  gateway: string | null;
  /** Webhooks stored but not read yet (no conversion written yet), and those signed but not understood. */
  unread: number;
  unprocessable: number;
}

/**
 * The time zone as the database knows it, and the local dates (YYYY-MM-DD) resolved to the instant
 * their day starts there. `null` when the database does not know the zone.
 */
export async function resolveTimeZone(db: Db, timeZone: string, localDates: readonly string[]): Promise<Date[] | null> {
  try {
    const { rows } = await sql<{ at: Date }>`
      SELECT (d::timestamp AT TIME ZONE ${timeZone}) AS at FROM unnest(${[...localDates]}::text[]) WITH ORDINALITY AS x(d, n) ORDER BY n`.execute(db);
    // A zone with no dates to resolve is still checked.
    if (localDates.length === 0) await sql`SELECT now() AT TIME ZONE ${timeZone}`.execute(db);
    return rows.map((r) => new Date(r.at));
  } catch (err) {
    if (/time zone .* not recognized/i.test(String((err as Error)?.message ?? err))) return null;
    throw err;
  }
}

const OUTCOME_SQL = sql`CASE
    WHEN e.status IS NULL THEN 'no_capi_event'
    WHEN e.status = 'sent' THEN 'sent'
    WHEN e.status IN ('pending', 'waiting') THEN 'waiting'
    WHEN e.status = 'failed' THEN 'failed'
    WHEN e.status = 'skipped' AND e.last_error LIKE 'not sent: the conversion mapping%' THEN 'mapping_off'
    WHEN e.status = 'not_sendable' AND e.last_error LIKE '%accepts events up to 7 days%' THEN 'too_old'
    WHEN e.status = 'not_sendable' THEN 'invalid_data'
    ELSE 'other'
  END`;

/** user_data carries the key with something in it (not null, not an empty list or string). */
const carries = (key: CoverageKey) =>
  sql`coalesce(e.payload -> 'user_data' -> ${sql.lit(key)}, 'null'::jsonb) NOT IN ('null'::jsonb, '[]'::jsonb, '""'::jsonb)`;

const LEVEL_SQL = sql`CASE WHEN GROUPING(period_start) = 0 THEN 'period' WHEN GROUPING(gateway) = 0 THEN 'gateway' ELSE 'all' END`;

/** The facts, one row per (level, period, gateway, currency). */
export async function loadReconciliation(db: Db, f: ReconciliationFilter): Promise<ReconciliationRow[]> {
  const unit = f.granularity === 'hour' ? 'hour' : 'day';
  const step = f.granularity === 'hour' ? sql`interval '1 hour'` : sql`interval '1 day'`;
  const tz = f.timeZone;
  const gatewayFilter = f.gateway === undefined ? sql`` : sql`AND c.gateway = ${f.gateway}`;
  const outcomeColumns = SALE_OUTCOMES.map(
    (o) => sql`count(*) FILTER (WHERE category = 'paid' AND outcome = ${o})::int AS ${sql.ref(`n_${o}`)},
      (sum(value) FILTER (WHERE category = 'paid' AND outcome = ${o}))::text AS ${sql.ref(`v_${o}`)}`,
  );
  const coverageColumns = COVERAGE_KEYS.map((k) => sql`count(*) FILTER (WHERE category = 'paid' AND outcome = 'sent' AND ${sql.ref(`has_${k}`)})::int AS ${sql.ref(`c_${k}`)}`);
  const carriesColumns = COVERAGE_KEYS.map((k) => sql`${carries(k)} AS ${sql.ref(`has_${k}`)}`);

  const { rows } = await sql<Record<string, unknown>>`
    WITH facts AS (
      SELECT
        c.gateway,
        coalesce(c.currency, ${NO_CURRENCY}) AS currency,
        c.value,
        CASE WHEN c.kind = ANY(${[...PAID_SALE_KINDS]}::text[]) THEN 'paid' ELSE c.kind END AS category,
        -- The period the sale falls in, cut in the requested zone (a day there, not in UTC).
        (date_trunc(${unit}, c.occurred_at AT TIME ZONE ${tz}) AT TIME ZONE ${tz}) AS period_start,
        ${OUTCOME_SQL} AS outcome,
        (m.method IS NOT NULL AND m.method <> 'unmatched') AS matched,
        (m.click_id IS NOT NULL) AS with_click,
        CASE WHEN e.status = 'sent' THEN (e.payload -> 'custom_data' ->> 'value')::numeric END AS value_at_meta,
        ${sql.join(carriesColumns)}
      FROM conversions c
      LEFT JOIN matches m ON m.tenant_id = c.tenant_id AND m.conversion_id = c.id
      -- One CAPI event per conversion (its event_id is deterministic); should there ever be more, the
      -- one furthest along counts, so a sale is never counted twice.
      LEFT JOIN LATERAL (
        SELECT x.status, x.last_error, x.payload FROM capi_events x
        WHERE x.tenant_id = c.tenant_id AND x.conversion_id = c.id
        ORDER BY CASE x.status WHEN 'sent' THEN 0 WHEN 'pending' THEN 1 WHEN 'waiting' THEN 1 WHEN 'failed' THEN 2 WHEN 'not_sendable' THEN 3 ELSE 4 END, x.created_at
        LIMIT 1
      ) e ON true
      WHERE c.tenant_id = ${f.tenantId}
        AND c.kind = ANY(${[...PAID_SALE_KINDS, 'refund', 'chargeback']}::text[])
        AND c.occurred_at >= ${f.from} AND c.occurred_at < ${f.to}
        ${gatewayFilter}
    )
    SELECT
      ${LEVEL_SQL} AS level,
      period_start,
      ((period_start AT TIME ZONE ${tz}) + ${step}) AT TIME ZONE ${tz} AS period_end,
      gateway,
      currency,
      count(*) FILTER (WHERE category = 'paid')::int AS paid_count,
      (sum(value) FILTER (WHERE category = 'paid'))::text AS paid_value,
      ${sql.join(outcomeColumns)},
      count(*) FILTER (WHERE category = 'paid' AND outcome NOT IN ('sent', 'waiting', 'failed'))::int AS n_not_sent,
      (sum(value) FILTER (WHERE category = 'paid' AND outcome NOT IN ('sent', 'waiting', 'failed')))::text AS v_not_sent,
      (sum(value_at_meta) FILTER (WHERE category = 'paid' AND outcome = 'sent'))::text AS value_at_meta,
      count(*) FILTER (WHERE category = 'paid' AND matched)::int AS matched,
      count(*) FILTER (WHERE category = 'paid' AND with_click)::int AS with_click,
      ${sql.join(coverageColumns)},
      count(*) FILTER (WHERE category = 'refund')::int AS refund_count,
      (sum(value) FILTER (WHERE category = 'refund'))::text AS refund_value,
      count(*) FILTER (WHERE category = 'chargeback')::int AS chargeback_count,
      (sum(value) FILTER (WHERE category = 'chargeback'))::text AS chargeback_value
    FROM facts
    GROUP BY GROUPING SETS ((period_start, gateway, currency), (gateway, currency), (currency))
    ORDER BY period_start NULLS LAST, gateway NULLS LAST, currency`.execute(db);

  return rows.map((r) => ({
    level: r.level as RowLevel,
    periodStart: r.period_start ? new Date(r.period_start as Date) : null,
    periodEnd: r.period_start ? new Date(r.period_end as Date) : null,
    gateway: (r.gateway as string | null) ?? null,
    currency: r.currency as string,
    paidCount: r.paid_count as number,
    paidValue: (r.paid_value as string | null) ?? null,
    outcomes: Object.fromEntries(
      SALE_OUTCOMES.map((o) => [o, { count: r[`n_${o}`] as number, value: (r[`v_${o}`] as string | null) ?? null }]),
    ) as ReconciliationRow['outcomes'],
    notSent: { count: r.n_not_sent as number, value: (r.v_not_sent as string | null) ?? null },
    valueAtMeta: (r.value_at_meta as string | null) ?? null,
    matched: r.matched as number,
    withClick: r.with_click as number,
    coverage: Object.fromEntries(COVERAGE_KEYS.map((k) => [k, r[`c_${k}`] as number])) as ReconciliationRow['coverage'],
    refundCount: r.refund_count as number,
    refundValue: (r.refund_value as string | null) ?? null,
    chargebackCount: r.chargeback_count as number,
    chargebackValue: (r.chargeback_value as string | null) ?? null,
  }));
}

/**
 * Webhooks of the range that have not become conversions: still unread (the match worker has not
 * written them yet, or waits for their session) or unprocessable (signed but not understood). A paid
 * sale among them is not in the sales figures yet; these say so. Cut by the time the webhook arrived.
 */
export async function loadWebhookBacklog(db: Db, f: ReconciliationFilter): Promise<WebhookBacklogRow[]> {
  const unit = f.granularity === 'hour' ? 'hour' : 'day';
  const tz = f.timeZone;
  const step = f.granularity === 'hour' ? sql`interval '1 hour'` : sql`interval '1 day'`;
  const gatewayFilter = f.gateway === undefined ? sql`` : sql`AND gateway = ${f.gateway}`;
  const { rows } = await sql<{
    level: RowLevel;
    period_start: Date | null;
    period_end: Date | null;
    gateway: string | null;
    unread: number;
    unprocessable: number;
  }>`
    WITH backlog AS (
      SELECT coalesce(gateway, 'unknown') AS gateway, status,
        (date_trunc(${unit}, occurred_at AT TIME ZONE ${tz}) AT TIME ZONE ${tz}) AS period_start
      FROM events
      WHERE tenant_id = ${f.tenantId} AND type = 'webhook' AND status IN ('received', 'unprocessable')
        AND occurred_at >= ${f.from} AND occurred_at < ${f.to}
        ${gatewayFilter}
    )
    SELECT ${LEVEL_SQL} AS level, period_start, ((period_start AT TIME ZONE ${tz}) + ${step}) AT TIME ZONE ${tz} AS period_end, gateway,
      count(*) FILTER (WHERE status = 'received')::int AS unread,
      count(*) FILTER (WHERE status = 'unprocessable')::int AS unprocessable
    FROM backlog
    GROUP BY GROUPING SETS ((period_start, gateway), (gateway), ())
    ORDER BY period_start NULLS LAST, gateway NULLS LAST`.execute(db);
  return rows.map((r) => ({
    level: r.level,
    periodStart: r.period_start ? new Date(r.period_start) : null,
    periodEnd: r.period_start && r.period_end ? new Date(r.period_end) : null,
    gateway: r.gateway ?? null,
    unread: r.unread,
    unprocessable: r.unprocessable,
  }));
}
