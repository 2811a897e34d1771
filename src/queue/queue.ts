// The queue interface every driver implements (database tables by default, SQS at scale).
// Producers enqueue inside the database transaction that causes the work, so a committed write
// always has its job: the database driver writes the job row itself; external drivers write an
// outbox row that a relay publishes.
import type { Transaction } from 'kysely';
import type { Database } from '../store/database.ts';

export type QueueName = 'ingest-events' | 'capi-dispatch';
export const QUEUE_NAMES: QueueName[] = ['ingest-events', 'capi-dispatch'];

export interface NewJob {
  tenantId: string | null;
  payload: unknown;
  /** Delay before the job may run (e.g. a retry of a conversion whose click has not arrived yet). */
  delayMs?: number;
}

export interface ClaimedJob {
  id: string;
  queue: QueueName;
  tenantId: string | null;
  payload: unknown;
  /** How many times it was claimed before this one (0 on the first run). */
  attempts: number;
  /** Driver handle (SQS receipt handle); opaque to callers. */
  receipt?: string;
}

export interface QueueDepth {
  ready: number;
  inFlight: number;
  dead: number;
  oldestAgeSeconds: number;
}

export interface DeadJob {
  id: string;
  queue: QueueName;
  tenantId: string | null;
  payload: unknown;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

/**
 * Where a driver's producer rows live, for a writer that inserts them in its own statement instead of
 * calling enqueue (the ingest writer: events and their jobs in one round trip): the database driver's
 * `jobs` table, or the `outbox` an external driver's relay publishes. Both take (id, queue, tenant_id,
 * payload) for a job due now. `written` is told after such rows commit (it wakes an in-process relay).
 */
export interface ProducerTable {
  table: 'jobs' | 'outbox';
  idPrefix: 'job' | 'obx';
  written?: () => void;
}

export interface Queue {
  readonly driver: 'db' | 'sqs';
  readonly producer: ProducerTable;
  enqueue(trx: Transaction<Database>, queue: QueueName, jobs: NewJob[]): Promise<void>;
  claim(queue: QueueName, options: { max: number; visibilityMs: number; workerId: string; waitMs?: number }): Promise<ClaimedJob[]>;
  ack(job: ClaimedJob): Promise<void>;
  /** Makes the job visible again after `delayMs`; it is dead-lettered once attempts reach the limit. */
  retry(job: ClaimedJob, options: { delayMs: number; error: string; maxAttempts: number }): Promise<'retried' | 'dead'>;
  deadLetter(job: ClaimedJob, error: string): Promise<void>;
  extend(job: ClaimedJob, visibilityMs: number): Promise<void>;
  depth(queue: QueueName): Promise<QueueDepth>;
  listDead(queue: QueueName, tenantId: string, limit: number): Promise<DeadJob[]>;
  /** Puts a dead job back on its queue with its attempts reset. */
  redrive(queue: QueueName, tenantId: string, jobId: string): Promise<boolean>;
  /** Checks the queue backend is reachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
