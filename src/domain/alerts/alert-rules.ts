// The alert rules: what the workers watch for each tenant, as pure functions from the tenant's facts
// (read by src/store/alert-facts.ts, one query per rule) to the conditions that hold now. A condition
// that holds keeps one open alert; when it stops holding the alert resolves (plan-alert-changes.ts).
// Thresholds are data (DEFAULT_ALERT_THRESHOLDS); docs/operations.md ("Tenant alerts") lists them.
//
// Details carry counts, ids, gateway names, times and Meta's reason (token cut out): never a buyer's
// data, because they are posted to a webhook and shown in GET /api/v1/alerts.

export const ALERT_RULES = [
  'sale_not_delivered',
  'token_refused',
  'token_expiring',
  'delivery_rate_low',
  'signature_failures',
  'gateway_silent',
  'events_near_limit',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export function isAlertRule(value: string): value is AlertRule {
  return (ALERT_RULES as readonly string[]).includes(value);
}

/**
 * The kinds that are a paid sale (the same list as reconciliation's): a first payment or a renewal.
 * Pending payments, carts, refunds and chargebacks are not sales Meta is owed.
 */
export const PAID_SALE_KINDS = ['purchase', 'subscription_started', 'subscription_renewed'] as const;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export interface AlertThresholds {
  /** A paid sale not accepted by Meta this long after it arrived is late. */
  saleDeliveryBoundMs: number;
  /** Warn when the Meta token expires within this. */
  tokenExpiryWarningMs: number;
  /** Delivery rate: events created in the window [now − window − bound, now − bound]. */
  deliveryRateWindowMs: number;
  /** Fewer events than this say nothing about a rate. */
  deliveryRateMinEvents: number;
  /** Below this share of events accepted by Meta, alert. */
  deliveryRateMin: number;
  signatureFailureWindowMs: number;
  /** This many refused signatures from one gateway within the window is a burst. */
  signatureFailureMinCount: number;
  /** A connected gateway with no webhook for this long… */
  gatewaySilenceMs: number;
  /** …while at least this many clicks arrived in the same time. */
  gatewaySilenceMinClicks: number;
  /** Events not yet at Meta whose event_time is this old (Meta refuses them at 7 days). */
  nearMetaLimitAgeMs: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  saleDeliveryBoundMs: 15 * MINUTE_MS,
  tokenExpiryWarningMs: 7 * DAY_MS,
  deliveryRateWindowMs: 6 * HOUR_MS,
  deliveryRateMinEvents: 20,
  deliveryRateMin: 0.9,
  signatureFailureWindowMs: 15 * MINUTE_MS,
  signatureFailureMinCount: 10,
  gatewaySilenceMs: 24 * HOUR_MS,
  gatewaySilenceMinClicks: 20,
  nearMetaLimitAgeMs: 6 * DAY_MS,
};

/** Meta refuses events whose event_time is older than 7 days (protocols.md §1.2). */
export const META_EVENT_AGE_LIMIT_MS = 7 * DAY_MS;

/** What Meta's debug_token said about the token's expiry (src/domain/meta-diagnostics). */
export type TokenExpiryFact =
  | { kind: 'expires'; expiresAt: Date }
  | { kind: 'never' }
  /** Meta would not say (it wants an app token for this token), or there is no Meta connection. */
  | { kind: 'unknown' }
  /** Meta did not answer this time: the rule keeps its alert as it is. */
  | { kind: 'no_answer' };

/** Everything the rules read about one tenant, at one moment. */
export interface AlertFacts {
  /** Paid sales that arrived in [now − 7 days, now − bound] whose CAPI event is pending, waiting or failed. */
  undeliveredSales: { count: number; oldestArrivedAt: Date | null; conversionIds: string[] };
  /** The Meta connection, if any, and what debug_token said about the token. */
  meta: {
    connected: boolean;
    health: 'healthy' | 'unhealthy' | 'unverified' | null;
    healthReason: string | null;
    /** Meta's debug_token found the token invalid (is_valid false, or the call refused it with 190). */
    tokenRefusedByDebug: string | null;
    tokenExpiry: TokenExpiryFact;
  };
  /** CAPI events created in the delivery-rate window (skipped and not_sendable left out), and how many Meta accepted. */
  deliveryRate: { total: number; sent: number };
  /** Webhook deliveries refused for a bad signature in the window, per gateway. */
  signatureFailures: Array<{ gateway: string; count: number; lastAt: Date }>;
  /** Each connected gateway: connected before the silence window began, and webhooks and clicks within it. */
  gateways: Array<{ gateway: string; connectedBeforeWindow: boolean; lastWebhookAt: Date | null; clicks: number }>;
  /** CAPI events not at Meta (pending, waiting, failed) whose event_time is between 7 days and the threshold old. */
  nearLimit: { count: number; oldestEventTime: Date | null };
}

export type AlertDetails = Record<string, string | number | boolean | null | string[]>;

export interface AlertCondition {
  rule: AlertRule;
  /** What the alert is about: 'meta' (the connection and its events) or a gateway. One open alert per (rule, subject). */
  subject: string;
  details: AlertDetails;
}

/**
 * One rule's verdict. `evaluated: false` means the facts could not tell (Meta did not answer): the
 * rule's open alerts stay as they are, neither refreshed nor resolved.
 */
export interface RuleVerdict {
  rule: AlertRule;
  evaluated: boolean;
  conditions: AlertCondition[];
}

type RuleFunction = (facts: AlertFacts, t: AlertThresholds, now: Date) => RuleVerdict;

const holds = (rule: AlertRule, conditions: AlertCondition[]): RuleVerdict => ({ rule, evaluated: true, conditions });

const RULES: Record<AlertRule, RuleFunction> = {
  sale_not_delivered: (f, t) => {
    const s = f.undeliveredSales;
    if (s.count === 0) return holds('sale_not_delivered', []);
    return holds('sale_not_delivered', [
      {
        rule: 'sale_not_delivered',
        subject: 'meta',
        details: {
          count: s.count,
          boundMinutes: Math.round(t.saleDeliveryBoundMs / 60_000),
          oldestArrivedAt: s.oldestArrivedAt?.toISOString() ?? null,
          conversionIds: s.conversionIds.slice(0, 5),
        },
      },
    ]);
  },

  token_refused: (f) => {
    if (!f.meta.connected) return holds('token_refused', []);
    const reason = f.meta.health === 'unhealthy' ? f.meta.healthReason ?? 'Meta refused the token' : f.meta.tokenRefusedByDebug;
    if (reason === null) return holds('token_refused', []);
    return holds('token_refused', [{ rule: 'token_refused', subject: 'meta', details: { reason: reason.slice(0, 300) } }]);
  },

  token_expiring: (f, t, now) => {
    const e = f.meta.tokenExpiry;
    if (e.kind === 'no_answer') return { rule: 'token_expiring', evaluated: false, conditions: [] };
    if (e.kind !== 'expires') return holds('token_expiring', []);
    const leftMs = e.expiresAt.getTime() - now.getTime();
    if (leftMs > t.tokenExpiryWarningMs) return holds('token_expiring', []);
    return holds('token_expiring', [
      {
        rule: 'token_expiring',
        subject: 'meta',
        details: { expiresAt: e.expiresAt.toISOString(), daysLeft: Math.max(0, Math.floor(leftMs / 86_400_000)) },
      },
    ]);
  },

  delivery_rate_low: (f, t) => {
    const { total, sent } = f.deliveryRate;
    if (total < t.deliveryRateMinEvents) return holds('delivery_rate_low', []);
    const rate = sent / total;
    if (rate >= t.deliveryRateMin) return holds('delivery_rate_low', []);
    return holds('delivery_rate_low', [
      {
        rule: 'delivery_rate_low',
        subject: 'meta',
        details: {
          rate: Math.round(rate * 1000) / 1000,
          sent,
          total,
          threshold: t.deliveryRateMin,
          windowHours: Math.round((t.deliveryRateWindowMs / 3_600_000) * 10) / 10,
        },
      },
    ]);
  },

  signature_failures: (f, t) =>
    holds(
      'signature_failures',
      f.signatureFailures
        .filter((g) => g.count >= t.signatureFailureMinCount)
        .map((g) => ({
          rule: 'signature_failures' as const,
          subject: g.gateway,
          details: { gateway: g.gateway, count: g.count, windowMinutes: Math.round(t.signatureFailureWindowMs / 60_000), lastAt: g.lastAt.toISOString() },
        })),
    ),

  gateway_silent: (f, t) =>
    holds(
      'gateway_silent',
      f.gateways
        .filter((g) => g.connectedBeforeWindow && g.lastWebhookAt === null && g.clicks >= t.gatewaySilenceMinClicks)
        .map((g) => ({
          rule: 'gateway_silent' as const,
          subject: g.gateway,
          details: { gateway: g.gateway, silentHours: Math.round(t.gatewaySilenceMs / 3_600_000), clicks: g.clicks },
        })),
    ),

  events_near_limit: (f, _t, now) => {
    const n = f.nearLimit;
    if (n.count === 0 || !n.oldestEventTime) return holds('events_near_limit', []);
    const leftMs = n.oldestEventTime.getTime() + META_EVENT_AGE_LIMIT_MS - now.getTime();
    return holds('events_near_limit', [
      {
        rule: 'events_near_limit',
        subject: 'meta',
        details: { count: n.count, oldestEventTime: n.oldestEventTime.toISOString(), hoursLeft: Math.max(0, Math.floor(leftMs / 3_600_000)) },
      },
    ]);
  },
};

/** Every rule's verdict for one tenant, in ALERT_RULES order. */
export function evaluateAlertRules(facts: AlertFacts, thresholds: AlertThresholds, now: Date): RuleVerdict[] {
  return ALERT_RULES.map((rule) => RULES[rule](facts, thresholds, now));
}
