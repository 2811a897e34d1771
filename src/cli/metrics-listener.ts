// /metrics (and /healthz) on HUB_METRICS_PORT, in every process that sets it — API and workers alike.
// Never on the API's public port: the counts describe every tenant. Counters live in the process that
// does the work, so Prometheus scrapes each process. A scrape only renders the registry: the gauges of
// shared state (queue depth, retry backlog) are refreshed in the background (./shared-gauges.ts).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '../lib/metrics.ts';

export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

/** How long a rendered scrape is served again: rendering costs about a millisecond of the event loop. */
export const METRICS_RENDER_EVERY_MS = 1_000;

export async function startMetricsListener(
  metrics: Metrics,
  options: { port: number; host: string; renderEveryMs?: number },
): Promise<MetricsListener> {
  // However many scrapers ask (one per Prometheus replica, or someone scraping in a loop), the registry is
  // rendered at most once a `renderEveryMs`: the answers in between are the same text, at most that old.
  const renderEvery = options.renderEveryMs ?? METRICS_RENDER_EVERY_MS;
  let rendered: { at: number; text: Promise<string> } | undefined;
  const render = () => {
    const now = Date.now();
    if (!rendered || now - rendered.at >= renderEvery) {
      const text = metrics.registry.metrics();
      rendered = { at: now, text };
      text.catch(() => (rendered = undefined));
    }
    return rendered.text;
  };
  // Scrapers send a bare GET within milliseconds: a client slower than these bounds is dropped.
  const server = createServer({ headersTimeout: 5_000, requestTimeout: 10_000, connectionsCheckingInterval: 2_000 }, (req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      render().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's keep-alive socket (or a scrape in progress) must not hold up the drain.
        server.closeAllConnections();
      }),
  };
}
