// Guards the wiring of HUB_QUEUE=sqs: the runtime builds the SQS driver from the AWS SDK's standard
// variables, relays the outbox in the background, and hands what it enqueued to SQS before it closes.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/databases.ts';
import { startSqsEmulator, type SqsEmulator } from '../../test/support/emulators.ts';
import { openRuntime } from '../bin/runtime.ts';
import { testConfig } from '../config.ts';
import { createLogger } from '../lib/logger.ts';

let emulator: SqsEmulator;
let database: { url: string; drop(): Promise<void> };
const saved = { ...process.env };

beforeAll(async () => {
  [emulator, database] = await Promise.all([startSqsEmulator(), createTestDatabase()]);
  // What an operator sets; the SDK reads these itself (this test file runs in its own process).
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SQS: emulator.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
});
afterAll(async () => {
  process.env = saved;
  await emulator?.stop();
  await database?.drop();
});

describe('runtime with HUB_QUEUE=sqs', () => {
  it('publishes enqueued jobs through the background relay and drains the outbox on close', async () => {
    const config = testConfig({ queue: 'sqs', databaseUrl: database.url, sqsQueuePrefix: `rt${randomBytes(3).toString('hex')}-` });
    const logger = createLogger('silent');
    const api = await openRuntime(config, { migrate: true, logger });
    expect(api.queue.driver).toBe('sqs');
    const payload = { eventId: 'evt_rt', tenantId: 'ten_rt' };
    await api.store.db.transaction().execute((trx) => api.queue.enqueue(trx, 'ingest-events', [{ tenantId: 'ten_rt', payload }]));

    const worker = await openRuntime(config, { logger });
    try {
      await expect
        .poll(async () => (await worker.queue.claim('ingest-events', { max: 10, visibilityMs: 30_000, workerId: 'w' })).map((j) => j.payload), {
          timeout: 5000,
          interval: 100,
        })
        .toEqual([payload]);

      // A job enqueued just before close still reaches SQS (the last relay round).
      await api.store.db.transaction().execute((trx) => api.queue.enqueue(trx, 'capi-dispatch', [{ tenantId: 'ten_rt', payload: { capiEventId: 'c', tenantId: 'ten_rt' } }]));
      await api.close();
      const depth = await worker.queue.depth('capi-dispatch');
      expect(depth.ready).toBe(1);
      expect(await worker.store.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
      await worker.queue.ping();
    } finally {
      await worker.close();
    }
  });
});
