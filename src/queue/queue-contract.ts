// The behaviour every queue driver must show, as one suite that each driver's test file runs against
// its own backend (the database tables; SQS through the outbox). A driver passes only if jobs are
// never lost, never handed to two workers at once, and come back when a worker goes silent.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../store/connect.ts';
import type { ClaimedJob, NewJob, Queue, QueueName } from './queue.ts';

export interface QueueHarness {
  queue: Queue;
  db: Db;
  /** Makes committed enqueues claimable: the SQS driver's outbox relay publishes; a no-op for the database. */
  publish(): Promise<void>;
  close(): Promise<void>;
}

const Q: QueueName = 'ingest-events';
const TENANT = 'ten_contract_a';
const OTHER_TENANT = 'ten_contract_b';
const LONG_MS = 30_000;

function job(n: number, tenantId: string | null = TENANT, delayMs?: number): NewJob {
  return { tenantId, payload: { eventId: `evt_${n}`, tenantId: tenantId ?? 'none' }, ...(delayMs ? { delayMs } : {}) };
}

export interface ContractTiming {
  /** The shortest visibility timeout or delay the driver honours (SQS counts whole seconds: 1000). */
  shortMs: number;
}

export function describeQueueContract(name: string, open: () => Promise<QueueHarness>, timing: ContractTiming): void {
  const SHORT_MS = timing.shortMs;
  // Long enough past SHORT_MS for timers and clocks on a loaded two-core machine.
  const AFTER_SHORT_MS = SHORT_MS + Math.max(400, SHORT_MS / 2);
  describe(`queue contract: ${name}`, () => {
    let h: QueueHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.close();
    });

    async function enqueue(jobs: NewJob[], queue: QueueName = Q): Promise<void> {
      await h.db.transaction().execute((trx) => h.queue.enqueue(trx, queue, jobs));
    }
    async function claim(max = 10, visibilityMs = LONG_MS, workerId = 'w1'): Promise<ClaimedJob[]> {
      await h.publish();
      return h.queue.claim(Q, { max, visibilityMs, workerId });
    }
    const eventIds = (jobs: ClaimedJob[]) => jobs.map((j) => (j.payload as { eventId: string }).eventId).sort();

    it('hands out a job enqueued in a committed transaction, and none from a rolled-back one', async () => {
      await enqueue([job(1), job(2, null)]);
      await expect(
        h.db.transaction().execute(async (trx) => {
          await h.queue.enqueue(trx, Q, [job(3)]);
          throw new Error('the write that caused it failed');
        }),
      ).rejects.toThrow('the write that caused it failed');
      const jobs = await claim();
      expect(eventIds(jobs)).toEqual(['evt_1', 'evt_2']);
      const first = jobs.find((j) => j.tenantId === TENANT);
      expect(first).toMatchObject({ queue: Q, attempts: 0, payload: { eventId: 'evt_1', tenantId: TENANT } });
      expect(jobs.find((j) => j.tenantId === null)?.payload).toEqual({ eventId: 'evt_2', tenantId: 'none' });
      expect(await h.queue.claim('capi-dispatch', { max: 10, visibilityMs: LONG_MS, workerId: 'w1' })).toEqual([]);
    });

    it('claims in batches up to max', async () => {
      await enqueue(Array.from({ length: 25 }, (_, i) => job(i)));
      const first = await claim(20);
      expect(first).toHaveLength(20);
      const second = await claim(20);
      expect(second).toHaveLength(5);
      expect(new Set([...first, ...second].map((j) => j.id)).size).toBe(25);
      expect(await claim(20)).toEqual([]);
    });

    it('gives a claimed job to another worker once its visibility timeout lapses, counting the attempt', async () => {
      await enqueue([job(1)]);
      const [claimed] = await claim(10, SHORT_MS, 'w1');
      expect(claimed?.attempts).toBe(0);
      expect(await claim(10, LONG_MS, 'w2')).toEqual([]);
      await sleep(AFTER_SHORT_MS);
      const [again] = await claim(10, LONG_MS, 'w2');
      expect(again).toMatchObject({ id: claimed?.id, attempts: 1, payload: claimed?.payload });
    });

    it('forgets an acked job', async () => {
      await enqueue([job(1), job(2)]);
      const jobs = await claim();
      await Promise.all(jobs.map((j) => h.queue.ack(j)));
      expect(await claim()).toEqual([]);
      expect(await h.queue.depth(Q)).toMatchObject({ ready: 0, inFlight: 0, dead: 0 });
    });

    it('keeps an extended job invisible past its first timeout', async () => {
      await enqueue([job(1)]);
      const [claimed] = await claim(10, SHORT_MS);
      await h.queue.extend(claimed!, LONG_MS);
      await sleep(AFTER_SHORT_MS);
      expect(await claim()).toEqual([]);
    });

    it('retries after the delay with the attempt counted', async () => {
      await enqueue([job(1)]);
      const [claimed] = await claim();
      expect(await h.queue.retry(claimed!, { delayMs: SHORT_MS, error: 'click not here yet', maxAttempts: 5 })).toBe('retried');
      expect(await claim()).toEqual([]);
      await sleep(AFTER_SHORT_MS);
      const [again] = await claim();
      expect(again).toMatchObject({ id: claimed?.id, attempts: 1, tenantId: TENANT, payload: claimed?.payload });
    });

    it('runs a job enqueued with a delay only once it is due', async () => {
      await enqueue([job(1, TENANT, SHORT_MS)]);
      expect(await claim()).toEqual([]);
      await sleep(AFTER_SHORT_MS);
      expect(eventIds(await claim())).toEqual(['evt_1']);
    });

    it('dead-letters after max attempts; lists and redrives dead jobs per tenant only', async () => {
      await enqueue([job(1)]);
      const [first] = await claim();
      expect(await h.queue.retry(first!, { delayMs: 0, error: 'boom 1', maxAttempts: 2 })).toBe('retried');
      const [second] = await claim();
      expect(second?.attempts).toBe(1);
      expect(await h.queue.retry(second!, { delayMs: 0, error: 'boom 2', maxAttempts: 2 })).toBe('dead');
      expect(await claim()).toEqual([]);
      expect((await h.queue.depth(Q)).dead).toBe(1);

      const dead = await h.queue.listDead(Q, TENANT, 10);
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ id: first?.id, queue: Q, tenantId: TENANT, attempts: 2, lastError: 'boom 2', payload: first?.payload });
      expect(dead[0]?.createdAt).toBeInstanceOf(Date);
      expect(await h.queue.listDead(Q, OTHER_TENANT, 10)).toEqual([]);
      expect(await h.queue.redrive(Q, OTHER_TENANT, first!.id)).toBe(false);

      expect(await h.queue.redrive(Q, TENANT, first!.id)).toBe(true);
      const [redriven] = await claim();
      expect(redriven).toMatchObject({ id: first?.id, attempts: 0, payload: first?.payload });
      expect(await h.queue.listDead(Q, TENANT, 10)).toEqual([]);
      expect(await h.queue.redrive(Q, TENANT, first!.id)).toBe(false);
    });

    it('dead-letters on demand with the reason', async () => {
      await enqueue([job(1), job(2, OTHER_TENANT)]);
      const jobs = await claim();
      await Promise.all(jobs.map((j) => h.queue.deadLetter(j, `poison ${j.tenantId}`)));
      expect(await claim()).toEqual([]);
      const dead = await h.queue.listDead(Q, OTHER_TENANT, 10);
      expect(dead.map((d) => [d.tenantId, d.lastError, d.attempts])).toEqual([[OTHER_TENANT, `poison ${OTHER_TENANT}`, 1]]);
    });

    it('reports depth: ready, in flight, dead', async () => {
      expect(await h.queue.depth(Q)).toEqual({ ready: 0, inFlight: 0, dead: 0, oldestAgeSeconds: 0 });
      await enqueue([job(1), job(2), job(3)]);
      await h.publish();
      expect(await h.queue.depth(Q)).toMatchObject({ ready: 3, inFlight: 0, dead: 0 });
      const [claimed] = await claim(1);
      // `ready` is not asserted while a job is in flight: local-aws-sqs counts in-flight messages in
      // ApproximateNumberOfMessages (real SQS does not).
      expect((await h.queue.depth(Q)).inFlight).toBe(1);
      await h.queue.deadLetter(claimed!, 'poison');
      const depth = await h.queue.depth(Q);
      expect(depth).toMatchObject({ ready: 2, inFlight: 0, dead: 1 });
      expect(depth.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    });

    it('never hands the same job to two concurrent claimers', async () => {
      const total = 40;
      await enqueue(Array.from({ length: total }, (_, i) => job(i)));
      await h.publish();
      const seen: string[] = [];
      await Promise.all(
        ['w1', 'w2', 'w3', 'w4'].map(async (workerId) => {
          let empty = 0;
          while (empty < 2) {
            const jobs = await h.queue.claim(Q, { max: 5, visibilityMs: LONG_MS, workerId });
            empty = jobs.length ? 0 : empty + 1;
            seen.push(...jobs.map((j) => j.id));
          }
        }),
      );
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
    });
  });
}
