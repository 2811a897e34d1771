// Acks arrive one job at a time (the runner applies a batch's outcomes concurrently); this collects the
// deletes issued in the same tick into DeleteMessageBatch calls of up to ten, SQS's limit per call.
import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

interface PendingDelete {
  receiptHandle: string;
  resolve(): void;
  reject(err: Error): void;
}

export interface DeleteBatcher {
  delete(queueUrl: string, receiptHandle: string): Promise<void>;
  /** Resolves when every delete issued so far has been answered. */
  drain(): Promise<void>;
}

export function createDeleteBatcher(client: SQSClient): DeleteBatcher {
  let pending = new Map<string, PendingDelete[]>();
  let scheduled = false;
  const inFlight = new Set<Promise<void>>();

  async function send(queueUrl: string, entries: PendingDelete[]): Promise<void> {
    try {
      const result = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries.map((e, i) => ({ Id: String(i), ReceiptHandle: e.receiptHandle })),
        }),
      );
      const failed = new Map((result.Failed ?? []).map((f) => [f.Id, f]));
      entries.forEach((e, i) => {
        const f = failed.get(String(i));
        if (f) e.reject(new Error(`SQS did not delete the message: ${f.Code ?? 'error'} ${f.Message ?? ''}`.trim()));
        else e.resolve();
      });
    } catch (err) {
      for (const e of entries) e.reject(err as Error);
    }
  }

  function flush(): void {
    scheduled = false;
    const batches = pending;
    pending = new Map();
    for (const [queueUrl, entries] of batches) {
      for (let i = 0; i < entries.length; i += 10) {
        const p = send(queueUrl, entries.slice(i, i + 10));
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    }
  }

  return {
    delete(queueUrl, receiptHandle) {
      return new Promise<void>((resolve, reject) => {
        const list = pending.get(queueUrl) ?? [];
        list.push({ receiptHandle, resolve, reject });
        pending.set(queueUrl, list);
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    async drain() {
      if (scheduled) flush();
      await Promise.allSettled([...inFlight]);
    },
  };
}
