// Listing and redriving one tenant's dead jobs on SQS. SQS has no way to browse a queue, so this
// receives from the dead-letter queue with a short visibility timeout, keeps the tenant's messages,
// and makes every message it did not take visible again at once. It is a best-effort operator view:
// two listings at the same moment can hide messages from each other for a few seconds, and the order
// is SQS's, not the jobs' age.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadJob, QueueName } from './queue.ts';
import { fromMessage, type JobEnvelope } from './sqs-messages.ts';

interface Deps {
  client: SQSClient;
  queueUrls(queue: QueueName): Promise<{ url: string; dlqUrl: string }>;
  send(queueUrl: string, job: JobEnvelope, delayMs: number): Promise<void>;
}

/** Bounds one scan: an operator view must answer quickly even with a large dead-letter queue. */
const MAX_SCANNED = 1000;
const SCAN_VISIBILITY_SECONDS = 30;

type Scanned = { message: Message; job: JobEnvelope };

export function createDeadLetterBrowser({ client, queueUrls, send }: Deps) {
  /** Receives until `enough` says so or the queue has nothing more; returns the matches and a release. */
  async function scan(dlqUrl: string, matches: (job: JobEnvelope) => boolean, enough: (found: number) => boolean) {
    const seen = new Map<string, Message>();
    const found: Scanned[] = [];
    let emptyReceives = 0;
    // Short polls sample a subset of SQS's servers and may come back empty while messages remain.
    while (emptyReceives < 3 && seen.size < MAX_SCANNED && !enough(found.length)) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: SCAN_VISIBILITY_SECONDS,
          MessageSystemAttributeNames: ['All'],
          AttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const fresh = Messages.filter((m) => m.MessageId && m.ReceiptHandle && !seen.has(m.MessageId));
      emptyReceives = fresh.length === 0 ? emptyReceives + 1 : 0;
      for (const message of fresh) {
        seen.set(message.MessageId as string, message);
        const { receiveCount: _ignored, ...job } = fromMessage(message);
        if (matches(job)) found.push({ message, job });
      }
    }
    return {
      found,
      /** Makes every scanned message except `taken` visible again. */
      async release(taken: Set<string> = new Set()) {
        const back = [...seen.values()].filter((m) => !taken.has(m.MessageId as string));
        for (let i = 0; i < back.length; i += 10) {
          await client.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: dlqUrl,
              Entries: back.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle as string, VisibilityTimeout: 0 })),
            }),
          );
        }
      },
    };
  }

  return {
    async list(queue: QueueName, tenantId: string, limit: number): Promise<DeadJob[]> {
      const { dlqUrl } = await queueUrls(queue);
      const result = await scan(dlqUrl, (job) => job.tenantId === tenantId, (n) => n >= limit);
      await result.release();
      return result.found
        .slice(0, limit)
        .map(({ job }) => ({
          id: job.jobId,
          queue,
          tenantId: job.tenantId,
          payload: job.payload,
          attempts: job.attempts,
          lastError: job.lastError ?? null,
          createdAt: new Date(job.createdAt),
        }))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    },

    async redrive(queue: QueueName, tenantId: string, jobId: string): Promise<boolean> {
      const { url, dlqUrl } = await queueUrls(queue);
      const result = await scan(dlqUrl, (job) => job.tenantId === tenantId && job.jobId === jobId, (n) => n > 0);
      const hit = result.found[0];
      try {
        if (!hit) return false;
        // Back on its queue as new, attempts reset; then off the dead-letter queue (a crash between the two
        // leaves a copy in both, which consumers tolerate: they are idempotent).
        await send(url, { ...hit.job, attempts: 0, lastError: undefined, notBefore: undefined }, 0);
        await client.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: hit.message.ReceiptHandle as string }));
        return true;
      } finally {
        await result.release(new Set(hit ? [hit.message.MessageId as string] : []));
      }
    },
  };
}
