// Guards error reporting with SENTRY_DSN set: an unexpected 5xx and a dead-lettered job each reach
// Sentry (a local endpoint here) as one event, and neither carries the buyer's e-mail or phone, the
// gateway token or any other secret, even when the error message itself quotes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeErrorReporting, initErrorReporting } from '../../src/lib/error-reporting.ts';
import { startSentryReceiver, type SentryReceiver } from '../support/telemetry-receivers.ts';
import { bearer, buildTestApp, createTenantViaApi, type TestApp } from '../support/app.ts';
import { gatewayFixture, signedHotmart } from '../support/signed-webhooks.ts';
import { startQueueWorker } from '../../src/workers/queue-runner.ts';
import { createMatchHandler, matchWorkerDeps } from '../../src/workers/match/index.ts';
import { waitFor } from './pipeline-harness.ts';

const HOTTOK = 'hottok-sentry-0123456789';
const EMAIL = 'ana.souza@example.com';
const PHONE = '(11) 98888-7777';

describe('error reporting to Sentry', () => {
  let receiver: SentryReceiver;
  let t: TestApp;
  let failWrites = false;
  beforeAll(async () => {
    receiver = await startSentryReceiver();
    expect(await initErrorReporting(receiver.dsn)).toBe(true);
    t = await buildTestApp({
      config: { logLevel: 'silent' },
      // The database refuses the write with a message that quotes the row, as PostgreSQL does.
      extendDeps: (deps) => ({
        ...deps,
        ingest: {
          write: (item) =>
            failWrites
              ? Promise.reject(new Error(`insert failed: Key (buyer)=(${EMAIL}, ${PHONE}) hottok=${HOTTOK} already exists`))
              : deps.ingest.write(item),
          flush: () => deps.ingest.flush(),
        },
      }),
    });
  });
  afterAll(async () => {
    await closeErrorReporting();
    await t?.close();
    await receiver?.close();
  });

  const eventsWith = (fragment: string) => receiver.events().filter((e) => JSON.stringify(e).includes(fragment));
  const expectNoPii = () => {
    const sent = receiver.envelopes.join('\n');
    for (const secret of [EMAIL, PHONE, '98888-7777', HOTTOK, 'x-hotmart-hottok', 'Maria', 'buyer@']) expect(sent).not.toContain(secret);
  };

  it('reports an unexpected 5xx once, with route and request id, without PII', async () => {
    const tenant = await createTenantViaApi(t.app, 'Sentry Cursos');
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/connections/hotmart', headers: bearer(tenant.secretKey), payload: { hottok: HOTTOK } });
    expect(put.statusCode).toBe(200);
    const body = gatewayFixture('hotmart', 'purchase-approved');
    failWrites = true;
    const d = signedHotmart(tenant.id, HOTTOK, body);
    const res = await t.app.inject({ method: 'POST', url: d.url, headers: { ...d.headers, 'x-request-id': 'req_sentry_1' }, payload: d.body });
    failWrites = false;
    expect(res.statusCode).toBe(500);

    const [event] = await waitFor('the 5xx event', () => eventsWith('req_sentry_1').length > 0 && eventsWith('req_sentry_1'), 10_000);
    expect(eventsWith('req_sentry_1')).toHaveLength(1);
    expect(event).toMatchObject({ level: 'error', tags: { route: '/api/v1/webhooks/:gateway', method: 'POST', request_id: 'req_sentry_1' } });
    const exception = (event!.exception as { values: Array<{ value: string }> }).values[0]!;
    expect(exception.value).toBe('insert failed: Key (buyer)=([email], [phone]) hottok=[token] already exists');
    expect(event).not.toHaveProperty('request.data');
    expect(event).not.toHaveProperty('user');
    expectNoPii();
  }, 30_000);

  it('reports a dead-lettered job once, without PII', async () => {
    const { store, queue } = t.deps;
    // A poison message: not an ingest-events payload, and carrying personal data it should not.
    await store.db.transaction().execute((trx) =>
      queue.enqueue(trx, 'ingest-events', [{ tenantId: null, payload: { eventId: 42, email: EMAIL, phone: PHONE } }]),
    );
    const worker = startQueueWorker({ queue, handler: createMatchHandler(matchWorkerDeps({ store, queue })), workerId: 'sentry:match', idleMs: 20 });
    try {
      const [event] = await waitFor('the dead-letter event', () => eventsWith('ingest-events job dead-lettered').length > 0 && eventsWith('ingest-events job dead-lettered'), 10_000);
      expect(eventsWith('ingest-events job dead-lettered')).toHaveLength(1);
      expect(event).toMatchObject({ level: 'error', message: 'ingest-events job dead-lettered', tags: { queue: 'ingest-events' } });
      expect(JSON.stringify((event as { extra?: unknown }).extra)).toContain('invalid ingest-events payload');
    } finally {
      await worker.stop();
    }
    expectNoPii();
  }, 30_000);
});
