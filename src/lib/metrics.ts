// Prometheus metrics, one registry per process (tests build several apps, each with its own).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'hub_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    ingested: new Counter({
      name: 'hub_ingested_events_total',
      help: 'Events accepted by the API, by type and outcome',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    corsRefused: new Counter({
      name: 'hub_cors_refused_total',
      help: 'Browser requests from origins that are not a funnel origin',
      registers: [registry],
    }),
    webhookRejections: new Counter({
      name: 'hub_webhook_rejections_total',
      help: 'Webhook deliveries refused (bad signature, unknown tenant, gateway not connected)',
      labelNames: ['gateway', 'reason'] as const,
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'hub_jobs_total',
      help: 'Background jobs handled, by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      registers: [registry],
    }),
    matches: new Counter({
      name: 'hub_matches_total',
      help: 'Conversions matched, by method',
      labelNames: ['method'] as const,
      registers: [registry],
    }),
    dispatch: new Counter({
      name: 'hub_dispatch_attempts_total',
      help: 'Requests to Meta, by outcome and Meta error code',
      labelNames: ['outcome', 'code'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'hub_queue_depth',
      help: 'Jobs waiting per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
    retryBacklog: new Gauge({
      name: 'hub_dispatch_retry_backlog',
      help: 'CAPI events not yet at Meta: pending with a retry scheduled in the future (retrying), or parked until their Meta connection is healthy (waiting); read from the database in the background every 15 s',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    alertsOpen: new Gauge({
      name: 'hub_alerts_open',
      help: 'Alerts open across all tenants, by rule; set by the alert evaluator in the worker processes after each pass',
      labelNames: ['rule'] as const,
      registers: [registry],
    }),
    queueOldestAge: new Gauge({
      name: 'hub_queue_oldest_age_seconds',
      help: 'Age of the oldest ready job per queue',
      labelNames: ['queue'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
