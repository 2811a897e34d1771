// The noise of the isolation benchmark, in its own process (so generating it never delays the victim's
// requests in the measuring process): one kind of traffic at a steady rate for a number of seconds.
//   bad-signatures  Hotmart deliveries with a wrong hottok to one tenant's URL (each answered 401)
//   duplicates      one valid, signed delivery sent again and again (each answered 200, duplicate)
//   scrapes         GET /metrics on the metrics port
// Prints {"ready":true} when it starts sending, then one JSON line with what it sent and how it went.
//   node --import tsx bench/isolation/noise.ts <kind> <url> <rate> <seconds> [hottok]
import { randomUUID } from 'node:crypto';
import { steadyRate } from '../support/steady-rate.ts';
import { gatewayFixture } from '../../test/support/signed-webhooks.ts';

export type NoiseKind = 'bad-signatures' | 'duplicates' | 'scrapes';
export interface NoiseResult {
  kind: NoiseKind;
  requests: number;
  rate: number;
  /** Answers other than the expected one (401 for bad signatures, 200 otherwise). */
  unexpected: number;
}

const [kind, url, rateArg, secondsArg, hottok = 'bench-hottok-noise'] = process.argv.slice(2) as [NoiseKind, string, string, string, string?];
const rate = Number(rateArg);
const seconds = Number(secondsArg);

function hotmart(id: string, token: string) {
  const fixture = gatewayFixture('hotmart', 'purchase-approved') as { data: { purchase: Record<string, unknown> } };
  const body = JSON.stringify({ ...fixture, id, data: { ...fixture.data, purchase: { ...fixture.data.purchase, transaction: `HP${id}` } } });
  return { body, headers: { 'content-type': 'application/json', 'x-hotmart-hottok': token } };
}

async function scrapes(): Promise<NoiseResult> {
  // An even schedule like steadyRate's, for GETs: one scrape every 1/rate s whatever the answers do.
  let requests = 0;
  let unexpected = 0;
  const inFlight = new Set<Promise<void>>();
  const start = Date.now();
  for (let i = 0; Date.now() - start < seconds * 1000; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const p = fetch(url)
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) unexpected++;
      })
      .catch(() => {
        unexpected++;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    requests++;
  }
  await Promise.all(inFlight);
  return { kind: 'scrapes', requests, rate: requests / ((Date.now() - start) / 1000), unexpected };
}

async function deliveries(): Promise<NoiseResult> {
  // Duplicates: the same delivery every time (sent once before, so every one of these is a duplicate).
  const duplicate = hotmart(`noise-duplicate-${randomUUID()}`, hottok);
  if (kind === 'duplicates') await fetch(url, { method: 'POST', headers: duplicate.headers, body: duplicate.body });
  const request = kind === 'duplicates' ? () => duplicate : () => hotmart(randomUUID(), 'not-the-hottok-of-this-tenant');
  const r = await steadyRate({ url, rate, seconds, request });
  // loadtest counts every answer of 400 or more as an error: all of them for bad signatures.
  return { kind, requests: r.requests, rate: r.rate, unexpected: kind === 'bad-signatures' ? r.requests - r.errors : r.errors };
}

process.stdout.write(JSON.stringify({ ready: true }) + '\n');
const result = kind === 'scrapes' ? await scrapes() : await deliveries();
process.stdout.write(JSON.stringify(result) + '\n');
