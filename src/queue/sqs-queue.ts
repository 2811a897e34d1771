// The SQS queue driver. Producers write an outbox row inside their own transaction (so a 2xx means
// durable without waiting on SQS); the outbox relay publishes those rows. Workers receive from
// `<prefix>ingest-events` / `<prefix>capi-dispatch`, each with a `-dlq` dead-letter queue.
//
// Terminology: a *job* is the hub's unit of work, with a stable id; a *message* is one SQS copy of it.
// A retry re-sends the job as a new message with its attempt count plus one (and deletes the old one),
// so attempts are exact rather than SQS's *approximate* receive count, the last error travels with the
// job, and delays use DelaySeconds. SQS's own redrive policy stays as the backstop for a message that
// keeps crashing its worker before any outcome is recorded.
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { sql } from 'kysely';
import { newId } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import type { Db } from '../store/connect.ts';
import { jobCatalog } from './job-catalog.ts';
import type { ClaimedJob, Queue, QueueDepth, QueueName, ProducerTable } from './queue.ts';
import { QUEUE_NAMES } from './queue.ts';
import { createDeadLetterBrowser } from './sqs-dead-letters.ts';
import { createDeleteBatcher } from './sqs-delete-batcher.ts';
import {
  MAX_DELAY_SECONDS,
  fromMessage,
  toDelaySeconds,
  toMessageAttributes,
  toVisibilitySeconds,
  type JobEnvelope,
} from './sqs-messages.ts';
import { stampTrace } from './trace-context.ts';

export interface SqsQueueOptions {
  db: Db;
  /** Queue names are `${prefix}ingest-events`, `${prefix}capi-dispatch` and their `-dlq`s. */
  prefix: string;
  /** Defaults to a client configured by the AWS SDK's standard variables; a given client is not destroyed on close. */
  client?: SQSClient;
  logger?: Logger;
  /** Told after enqueue wrote outbox rows, so an in-process relay can publish without waiting for its next poll. */
  onEnqueue?: () => void;
}

export interface QueueUrls {
  url: string;
  dlqUrl: string;
}

/** One job as the outbox relay hands it over for publishing. */
export interface OutboxJob {
  id: string;
  tenantId: string | null;
  payload: unknown;
  createdAt: Date;
}

export interface SqsQueue extends Queue {
  readonly driver: 'sqs';
  /** Creates the queues (and their dead-letter queues) if missing; returns their URLs. */
  queueUrls(queue: QueueName): Promise<QueueUrls>;
  /** Sends jobs to their queue, ten per SendMessageBatch; returns the ids SQS acknowledged. */
  publish(queue: QueueName, jobs: OutboxJob[]): Promise<string[]>;
}

const DLQ_RETENTION_SECONDS = 14 * 24 * 3600; // SQS's maximum: dead jobs wait for an operator

