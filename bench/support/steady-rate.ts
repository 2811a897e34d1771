// Latency at a fixed arrival rate, the way the targets mean it ("p99 at 1,000 deliveries/s"): requests
// leave on an even schedule whatever the answers do (an open loop, as real browsers and gateways send),
// with the `loadtest` package's paced timer, and more connections open when all are busy.
// autocannon's `overallRate` is not that: each connection sends its whole per-second quota at full speed
// at the top of every second and then idles, so "half load" is bursts at maximum load, and its
// coordinated-omission correction (expected interval 1/rate, rounded up to 1 ms) adds synthetic samples.
import type { Result } from 'autocannon';
import * as loadtest from 'loadtest';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';

export interface SteadyRateResult {
  /** Requests per second actually completed. */
  rate: number;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

interface LoadtestResult {
  totalRequests: number;
  totalErrors: number;
  effectiveRps: number;
  maxLatencyMs: number;
  percentiles: Record<number, number | false>;
  errorCodes: Record<string, number>;
}
type Request = (options: RequestOptions, callback: (response: IncomingMessage) => void) => ClientRequest;
type RequestGenerator = (options: unknown, params: RequestOptions, request: Request, callback: (response: IncomingMessage) => void) => ClientRequest;
const run = loadtest.loadTest as unknown as (options: Record<string, unknown>) => Promise<LoadtestResult>;

export async function steadyRate(options: {
  url: string;
  rate: number;
  seconds: number;
  /** A fresh request per send (e.g. a new delivery id and signature). */
  request: () => { body: string; headers: Record<string, string> };
}): Promise<SteadyRateResult> {
  const requestGenerator: RequestGenerator = (_options, params, request, callback) => {
    const { body, headers } = options.request();
    const req = request({ ...params, headers: { ...params.headers, ...headers, 'content-length': String(Buffer.byteLength(body)) } }, callback);
    req.write(body);
    return req;
  };
  const result = await run({
    url: options.url,
    method: 'POST',
    requestsPerSecond: options.rate,
    maxSeconds: options.seconds,
    agentKeepAlive: true,
    quiet: true,
    requestGenerator,
  });
  const percentile = (p: number) => {
    const value = result.percentiles[p];
    if (value === false || value === undefined) throw new Error(`loadtest gave no p${p}`);
    return value;
  };
  return {
    rate: result.effectiveRps,
    requests: result.totalRequests,
    p50: percentile(50),
    p99: percentile(99),
    max: result.maxLatencyMs,
    errors: result.totalErrors,
  };
}

/** Rate, p50 and p99 of either kind of run, for the benches' tables (autocannon's maxima, steady rates). */
export function runFigures(r: Result | SteadyRateResult): { rate: number; p50: number; p99: number } {
  return 'latency' in r ? { rate: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 } : { rate: r.rate, p50: r.p50, p99: r.p99 };
}
