// An alert in words: its title and what was found (messages in section-alerts.ts), for the list at
// GET /api/v1/alerts and the `text` posted to the alert webhook. Only what the details hold (counts,
// gateways, times, Meta's reason): a buyer's data never was there to begin with.
import type { Locale, Message, MessageParams } from '../../i18n/index.ts';
import { say } from '../../i18n/index.ts';
import { isAlertRule, type AlertDetails, type AlertRule } from '../../domain/alerts/index.ts';

export interface DescribableAlert {
  rule: string;
  state: 'open' | 'resolved';
  openedAt: Date;
  details: AlertDetails;
}

/** "2026-11-29 12:14 UTC": readable in any language, and the same in the list and the webhook. */
export function alertTime(value: Date | string | null | undefined): string {
  if (!value) return '?';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '?' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const text = (value: unknown): string => (typeof value === 'string' ? value : '?');

function bodyParams(rule: AlertRule, d: AlertDetails): MessageParams {
  switch (rule) {
    case 'sale_not_delivered':
      return { count: num(d.count), minutes: num(d.boundMinutes), oldest: alertTime(text(d.oldestArrivedAt)) };
    case 'token_refused':
      return { reason: text(d.reason) };
    case 'token_expiring':
      return { expiresAt: alertTime(text(d.expiresAt)), days: num(d.daysLeft) };
    case 'delivery_rate_low':
      return {
        percent: Math.round(num(d.rate) * 1000) / 10,
        hours: num(d.windowHours),
        sent: num(d.sent),
        total: num(d.total),
        threshold: Math.round(num(d.threshold) * 1000) / 10,
      };
    case 'signature_failures':
      return { count: num(d.count), gateway: text(d.gateway), minutes: num(d.windowMinutes) };
    case 'gateway_silent':
      return { gateway: text(d.gateway), hours: num(d.silentHours), clicks: num(d.clicks) };
    case 'events_near_limit':
      return { count: num(d.count), oldest: alertTime(text(d.oldestEventTime)), hoursLeft: num(d.hoursLeft) };
  }
}

export function alertTitle(rule: string): Message | null {
  return isAlertRule(rule) ? { key: `alerts.title.${rule}` } : null;
}

export function alertBody(rule: string, details: AlertDetails): Message | null {
  return isAlertRule(rule) ? { key: `alerts.body.${rule}`, params: bodyParams(rule, details) } : null;
}

/** The line posted to the webhook as `text` (Slack shows it as the message). */
export function alertText(locale: Locale, alert: DescribableAlert, tenantName: string): string {
  const title = alertTitle(alert.rule);
  const body = alertBody(alert.rule, alert.details);
  const titleText = title ? say(locale, title) : alert.rule;
  if (alert.state === 'resolved') {
    return say(locale, { key: 'alerts.resolved', params: { tenant: tenantName, title: titleText, openedAt: alertTime(alert.openedAt) } });
  }
  return say(locale, { key: 'alerts.opened', params: { tenant: tenantName, title: titleText, body: body ? say(locale, body) : '' } });
}
