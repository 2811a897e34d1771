// Alerts: the rules the workers evaluate per tenant (pure), the plan of what changes, and where a
// tenant's alerts may be posted. The evaluator is src/workers/alerts; the facts come from
// src/store/alert-facts.ts.
export {
  ALERT_RULES,
  DEFAULT_ALERT_THRESHOLDS,
  META_EVENT_AGE_LIMIT_MS,
  PAID_SALE_KINDS,
  evaluateAlertRules,
  isAlertRule,
  type AlertCondition,
  type AlertDetails,
  type AlertFacts,
  type AlertRule,
  type AlertThresholds,
  type RuleVerdict,
  type TokenExpiryFact,
} from './alert-rules.ts';
export { planAlertChanges, type AlertPlan, type OpenAlert } from './plan-alert-changes.ts';
export { isAllowedAlertWebhookUrl, readAlertWebhookUrl } from './alert-webhook-url.ts';
