// One pass of the alert evaluator, the executor of the rules in src/domain/alerts:
//
//   for each tenant: read its facts (one query per rule, and Meta's word on the token, cached)
//                    → every rule's verdict → the plan against its open alerts → apply it
//   then:            post every alert whose new state (opened, resolved) is owed to a webhook:
//                    the tenant's alertWebhookUrl, else HUB_ALERT_WEBHOOK_URL; a failed post stays
//                    owed (notified_at null) and is tried again on the next pass
//   finally:         hub_alerts_open{rule} from the table
//
// Only one evaluator works at a time (store/alerts.ts withAlertEvaluationLock); the clock is injected,
// so tests run a pass at any moment they like. A tenant whose facts cannot be read is skipped this
// pass (logged): its alerts stay as they were rather than resolve on missing facts.
import { evaluateAlertRules, planAlertChanges, readAlertWebhookUrl, ALERT_RULES, type AlertFacts } from '../../domain/alerts/index.ts';
import type { Db } from '../../store/connect.ts';
import { getConnection } from '../../store/connections.ts';
import {
  listWatchedTenants,
  loadDeliveryRate,
  loadEventsNearLimit,
  loadGatewayActivity,
  loadSignatureFailures,
  loadUndeliveredSales,
  type WatchedTenant,
} from '../../store/alert-facts.ts';
import { applyAlertPlan, countOpenAlertsByRule, listOpenAlerts, listOwedNotifications, markAlertNotified, withAlertEvaluationLock } from '../../store/alerts.ts';
import { alertText } from '../../operations/alerts/describe-alert.ts';
import { postAlert } from './post-alert.ts';
import { readTokenFacts } from './read-token-facts.ts';
import type { AlertsWorkerDeps } from './alerts-worker-deps.ts';

export interface AlertsPassResult {
  /** False when another process held the evaluation this time. */
  evaluated: boolean;
  tenants: number;
  opened: number;
  resolved: number;
  notified: number;
  notifyFailures: number;
}

const NOTIFY_BATCH = 100;
const NOTIFY_CONCURRENCY = 8;

/** `signal`: the process is stopping — finish the step in hand and leave the rest to the next pass. */
export async function runAlertsPass(deps: AlertsWorkerDeps, signal?: AbortSignal): Promise<AlertsPassResult> {
  const now = deps.now();
  const result = await withAlertEvaluationLock(deps.store, async (db) => {
    const pass: AlertsPassResult = { evaluated: true, tenants: 0, opened: 0, resolved: 0, notified: 0, notifyFailures: 0 };
    for (const tenant of await listWatchedTenants(db)) {
      if (signal?.aborted) break;
      try {
        const facts = await loadAlertFacts(deps, db, tenant, now);
        const plan = planAlertChanges(await listOpenAlerts(db, tenant.id), evaluateAlertRules(facts, deps.thresholds, now));
        const applied = await applyAlertPlan(db, tenant.id, plan, now);
        pass.opened += applied.opened;
        pass.resolved += applied.resolved;
        pass.tenants += 1;
      } catch (err) {
        deps.logger?.error({ err, tenantId: tenant.id }, 'alert evaluation failed for a tenant; its alerts stay as they were');
      }
    }
    const notified = await notifyOwed(deps, db, now, signal);
    pass.notified = notified.delivered;
    pass.notifyFailures = notified.failed;
    return pass;
  });
  await updateOpenGauge(deps);
  const pass = result ?? { evaluated: false, tenants: 0, opened: 0, resolved: 0, notified: 0, notifyFailures: 0 };
  if (pass.opened || pass.resolved) deps.logger?.info(pass, 'alerts evaluated');
  return pass;
}

async function loadAlertFacts(deps: AlertsWorkerDeps, db: Db, tenant: WatchedTenant, now: Date): Promise<AlertFacts> {
  const t = deps.thresholds;
  const connection = await getConnection(db, tenant.id, 'meta');
  // One at a time: on PGlite there is one connection, and inside the lock's transaction one client.
  const undeliveredSales = await loadUndeliveredSales(db, tenant.id, now, t);
  const deliveryRate = await loadDeliveryRate(db, tenant.id, now, t);
  const signatureFailures = await loadSignatureFailures(db, tenant.id, now, t);
  const gateways = await loadGatewayActivity(db, tenant.id, now, t);
  const nearLimit = await loadEventsNearLimit(db, tenant.id, now, t);
  const token = await readTokenFacts(deps, db, tenant.id, connection, now);
  return {
    undeliveredSales,
    meta: {
      connected: connection !== undefined,
      health: connection?.health ?? null,
      healthReason: connection?.health_reason ?? null,
      ...token,
    },
    deliveryRate,
    signatureFailures,
    gateways,
    nearLimit,
  };
}

async function notifyOwed(deps: AlertsWorkerDeps, db: Db, now: Date, signal: AbortSignal | undefined): Promise<{ delivered: number; failed: number }> {
  const owed = await listOwedNotifications(db, new Date(now.getTime() - deps.notifyWithinMs), NOTIFY_BATCH);
  let delivered = 0;
  let failed = 0;
  const queue = [...owed];
  const worker = async () => {
    for (let alert = queue.shift(); alert && !signal?.aborted; alert = queue.shift()) {
      const url = readAlertWebhookUrl(alert.tenantSettings) ?? deps.fallbackWebhookUrl;
      // Nowhere to post: it stays owed, in case a webhook is set within the day.
      if (!url) continue;
      const outcome = await postAlert(
        url,
        {
          text: alertText(deps.locale, alert, alert.tenantName),
          alert: {
            id: alert.id,
            rule: alert.rule,
            state: alert.state,
            tenantId: alert.tenantId,
            subject: alert.subject,
            openedAt: alert.openedAt.toISOString(),
            resolvedAt: alert.resolvedAt?.toISOString() ?? null,
            details: alert.details,
          },
        },
        { timeoutMs: deps.requestTimeoutMs, ...(signal ? { signal } : {}), ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}) },
      );
      if (outcome.ok) {
        await markAlertNotified(db, alert, now);
        delivered += 1;
      } else {
        failed += 1;
        // The URL may hold a secret (Slack's do): its host only.
        deps.logger?.warn({ alertId: alert.id, tenantId: alert.tenantId, host: hostOf(url), reason: outcome.reason }, 'alert webhook did not take the alert; will try again');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(NOTIFY_CONCURRENCY, owed.length) }, worker));
  return { delivered, failed };
}

async function updateOpenGauge(deps: AlertsWorkerDeps): Promise<void> {
  if (!deps.metrics) return;
  try {
    const counts = await countOpenAlertsByRule(deps.store.db);
    for (const rule of ALERT_RULES) deps.metrics.alertsOpen.set({ rule }, counts.get(rule) ?? 0);
  } catch (err) {
    deps.logger?.warn({ err }, 'could not count open alerts; hub_alerts_open keeps its last value');
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}
