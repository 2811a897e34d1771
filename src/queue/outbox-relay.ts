// The outbox relay: publishes the jobs that producers wrote to the `outbox` table (inside their own
// transactions) to the external queue, then deletes them. It runs in every hub process that uses the
// SQS driver; any number of relays share the table without a leader, because each round claims its rows
// with FOR UPDATE SKIP LOCKED and deletes them in the same transaction once SQS acknowledged them. A relay
// killed between SQS's answer and the commit publishes those rows again after restart: a duplicate, which
// consumers tolerate (they are idempotent, and the Meta event_id is deterministic).
import { sql } from 'kysely';
import type { Logger } from '../lib/logger.ts';
import type { Db } from '../store/connect.ts';
import type { QueueName } from './queue.ts';
import { QUEUE_NAMES } from './queue.ts';
import type { OutboxJob } from './sqs-queue.ts';

export interface OutboxPublisher {
  /** Publishes the jobs; returns the ids the queue acknowledged (the rest stay in the outbox). */
  publish(queue: QueueName, jobs: OutboxJob[]): Promise<string[]>;
}

export interface OutboxRelayOptions {
  db: Db;
  publisher: OutboxPublisher;
  logger?: Logger;
  /** Rows per round (one transaction); small, so a round holds its row locks only briefly. */
  batchSize?: number;
  /** Poll interval when the outbox is empty and nothing nudged the relay. */
  pollMs?: number;
}

export interface OutboxRelay {
  start(): void;
  /** Publishes once, for tests and for a last round at shutdown; returns the number of rows published. */
  publishOnce(): Promise<number>;
  /** Tells the relay that rows were just written (it runs a round now instead of at its next poll). */
  nudge(): void;
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  queue: string;
  tenant_id: string | null;
  payload: unknown;
  created_at: Date;
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, publisher, logger } = options;
  const batchSize = options.batchSize ?? 100;
  const pollMs = options.pollMs ?? 100;
  let running = false;
  let loop: Promise<void> | undefined;
  let nudged = false;
  let wake: (() => void) | undefined;

  async function publishOnce(): Promise<number> {
    return db.transaction().execute(async (trx) => {
      // A delayed job's row carries locked_until = its due time: the relay leaves it until then.
      const { rows } = await sql<OutboxRow>`
        SELECT id, queue, tenant_id, payload, created_at FROM outbox
        WHERE locked_until IS NULL OR locked_until <= now()
        ORDER BY created_at
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`.execute(trx);
      if (rows.length === 0) return 0;
      const published: string[] = [];
      for (const queue of QUEUE_NAMES) {
        const jobs = rows
          .filter((r) => r.queue === queue)
          .map((r) => ({
            id: r.id,
            tenantId: r.tenant_id,
            payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
            createdAt: new Date(r.created_at),
          }));
        if (jobs.length) published.push(...(await publisher.publish(queue, jobs)));
      }
      const unknown = rows.filter((r) => !(QUEUE_NAMES as string[]).includes(r.queue));
      if (unknown.length) logger?.error({ ids: unknown.map((r) => r.id) }, 'outbox rows name an unknown queue; they stay in the outbox');
      if (published.length) await trx.deleteFrom('outbox').where('id', 'in', published).execute();
      return published.length;
    });
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (running) {
      nudged = false;
      let published = 0;
      try {
        published = await publishOnce();
        failures = 0;
      } catch (err) {
        // SQS or the database is unreachable: the rows stay in the outbox; back off and try again.
        failures += 1;
        logger?.error({ err, failures }, 'outbox relay round failed; retrying');
        if (running) await sleep(Math.min(30_000, 250 * 2 ** failures));
        continue;
      }
      if (published < batchSize && !nudged && running) await sleep(pollMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    publishOnce,
    nudge() {
      nudged = true;
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
    },
  };
}
