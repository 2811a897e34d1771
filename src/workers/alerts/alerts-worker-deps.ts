// What the alert evaluator needs from the process: the database, the secret box (to ask Meta about
// the tenant's token), where Meta is, the language of the alert texts, the fallback webhook, a
// clock, an HTTP client, and where to report.
import type { Locale } from '../../i18n/index.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { Store } from '../../store/connect.ts';
import { DEFAULT_ALERT_THRESHOLDS, type AlertThresholds } from '../../domain/alerts/index.ts';

export interface AlertsWorkerDeps {
  store: Pick<Store, 'db' | 'kind'>;
  box: SecretBox;
  /** HUB_META_GRAPH_URL: https://graph.facebook.com, or a Meta sandbox. */
  graphUrl: string;
  /** HUB_LOCALE: the language of the webhook's `text`. */
  locale: Locale;
  /** HUB_ALERT_WEBHOOK_URL: for tenants without an alertWebhookUrl of their own. */
  fallbackWebhookUrl: string | undefined;
  /** HUB_ALERT_INTERVAL_MS. */
  intervalMs: number;
  thresholds: AlertThresholds;
  now: () => Date;
  /** For Meta's Graph API and the webhooks alike. */
  fetchImpl?: typeof fetch;
  /** How long Meta and a webhook get to answer. */
  requestTimeoutMs: number;
  /** How long Meta's word on a token's expiry is kept (a day), and a non-answer (an hour). */
  tokenReadingTtlMs: number;
  tokenNoAnswerTtlMs: number;
  /** An alert whose state changed longer ago than this is no longer worth posting late. */
  notifyWithinMs: number;
  logger?: Logger;
  metrics?: Metrics;
}

export function alertsWorkerDeps(
  deps: Pick<AlertsWorkerDeps, 'store' | 'box' | 'graphUrl'> & Partial<AlertsWorkerDeps>,
): AlertsWorkerDeps {
  return {
    locale: 'en',
    fallbackWebhookUrl: undefined,
    intervalMs: 60_000,
    thresholds: DEFAULT_ALERT_THRESHOLDS,
    now: () => new Date(),
    requestTimeoutMs: 5_000,
    tokenReadingTtlMs: 24 * 3_600_000,
    tokenNoAnswerTtlMs: 3_600_000,
    notifyWithinMs: 24 * 3_600_000,
    ...deps,
  };
}
