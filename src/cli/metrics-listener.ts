// /metrics (and /healthz) for a process that runs only workers: their counters (jobs, matches, Meta
// requests by code) live in that process, and Prometheus must be able to scrape them. The API serves
// the same on its own port, with the shared gauges (queue depth, retry backlog) on top.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '../lib/metrics.ts';

export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsListener(metrics: Metrics, options: { port: number; host: string }): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      metrics.registry.metrics().then(
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
