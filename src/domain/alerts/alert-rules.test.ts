// Guards each alert rule's threshold: the facts on either side of it, and that details never carry
// more than counts, ids, gateways, times and Meta's reason.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_THRESHOLDS as T, evaluateAlertRules, type AlertFacts, type AlertRule } from './alert-rules.ts';

const NOW = new Date('2026-11-29T12:30:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const quiet: AlertFacts = {
  undeliveredSales: { count: 0, oldestArrivedAt: null, conversionIds: [] },
  meta: { connected: true, health: 'healthy', healthReason: null, tokenRefusedByDebug: null, tokenExpiry: { kind: 'never' } },
  deliveryRate: { total: 0, sent: 0 },
  signatureFailures: [],
  gateways: [],
  nearLimit: { count: 0, oldestEventTime: null },
};

function verdict(rule: AlertRule, patch: Partial<AlertFacts>) {
  return evaluateAlertRules({ ...quiet, ...patch }, T, NOW).find((v) => v.rule === rule)!;
}

describe('alert rules', () => {
  it('raise nothing on a quiet tenant, and evaluate every rule', () => {
    const verdicts = evaluateAlertRules(quiet, T, NOW);
    expect(verdicts.map((v) => v.rule)).toEqual([
      'sale_not_delivered', 'token_refused', 'token_expiring', 'delivery_rate_low', 'signature_failures', 'gateway_silent', 'events_near_limit',
    ]);
    expect(verdicts.every((v) => v.evaluated && v.conditions.length === 0)).toBe(true);
  });

  it.each([
    // [label, facts patch, rule, subjects expected]
    ['one late paid sale', { undeliveredSales: { count: 1, oldestArrivedAt: new Date(NOW.getTime() - 16 * 60_000), conversionIds: ['cnv_1'] } }, 'sale_not_delivered', ['meta']],
    ['a connection marked unhealthy', { meta: { ...quiet.meta, health: 'unhealthy' as const, healthReason: 'code 190' } }, 'token_refused', ['meta']],
    ['debug_token finding the token invalid', { meta: { ...quiet.meta, tokenRefusedByDebug: 'Session has expired' } }, 'token_refused', ['meta']],
    ['no Meta connection at all', { meta: { ...quiet.meta, connected: false, health: null, tokenRefusedByDebug: 'x' } }, 'token_refused', []],
    ['a token expiring in 6 days', { meta: { ...quiet.meta, tokenExpiry: { kind: 'expires' as const, expiresAt: new Date(NOW.getTime() + 6 * DAY) } } }, 'token_expiring', ['meta']],
    ['a token expiring in 8 days', { meta: { ...quiet.meta, tokenExpiry: { kind: 'expires' as const, expiresAt: new Date(NOW.getTime() + 8 * DAY) } } }, 'token_expiring', []],
    ['a token whose expiry Meta would not tell', { meta: { ...quiet.meta, tokenExpiry: { kind: 'unknown' as const } } }, 'token_expiring', []],
    ['89 of 100 accepted', { deliveryRate: { total: 100, sent: 89 } }, 'delivery_rate_low', ['meta']],
    ['90 of 100 accepted', { deliveryRate: { total: 100, sent: 90 } }, 'delivery_rate_low', []],
    ['none of 19: too few to say', { deliveryRate: { total: 19, sent: 0 } }, 'delivery_rate_low', []],
    ['10 bad signatures from hotmart, 9 from stripe', { signatureFailures: [{ gateway: 'hotmart', count: 10, lastAt: NOW }, { gateway: 'stripe', count: 9, lastAt: NOW }] }, 'signature_failures', ['hotmart']],
    ['a silent gateway with 20 clicks', { gateways: [{ gateway: 'kiwify', connectedBeforeWindow: true, lastWebhookAt: null, clicks: 20 }] }, 'gateway_silent', ['kiwify']],
    ['a silent gateway with 19 clicks', { gateways: [{ gateway: 'kiwify', connectedBeforeWindow: true, lastWebhookAt: null, clicks: 19 }] }, 'gateway_silent', []],
    ['a gateway connected within the window', { gateways: [{ gateway: 'kiwify', connectedBeforeWindow: false, lastWebhookAt: null, clicks: 500 }] }, 'gateway_silent', []],
    ['a gateway that sent a webhook', { gateways: [{ gateway: 'kiwify', connectedBeforeWindow: true, lastWebhookAt: NOW, clicks: 500 }] }, 'gateway_silent', []],
    ['an event 6.5 days old not at Meta', { nearLimit: { count: 2, oldestEventTime: new Date(NOW.getTime() - 6.5 * DAY) } }, 'events_near_limit', ['meta']],
  ] as const)('%s', (_label, patch, rule, subjects) => {
    const v = verdict(rule, patch as Partial<AlertFacts>);
    expect(v.evaluated).toBe(true);
    expect(v.conditions.map((c) => c.subject)).toEqual(subjects);
  });

  it('leave the token expiry undecided when Meta did not answer', () => {
    expect(verdict('token_expiring', { meta: { ...quiet.meta, tokenExpiry: { kind: 'no_answer' } } })).toEqual({ rule: 'token_expiring', evaluated: false, conditions: [] });
  });

  it('put figures in the details, never more than five conversion ids', () => {
    const ids = Array.from({ length: 9 }, (_, i) => `cnv_${i}`);
    const late = verdict('sale_not_delivered', { undeliveredSales: { count: 9, oldestArrivedAt: new Date('2026-11-29T12:00:00.000Z'), conversionIds: ids } });
    expect(late.conditions[0]!.details).toEqual({ count: 9, boundMinutes: 15, oldestArrivedAt: '2026-11-29T12:00:00.000Z', conversionIds: ids.slice(0, 5) });
    const rate = verdict('delivery_rate_low', { deliveryRate: { total: 30, sent: 20 } });
    expect(rate.conditions[0]!.details).toEqual({ rate: 0.667, sent: 20, total: 30, threshold: 0.9, windowHours: 6 });
    const expiring = verdict('token_expiring', { meta: { ...quiet.meta, tokenExpiry: { kind: 'expires', expiresAt: new Date(NOW.getTime() + 2.5 * DAY) } } });
    expect(expiring.conditions[0]!.details).toEqual({ expiresAt: '2026-12-02T00:30:00.000Z', daysLeft: 2 });
    const near = verdict('events_near_limit', { nearLimit: { count: 3, oldestEventTime: new Date(NOW.getTime() - 6.5 * DAY) } });
    expect(near.conditions[0]!.details).toMatchObject({ count: 3, hoursLeft: 12 });
  });
});