export function createSqsQueue(options: SqsQueueOptions): SqsQueue {
  const { db, prefix, logger, onEnqueue } = options;
  const client = options.client ?? new SQSClient({});
  const deleter = createDeleteBatcher(client);
  // What a claim read off each message that the ClaimedJob shape has no room for (created time, …).
  const envelopes = new WeakMap<ClaimedJob, JobEnvelope>();
  let urls: Promise<Record<QueueName, QueueUrls>> | undefined;

  async function createOrGet(name: string, attributes: Record<string, string>): Promise<string> {
    try {
      const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      if (created.QueueUrl) return created.QueueUrl;
    } catch (err) {
      // It exists with other attributes (an operator tuned it): use it as it is.
      if (!(err instanceof QueueNameExists)) throw err;
    }
    const found = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!found.QueueUrl) throw new Error(`SQS returned no URL for queue ${name}`);
    return found.QueueUrl;
  }

  async function createQueues(): Promise<Record<QueueName, QueueUrls>> {
    const out: Partial<Record<QueueName, QueueUrls>> = {};
    for (const queue of QUEUE_NAMES) {
      const spec = jobCatalog[queue];
      const dlqUrl = await createOrGet(`${prefix}${queue}-dlq`, { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) });
      const arn = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
      const deadLetterTargetArn = arn.Attributes?.QueueArn;
      if (!deadLetterTargetArn) throw new Error(`SQS returned no ARN for queue ${prefix}${queue}-dlq`);
      const url = await createOrGet(`${prefix}${queue}`, {
        VisibilityTimeout: String(toVisibilitySeconds(spec.visibilityMs)),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: Math.min(1000, Math.max(1, spec.maxAttempts)) }),
      });
      out[queue] = { url, dlqUrl };
    }
    return out as Record<QueueName, QueueUrls>;
  }

  async function queueUrls(queue: QueueName): Promise<QueueUrls> {
    urls ??= createQueues().catch((err: unknown) => {
      urls = undefined; // try again on the next call
      throw err;
    });
    return (await urls)[queue];
  }

  /** Sends one job as a new message; a delay beyond 15 minutes rides as `notBefore` and is re-sent when early. */
  async function send(queueUrl: string, job: JobEnvelope, delayMs: number): Promise<void> {
    const envelope = delayMs > MAX_DELAY_SECONDS * 1000 ? { ...job, notBefore: Date.now() + delayMs } : { ...job, notBefore: undefined };
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(job.payload),
        DelaySeconds: toDelaySeconds(delayMs),
        MessageAttributes: toMessageAttributes(envelope),
      }),
    );
  }

  function envelopeOf(job: ClaimedJob): JobEnvelope {
    return envelopes.get(job) ?? { jobId: job.id, tenantId: job.tenantId, payload: job.payload, attempts: job.attempts, createdAt: Date.now() };
  }

  function receiptOf(job: ClaimedJob): string {
    if (!job.receipt) throw new Error(`job ${job.id} has no SQS receipt handle; it was not claimed from SQS`);
    return job.receipt;
  }

  async function deadLetter(job: ClaimedJob, error: string): Promise<void> {
    const { url, dlqUrl } = await queueUrls(job.queue);
    await send(dlqUrl, { ...envelopeOf(job), attempts: job.attempts + 1, lastError: error, notBefore: undefined }, 0);
    await deleter.delete(url, receiptOf(job));
  }

  const dead = createDeadLetterBrowser({ client, queueUrls, send });

  const producer: ProducerTable = { table: 'outbox', idPrefix: 'obx', ...(onEnqueue ? { written: onEnqueue } : {}) };
  return {
    driver: 'sqs',
    producer,
    queueUrls,

    async enqueue(trx, queue, jobs) {
      if (jobs.length === 0) return;
      await trx
        .insertInto('outbox')
        .values(
          jobs.map((j) => ({
            id: newId(producer.idPrefix),
            queue,
            tenant_id: j.tenantId,
            payload: JSON.stringify(stampTrace(j.payload)),
            // For a delayed job, the relay leaves the row alone until it is due (any delay, beyond SQS's 15 minutes).
            locked_until: j.delayMs ? sql<Date>`now() + ${`${Math.round(j.delayMs)} milliseconds`}::interval` : null,
          })) as never,
        )
        .execute();
      onEnqueue?.();
    },

    async publish(queue, jobs) {
      const { url } = await queueUrls(queue);
      const published: string[] = [];
      const batches: OutboxJob[][] = [];
      for (let i = 0; i < jobs.length; i += 10) batches.push(jobs.slice(i, i + 10));
      const results = await Promise.allSettled(
        batches.map(async (batch) => {
          const result = await client.send(
            new SendMessageBatchCommand({
              QueueUrl: url,
              Entries: batch.map((j) => ({
                Id: j.id,
                MessageBody: JSON.stringify(j.payload),
                MessageAttributes: toMessageAttributes({ jobId: j.id, tenantId: j.tenantId, payload: j.payload, attempts: 0, createdAt: j.createdAt.getTime() }),
              })),
            }),
          );
          for (const ok of result.Successful ?? []) if (ok.Id) published.push(ok.Id);
          for (const failed of result.Failed ?? []) logger?.warn({ queue, jobId: failed.Id, code: failed.Code }, 'SQS refused a message; the outbox keeps it');
        }),
      );
      // Some batches through, some not: report what SQS took (the rest stay in the outbox); none through: fail.
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (errors.length && published.length === 0) throw errors[0];
      if (errors.length) logger?.warn({ queue, err: errors[0], failedBatches: errors.length }, 'some outbox batches were not published; retrying them');
      return published;
    },

    async claim(queue, { max, visibilityMs, waitMs }) {
      const { url } = await queueUrls(queue);
      // Only the first receive long-polls; the rest fill the batch from what is already there.
      let wait = Math.min(20, Math.floor((waitMs ?? 0) / 1000));
      const received = new Map<string, Message>();
      while (received.size < max) {
        const want = Math.min(10, max - received.size);
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: want,
            WaitTimeSeconds: wait,
            VisibilityTimeout: toVisibilitySeconds(visibilityMs),
            MessageSystemAttributeNames: ['All'],
            // The older name of the same parameter, still honoured by SQS and the only one some emulators read.
            AttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        wait = 0;
        // Keyed by MessageId: a message whose visibility lapsed mid-call can come twice; the last receipt wins.
        for (const m of Messages) if (m.MessageId && m.ReceiptHandle) received.set(m.MessageId, m);
        if (Messages.length < want) break;
      }
      const jobs: ClaimedJob[] = [];
      for (const message of received.values()) {
        const { receiveCount, ...envelope } = fromMessage(message);
        if (envelope.notBefore && envelope.notBefore > Date.now()) {
          // Came back early from a delay longer than SQS allows: wait the rest, without counting an attempt.
          await send(url, envelope, envelope.notBefore - Date.now());
          await deleter.delete(url, message.ReceiptHandle as string);
          continue;
        }
        const job: ClaimedJob = {
          id: envelope.jobId,
          queue,
          tenantId: envelope.tenantId,
          payload: envelope.payload,
          // Receives of this message that ended without an outcome (a crash, a lapsed timeout) count too.
          attempts: envelope.attempts + receiveCount - 1,
          receipt: message.ReceiptHandle as string,
        };
        envelopes.set(job, envelope);
        jobs.push(job);
      }
      return jobs;
    },

    async ack(job) {
      const { url } = await queueUrls(job.queue);
      await deleter.delete(url, receiptOf(job));
    },

    async retry(job, { delayMs, error, maxAttempts }) {
      if (job.attempts + 1 >= maxAttempts) {
        await deadLetter(job, error);
        return 'dead';
      }
      const { url } = await queueUrls(job.queue);
      await send(url, { ...envelopeOf(job), attempts: job.attempts + 1, lastError: error }, delayMs);
      await deleter.delete(url, receiptOf(job));
      return 'retried';
    },

    deadLetter,

    async extend(job, visibilityMs) {
      const { url } = await queueUrls(job.queue);
      await client.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: receiptOf(job), VisibilityTimeout: toVisibilitySeconds(visibilityMs) }),
      );
    },

    async depth(queue): Promise<QueueDepth> {
      const { url, dlqUrl } = await queueUrls(queue);
      const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;
      const [main, dlq, outbox] = await Promise.all([
        client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...names] })),
        client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: [...names] })),
        // Jobs not yet published are waiting too; their age is the only oldest-age SQS lets us compute
        // (the age of SQS's oldest message is a CloudWatch metric, not a queue attribute).
        sql<{ n: number; oldest: number | null }>`
          SELECT count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS oldest
          FROM outbox WHERE queue = ${queue}`.execute(db),
      ]);
      const n = (attrs: Record<string, string> | undefined, name: (typeof names)[number]) => Number(attrs?.[name] ?? 0) || 0;
      const pending = outbox.rows[0];
      return {
        ready: n(main.Attributes, 'ApproximateNumberOfMessages') + n(main.Attributes, 'ApproximateNumberOfMessagesDelayed') + (pending?.n ?? 0),
        inFlight: n(main.Attributes, 'ApproximateNumberOfMessagesNotVisible'),
        dead: n(dlq.Attributes, 'ApproximateNumberOfMessages') + n(dlq.Attributes, 'ApproximateNumberOfMessagesNotVisible') + n(dlq.Attributes, 'ApproximateNumberOfMessagesDelayed'),
        oldestAgeSeconds: pending?.oldest ?? 0,
      };
    },

    listDead: dead.list,
    redrive: dead.redrive,

    async ping() {
      const { url } = await queueUrls('ingest-events');
      await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    },

    async close() {
      await deleter.drain();
      if (!options.client) client.destroy();
    },
  };
}
