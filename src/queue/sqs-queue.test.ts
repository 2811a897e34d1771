// Guards the SQS queue driver with the real AWS SDK against an SQS emulator: the shared queue contract
// (through the outbox and its relay), plus what only SQS has — queues and redrive policies created at
// start, message attributes for tenant and trace, long delays, batched deletes.
import { randomBytes } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../../test/support/databases.ts';
import { startSqsEmulator, type SqsEmulator } from '../../test/support/emulators.ts';
import { createOutboxRelay } from './outbox-relay.ts';
import { describeQueueContract } from './queue-contract.ts';
import { createSqsQueue, type SqsQueue } from './sqs-queue.ts';
import { toMessageAttributes } from './sqs-messages.ts';

let store: TestStore;
let emulator: SqsEmulator;
let client: SQSClient;

beforeAll(async () => {
  [store, emulator] = await Promise.all([createTestStore('postgres'), startSqsEmulator()]);
  client = emulator.client();
});
afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
  await store?.dispose();
});

/** A driver on fresh queues (a new name prefix) and an empty outbox, with a relay to publish. */
async function openSqs() {
  await store.db.deleteFrom('outbox').execute();
  const prefix = `t${randomBytes(4).toString('hex')}-`;
  const queue = createSqsQueue({ db: store.db, client, prefix });
  const relay = createOutboxRelay({ db: store.db, publisher: queue });
  return {
    queue,
    relay,
    prefix,
    db: store.db,
    async publish() {
      while ((await relay.publishOnce()) > 0);
    },
    async close() {
      await relay.stop();
      await queue.close();
    },
  };
}

describeQueueContract('sqs (local-aws-sqs) through the outbox', openSqs, { shortMs: 1000 });

describe('sqs driver', () => {
  let h: Awaited<ReturnType<typeof openSqs>>;
  afterEach(async () => {
    await h?.close();
  });

  async function receiveRaw(queue: SqsQueue, wait = 0) {
    const { url } = await queue.queueUrls('ingest-events');
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, MessageAttributeNames: ['All'], VisibilityTimeout: 30 }),
    );
    return Messages;
  }

  it('creates each queue with a dead-letter queue and a redrive policy from the job catalog, once', async () => {
    h = await openSqs();
    const { url, dlqUrl } = await h.queue.queueUrls('capi-dispatch');
    expect(url).toMatch(new RegExp(`/${h.prefix}capi-dispatch$`));
    expect(dlqUrl).toMatch(new RegExp(`/${h.prefix}capi-dispatch-dlq$`));
    const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }));
    expect(JSON.parse(attrs.Attributes?.RedrivePolicy ?? '{}')).toMatchObject({
      deadLetterTargetArn: expect.stringMatching(new RegExp(`:${h.prefix}capi-dispatch-dlq$`)),
      maxReceiveCount: 1000,
    });
    // A second process with the same prefix finds the same queues.
    const again = createSqsQueue({ db: store.db, client, prefix: h.prefix });
    expect(await again.queueUrls('capi-dispatch')).toEqual({ url, dlqUrl });
    await again.ping();
  });

  it('writes only the outbox inside the transaction; SQS sees the job after the relay, with tenant and trace attributes', async () => {
    h = await openSqs();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await store.db.transaction().execute((trx) =>
      h.queue.enqueue(trx, 'ingest-events', [{ tenantId: 'ten_1', payload: { eventId: 'evt_1', tenantId: 'ten_1', _trace: traceparent } }]),
    );
    const rows = await store.db.selectFrom('outbox').selectAll().execute();
    expect(rows).toMatchObject([{ queue: 'ingest-events', tenant_id: 'ten_1' }]);
    expect(await receiveRaw(h.queue)).toEqual([]);

    expect(await h.relay.publishOnce()).toBe(1);
    expect(await store.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
    const [message] = await receiveRaw(h.queue);
    expect(JSON.parse(message?.Body ?? '')).toEqual({ eventId: 'evt_1', tenantId: 'ten_1', _trace: traceparent });
    expect(message?.MessageAttributes).toMatchObject({
      tenantId: { DataType: 'String', StringValue: 'ten_1' },
      jobId: { StringValue: rows[0]?.id },
      traceparent: { StringValue: traceparent },
    });
  });

  it('waits out a delay longer than SQS allows without counting an attempt', async () => {
    h = await openSqs();
    const { url } = await h.queue.queueUrls('ingest-events');
    // As a retry with a one-hour delay looks once its first 15 minutes have passed.
    const early = toMessageAttributes({ jobId: 'obx_late', tenantId: 'ten_1', payload: { eventId: 'e' }, attempts: 2, createdAt: Date.now(), notBefore: Date.now() + 3_600_000 });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '{"eventId":"e"}', MessageAttributes: early }));
    expect(await h.queue.claim('ingest-events', { max: 10, visibilityMs: 30_000, workerId: 'w' })).toEqual([]);
    const attrs = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(attrs.Attributes).toMatchObject({ ApproximateNumberOfMessagesDelayed: '1', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('deletes acked jobs in batches of ten', async () => {
    h = await openSqs();
    const calls: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        calls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    try {
      await store.db.transaction().execute((trx) =>
        h.queue.enqueue(trx, 'ingest-events', Array.from({ length: 25 }, (_, i) => ({ tenantId: 't', payload: { eventId: `e${i}` } }))),
      );
      await h.publish();
      const jobs = await h.queue.claim('ingest-events', { max: 25, visibilityMs: 30_000, workerId: 'w' });
      expect(jobs).toHaveLength(25);
      calls.length = 0;
      await Promise.all(jobs.map((j) => h.queue.ack(j)));
      expect(calls.filter((c) => c === 'DeleteMessageBatchCommand')).toHaveLength(3);
      expect(calls.filter((c) => c === 'DeleteMessageCommand')).toHaveLength(0);
      expect(await h.queue.depth('ingest-events')).toMatchObject({ ready: 0, inFlight: 0 });
    } finally {
      client.middlewareStack.remove('countCalls');
    }
  });

  it('counts jobs still in the outbox as ready, with their age', async () => {
    h = await openSqs();
    await store.db.transaction().execute((trx) => h.queue.enqueue(trx, 'capi-dispatch', [{ tenantId: 't', payload: { capiEventId: 'c', tenantId: 't' } }]));
    const depth = await h.queue.depth('capi-dispatch');
    expect(depth.ready).toBe(1);
    expect(depth.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect((await h.queue.depth('ingest-events')).ready).toBe(0);
  });
});
