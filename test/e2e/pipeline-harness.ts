// The real pipeline for end-to-end tests: the API (buildApp on a fresh database), the match and
// dispatch workers on the same database and queue, and a Meta sandbox the dispatcher sends to.
// Requests go through app.inject (the routes, schemas and ingest writer are the real ones).
import type { FastifyInstance } from 'fastify';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../support/app.ts';
import type { StoreKind } from '../support/databases.ts';
import { signedWebhook } from '../support/signed-webhooks.ts';
import { webhookBody, type BenchGateway, type SaleFacts } from '../../bench/match/gateway-bodies.ts';
import { startMetaSandbox, type RunningMetaSandbox, type SandboxFaults } from '../../src/sandbox/meta/index.ts';
import { startQueueWorker, type RunningWorker } from '../../src/workers/queue-runner.ts';
import { createMatchHandler, matchWorkerDeps } from '../../src/workers/match/index.ts';
import { dispatchWorkerDeps, runDispatchWorker } from '../../src/workers/dispatch/index.ts';
import type { RetryPolicy } from '../../src/domain/meta/index.ts';

export const PIXEL_ID = '1234567890';
export const SECRETS = { hottok: 'hottok-e2e-0123456789', kiwify: 'kiwify-token-e2e-987', stripe: 'whsec_e2e_secret_123', eduzz: 'eduzz-key-e2e-456' };
/** The connection body of every gateway (PUT /api/v1/connections/{gateway}); a gateway left out does not compile. */
export const GATEWAY_CONNECTIONS: { readonly [G in BenchGateway]: object } = {
  hotmart: { hottok: SECRETS.hottok },
  kiwify: { token: SECRETS.kiwify },
  stripe: { webhookSecret: SECRETS.stripe },
  eduzz: { webhookSecret: SECRETS.eduzz },
};
/** Retries in tens of milliseconds instead of seconds, so fault tests finish quickly; same 24 h bound. */
export const FAST_RETRIES: RetryPolicy = { baseMs: 50, capMs: 400, maxTotalMs: 24 * 3_600_000, minDelayMs: 20 };

export interface Pipeline {
  t: TestApp;
  app: FastifyInstance;
  sandbox: RunningMetaSandbox;
  tenant: Awaited<ReturnType<typeof createTenantViaApi>>;
  /** PUT /api/v1/connections/meta through the API, as an operator would. */
  connectMeta(accessToken: string): Promise<void>;
  click(fbclid: string, userAgent?: string): Promise<{ id: string; sessionId: string; fbc: string; sck: string; clientReferenceId: string }>;
  deliver(gateway: BenchGateway, sale: SaleFacts): Promise<string>;
  /** Resolves when every tracking/ingest job and dispatch job is done (nothing ready or in flight). */
  drained(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startPipeline(
  kind: StoreKind,
  options: { faults?: SandboxFaults; requestTimeoutMs?: number; metaToken?: string } = {},
): Promise<Pipeline> {
  const sandbox = await startMetaSandbox({ knownPixelIds: [PIXEL_ID], hangMs: 3_000, throttleRetryAfterSeconds: 1, ...(options.faults ? { faults: options.faults } : {}) });
  const t = await buildTestApp({ kind, config: { metaGraphUrl: sandbox.url, logLevel: 'warn' } });
  // The workers count into the app's registry, as in `hub start`, so GET /metrics shows their work.
  const { store, queue, box, metrics } = t.deps;
  const tenant = await createTenantViaApi(t.app, 'E2E Cursos');
  const put = async (path: string, payload: object) => {
    const res = await t.app.inject({ method: 'PUT', url: `/api/v1/connections/${path}`, headers: bearer(tenant.secretKey), payload });
    if (res.statusCode !== 200) throw new Error(`PUT ${path}: ${res.statusCode} ${res.body}`);
  };
  const connectMeta = (accessToken: string) => put('meta', { pixelId: PIXEL_ID, accessToken, testEventCode: 'TEST42' });
  await connectMeta(options.metaToken ?? 'EAAB-e2e-good-token');
  for (const [gateway, body] of Object.entries(GATEWAY_CONNECTIONS)) await put(gateway, body);

  const workers: RunningWorker[] = [
    startQueueWorker({
      queue,
      handler: createMatchHandler(matchWorkerDeps({ store, queue, metrics, passthroughRetryMs: 200 })),
      workerId: 'e2e:match',
      metrics,
      idleMs: 20,
    }),
    runDispatchWorker(
      dispatchWorkerDeps({
        store,
        queue,
        box,
        metrics,
        graphUrl: sandbox.url,
        retryPolicy: FAST_RETRIES,
        resumeIntervalMs: 100,
        ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      }),
      'e2e:dispatch',
      { idleMs: 20 },
    ),
  ];

  return {
    t,
    app: t.app,
    sandbox,
    tenant,
    connectMeta,
    async click(fbclid, userAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148') {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/track/click',
        headers: { 'user-agent': userAgent, 'content-type': 'application/json' },
        payload: { publicKey: tenant.publicKey, url: `https://lp.example.com/oferta?fbclid=${fbclid}&utm_source=facebook`, fbclid },
      });
      if (res.statusCode !== 202) throw new Error(`click: ${res.statusCode} ${res.body}`);
      const body = res.json();
      return { id: body.id, sessionId: body.sessionId, fbc: body.fbc, sck: body.decorate.sck, clientReferenceId: body.decorate.client_reference_id };
    },
    async deliver(gateway, sale) {
      const d = signedWebhook(gateway, tenant.id, GATEWAY_CONNECTIONS[gateway], webhookBody(gateway, 'purchase', sale));
      const res = await t.app.inject({ method: 'POST', url: d.url, headers: d.headers, payload: d.body });
      if (res.statusCode !== 200) throw new Error(`${gateway} webhook: ${res.statusCode} ${res.body}`);
      return res.json().id as string;
    },
    async drained(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const left = await store.db.selectFrom('jobs').select('id').where('status', '=', 'ready').limit(1).execute();
        if (left.length === 0) return;
        if (Date.now() > deadline) throw new Error('the pipeline did not drain in time');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await Promise.allSettled(workers.map((w) => w.stop()));
      await t.close();
      await sandbox.close();
    },
  };
}

export function sale(gateway: BenchGateway, n: number, sck: string | null, overrides: Partial<SaleFacts> = {}): SaleFacts {
  const transactionId = gateway === 'stripe' ? `pi_e2e${n}${Date.now()}` : `${gateway === 'hotmart' ? 'HP' : gateway === 'eduzz' ? 'ED' : 'KW'}${Date.now()}${n}`;
  return {
    transactionId,
    deliveryId: `${gateway === 'stripe' ? 'evt_' : 'dl-'}${transactionId}`,
    occurredAt: new Date(Date.now() - 30_000),
    email: `Buyer.${n}@Example.com`,
    phone: '(11) 99999-8888',
    firstName: 'Maria',
    lastName: 'Souza',
    city: 'São Paulo',
    state: 'SP',
    zip: '01310-100',
    ip: '177.10.20.30',
    value: '197.00',
    currency: 'BRL',
    productId: 'prod-42',
    sck,
    ...overrides,
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
