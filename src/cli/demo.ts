// `hub demo`: the whole flow on this machine, with nothing to configure. A Meta sandbox, the API and
// the match and dispatch workers start in this process on a temporary embedded database; a demo
// tenant connects Meta (a sandbox token) and Hotmart; a click and a signed Hotmart purchase go in
// over HTTP; the demo waits for the sandbox to receive the Purchase and prints the event's story.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { InvalidArgumentError, Option } from 'commander';
import type { CommandFactory } from './index.ts';
import { t } from './output.ts';
import type { Config } from '../config.ts';

export interface DemoOptions {
  keep: boolean;
  timeoutMs: number;
}

const PIXEL_ID = '1234567890';
const DEMO_TOKEN = 'EAAB-demo-sandbox-token';
const TEST_EVENT_CODE = 'TEST-DEMO';

export async function runDemo(baseConfig: Config, options: DemoOptions, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const { startMetaSandbox } = await import('../sandbox/meta/index.ts');
  const { openRuntime } = await import('../bin/runtime.ts');
  const { buildApp } = await import('../api/app.ts');
  const { createIngestWriter } = await import('../api/ingest/ingest-writer.ts');
  const { startWorkers, workerRegistry } = await import('../workers/index.ts');
  const { createLogger } = await import('../lib/logger.ts');
  const { createTenant } = await import('../store/tenants.ts');
  const { upsertConnection } = await import('../store/connections.ts');

  if (!workerRegistry.match || !workerRegistry.dispatch) throw new Error('the match and dispatch workers are not available in this build');

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hub-demo-'));
  const sandbox = await startMetaSandbox({ knownPixelIds: [PIXEL_ID] });
  const config: Config = {
    ...baseConfig,
    databaseUrl: undefined,
    dataDir,
    encryptionKey: undefined,
    metaGraphUrl: sandbox.url,
    port: 0,
    host: '127.0.0.1',
    publicUrl: undefined,
    queue: 'db',
  };
  const logger = createLogger(baseConfig.logLevel === 'info' ? 'warn' : baseConfig.logLevel, pino.destination(2));
  const runtime = await openRuntime(config, { migrate: true, logger });
  const app = await buildApp({ ...runtime, lifecycle: { draining: false }, ingest: createIngestWriter(runtime.store, runtime.queue) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const hub = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const workers = startWorkers(runtime, ['match', 'dispatch'], `demo:${process.pid}`);

  try {
    out('');
    out(`  ${t('demo.title')}`);
    out(`  ${t('demo.where', { hub, sandbox: sandbox.url, dir: dataDir })}`);
    out('');

    const { tenant, secretKey, publicKey } = await createTenant(runtime.store.db, { name: 'Demo Store' });
    const hottok = `demo-hottok-${randomBytes(9).toString('base64url')}`;
    await upsertConnection(runtime.store.db, runtime.box, tenant.id, {
      kind: 'meta',
      settings: { pixelId: PIXEL_ID, testEventCode: TEST_EVENT_CODE, graphApiVersion: null },
      secret: { accessToken: DEMO_TOKEN },
      hintOf: DEMO_TOKEN,
    });
    await upsertConnection(runtime.store.db, runtime.box, tenant.id, { kind: 'hotmart', settings: {}, secret: { hottok }, hintOf: hottok });
    // The test code is kept for `hub meta test` only: the demo's Purchase is sent as a live event, without it.
    out(`  ${t('demo.tenant', { id: tenant.id, pixel: PIXEL_ID, code: TEST_EVENT_CODE })}`);

    const deadline = Date.now() + options.timeoutMs;
    const api = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${hub}${url}`, {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
      if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(json)}`);
      return json ?? {};
    };
    const story = (id: string) => api('GET', `/api/v1/events/${id}`, undefined, { authorization: `Bearer ${secretKey}` });
    const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${options.timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const fbclid = `IwAR${randomBytes(24).toString('base64url')}`;
    const click = await api(
      'POST',
      '/api/v1/track/click',
      { publicKey, url: `https://lp.example.com/oferta?fbclid=${fbclid}&utm_source=facebook&utm_campaign=demo`, fbclid },
      { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36' },
    );
    const decorate = (click.decorate ?? {}) as { sck?: string };
    out(`  1 click     POST /api/v1/track/click → ${String(click.id)}, session ${String(click.sessionId)}, fbc ${String(click.fbc)}`);
    // The purchase must find the click's session: wait until the match worker has recorded it.
    await waitFor('the click to be processed', async () => ((await story(String(click.id))).status === 'processed' ? true : undefined));

    const transaction = `HP${Date.now()}${randomBytes(2).readUInt16BE(0)}`;
    const delivery = hotmartPurchase(transaction, decorate.sck ?? String(click.sessionId));
    const received = await api('POST', `/api/v1/webhooks/hotmart?tenant=${tenant.id}`, JSON.stringify(delivery), { 'x-hotmart-hottok': hottok });
    const webhookId = String(received.id);
    out(`  2 purchase  Hotmart PURCHASE_APPROVED ${transaction}, sck=${decorate.sck ?? ''} (signed with the hottok) → 200, ${webhookId}`);

    const recorded = await waitFor('the Purchase at the Meta sandbox', async () =>
      sandbox.recorder.events({ pixelId: PIXEL_ID }).find((e) => e.eventName === 'Purchase'),
    );
    const told = await waitFor('the dispatch attempt to be recorded', async () => {
      const s = await story(webhookId);
      const capi = (s.capiEvents as Array<Record<string, unknown>> | undefined)?.find((c) => c.eventName === 'Purchase');
      return capi && capi.status === 'sent' ? s : undefined;
    });

    const conversion = (told.conversions as Array<Record<string, unknown>>)[0] ?? {};
    const match = (conversion.match ?? {}) as Record<string, unknown>;
    const capi = (told.capiEvents as Array<Record<string, unknown>>).find((c) => c.eventName === 'Purchase')!;
    const attempts = capi.dispatchAttempts as Array<Record<string, unknown>>;
    const last = attempts[attempts.length - 1] ?? {};
    const userData = (recorded.event.user_data ?? {}) as Record<string, unknown>;
    const custom = (recorded.event.custom_data ?? {}) as Record<string, unknown>;
    out(`  3 normalized ${String(conversion.kind)} ${String(conversion.transactionId)}: ${String(conversion.value)} ${String(conversion.currency)}`);
    out(`  4 matched   ${String(match.method)} (confidence ${String(match.confidence)}) → session ${String(match.sessionId)}, click ${String(match.clickId)}`);
    out(`  5 CAPI event ${String(capi.id)}: ${String(capi.eventName)}, event_id ${String(capi.eventId)}, status ${String(capi.status)}`);
    out(
      `  6 attempt   HTTP ${String(last.httpStatus)}, events_received ${String(last.eventsReceived)}, fbtrace_id ${String(last.fbtraceId)}, ${String(last.durationMs)} ms`,
    );
    const hashed = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'external_id'].filter((k) => k in userData);
    out('');
    out(
      `  ${t('demo.received', {
        name: recorded.eventName,
        eventId: String(recorded.eventId),
        value: String(custom.value),
        currency: String(custom.currency),
        fbc: String(userData.fbc ?? '-'),
        hashed: hashed.join(' '),
      })}`,
    );
    const tested = await api('POST', '/api/v1/connections/meta/test', {}, { authorization: `Bearer ${secretKey}` });
    out(`  ${t('demo.testEvent', { result: String(tested.result), name: String(tested.eventName), code: String(tested.testEventCode) })}`);
    out('');
    // The demo's hub stops with this command, so the last line points at the seller's own next step,
    // not at a URL that is about to go dead.
    out(`  ${t('demo.next')}`);
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await app.close();
    await runtime.close();
    await sandbox.close();
    if (options.keep) out(`  ${t('demo.kept', { dir: dataDir })}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A Hotmart postback 2.0.0 PURCHASE_APPROVED as Hotmart sends it, carrying the click's session in origin.sck. */
function hotmartPurchase(transaction: string, sck: string): Record<string, unknown> {
  const now = Date.now();
  return {
    id: `demo-${transaction}`,
    creation_date: now,
    event: 'PURCHASE_APPROVED',
    version: '2.0.0',
    data: {
      product: { id: 4774438, ucode: '559fef42-3406-4d82-b775-d09bd33936b1', name: 'Curso Demo' },
      buyer: {
        email: 'maria.silva@example.com',
        name: 'Maria Silva',
        first_name: 'Maria',
        last_name: 'Silva',
        checkout_phone: '11999998888',
        address: { city: 'São Paulo', state: 'São Paulo', country: 'Brasil', country_iso: 'BR', zipcode: '01310100' },
      },
      purchase: {
        approved_date: now,
        order_date: now - 60_000,
        price: { value: 197, currency_value: 'BRL' },
        full_price: { value: 197, currency_value: 'BRL' },
        status: 'APPROVED',
        transaction,
        payment: { installments_number: 1, type: 'PIX' },
        offer: { code: 'demo' },
        origin: { sck, src: 'fb_ads' },
        buyer_ip: '177.10.20.30',
      },
    },
  };
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new InvalidArgumentError(t('cli.notANumber', { option: '--timeout', unit: 'seconds (1-3600)', value }));
  }
  return seconds * 1000;
}

export const demoCommands: CommandFactory = (program, loadConfig) => {
  program
    .command('demo')
    .description('Show the whole flow: a click and a signed Hotmart purchase reach a local Meta sandbox (temporary database)')
    .option('--keep', 'keep the temporary database directory', false)
    .addOption(new Option('--timeout <seconds>', 'give up after this many seconds').argParser(parseSeconds).default(60_000, '60'))
    .action(async (opts: { keep: boolean; timeout: number }) => {
      await runDemo(loadConfig(), { keep: opts.keep, timeoutMs: opts.timeout });
      process.exit(0);
    });
};
