// Guards the worker-only /metrics: a process without the API still exposes its counters to Prometheus.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../lib/metrics.ts';
import { startMetricsListener } from './metrics-listener.ts';

describe('startMetricsListener', () => {
  it('serves the registry at /metrics, ok at /healthz, 404 elsewhere', async () => {
    const metrics = createMetrics();
    metrics.matches.inc({ method: 'passthrough' });
    metrics.dispatch.inc({ outcome: 'invalid_token', code: '190' });
    const listener = await startMetricsListener(metrics, { port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${listener.port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('hub_matches_total{method="passthrough"} 1');
      expect(text).toContain('hub_dispatch_attempts_total{outcome="invalid_token",code="190"} 1');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      await listener.close();
    }
  });

  it('renders the registry at most once a period however often it is scraped (issue 15: a scrape is cheap)', async () => {
    const metrics = createMetrics();
    let renders = 0;
    const render = metrics.registry.metrics.bind(metrics.registry);
    metrics.registry.metrics = () => (renders++, render());
    const listener = await startMetricsListener(metrics, { port: 0, host: '127.0.0.1', renderEveryMs: 300 });
    try {
      const scrape = async () => (await fetch(`http://127.0.0.1:${listener.port}/metrics`)).text();
      metrics.matches.inc({ method: 'identity' });
      const first = await Promise.all(Array.from({ length: 20 }, scrape));
      metrics.matches.inc({ method: 'identity' });
      expect(await scrape()).toBe(first[0]); // within the period: the same text
      expect(renders).toBe(1);
      await new Promise((r) => setTimeout(r, 350));
      expect(await scrape()).toContain('hub_matches_total{method="identity"} 2');
      expect(renders).toBe(2);
    } finally {
      await listener.close();
    }
  });
});
