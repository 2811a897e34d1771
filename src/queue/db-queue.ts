// The database queue driver: a `jobs` table claimed with FOR UPDATE SKIP LOCKED, so any number of
// workers share it without a leader. A claim sets locked_until (the visibility timeout); a worker that
// dies simply lets it lapse and the job is claimed again.
import { sql } from 'kysely';
import type { Db } from '../store/connect.ts';
import { newId } from '../lib/ids.ts';
import type { ClaimedJob, DeadJob, Queue, QueueDepth, QueueName, ProducerTable } from './queue.ts';
import { stampTrace } from './trace-context.ts';

export function createDbQueue(db: Db): Queue {
  const acks = coalescedAcks(db);
  const producer: ProducerTable = { table: 'jobs', idPrefix: 'job' };
  return {
    driver: 'db',
    producer,

    async enqueue(trx, queue, jobs) {
      if (jobs.length === 0) return;
      await trx
        .insertInto('jobs')
        .values(
          jobs.map((j) => ({
            id: newId(producer.idPrefix),
            queue,
            tenant_id: j.tenantId,
            payload: JSON.stringify(stampTrace(j.payload)),
            run_at: j.delayMs ? sql<Date>`now() + ${`${j.delayMs} milliseconds`}::interval` : sql<Date>`now()`,
            locked_by: null,
            locked_until: null,
            last_error: null,
          })) as never,
        )
        .execute();
    },

    async claim(queue, { max, visibilityMs, workerId }) {
      const { rows } = await sql<{ id: string; tenant_id: string | null; payload: unknown; attempts: number }>`
        UPDATE jobs SET
          attempts = jobs.attempts + 1,
          locked_by = ${workerId},
          locked_until = now() + ${`${visibilityMs} milliseconds`}::interval,
          run_at = now() + ${`${visibilityMs} milliseconds`}::interval
        WHERE id IN (
          SELECT id FROM jobs
          WHERE queue = ${queue} AND status = 'ready' AND run_at <= now()
          ORDER BY run_at
          LIMIT ${max}
          FOR UPDATE SKIP LOCKED
        )
        RETURNING id, tenant_id, payload, attempts`.execute(db);
      return rows.map((r) => ({
        id: r.id,
        queue,
        tenantId: r.tenant_id,
        payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
        attempts: r.attempts - 1,
      }));
    },

    ack(job) {
      return acks.ack(job.id);
    },

    async retry(job, { delayMs, error, maxAttempts }) {
      if (job.attempts + 1 >= maxAttempts) {
        await this.deadLetter(job, error);
        return 'dead';
      }
      await db
        .updateTable('jobs')
        .set({
          run_at: sql`now() + ${`${Math.max(0, Math.round(delayMs))} milliseconds`}::interval`,
          locked_by: null,
          locked_until: null,
          last_error: error.slice(0, 2000),
        })
        .where('id', '=', job.id)
        .execute();
      return 'retried';
    },

    async deadLetter(job, error) {
      await db
        .updateTable('jobs')
        .set({ status: 'dead', locked_by: null, locked_until: null, last_error: error.slice(0, 2000) })
        .where('id', '=', job.id)
        .execute();
    },

    async extend(job, visibilityMs) {
      await db
        .updateTable('jobs')
        .set({
          locked_until: sql`now() + ${`${visibilityMs} milliseconds`}::interval`,
          run_at: sql`now() + ${`${visibilityMs} milliseconds`}::interval`,
        })
        .where('id', '=', job.id)
        .execute();
    },

    async depth(queue): Promise<QueueDepth> {
      const row = await sql<{ ready: number; in_flight: number; dead: number; oldest: number | null }>`
        SELECT
          count(*) FILTER (WHERE status = 'ready' AND (locked_until IS NULL OR locked_until <= now()))::int AS ready,
          count(*) FILTER (WHERE status = 'ready' AND locked_until > now())::int AS in_flight,
          count(*) FILTER (WHERE status = 'dead')::int AS dead,
          extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'ready'))::float8 AS oldest
        FROM jobs WHERE queue = ${queue}`.execute(db);
      const r = row.rows[0];
      return { ready: r?.ready ?? 0, inFlight: r?.in_flight ?? 0, dead: r?.dead ?? 0, oldestAgeSeconds: r?.oldest ?? 0 };
    },

    async listDead(queue, tenantId, limit): Promise<DeadJob[]> {
      const rows = await db
        .selectFrom('jobs')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('queue', '=', queue)
        .where('status', '=', 'dead')
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        queue: r.queue as QueueName,
        tenantId: r.tenant_id,
        payload: r.payload,
        attempts: r.attempts,
        lastError: r.last_error,
        createdAt: r.created_at,
      }));
    },

    async redrive(queue, tenantId, jobId) {
      const result = await db
        .updateTable('jobs')
        .set({ status: 'ready', attempts: 0, run_at: sql`now()`, locked_by: null, locked_until: null })
        .where('id', '=', jobId)
        .where('queue', '=', queue)
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async ping() {
      await sql`SELECT 1`.execute(db);
    },

    async close() {},
  };
}

/**
 * Acks called in the same turn of the event loop (the runner acks a batch's jobs with Promise.all)
 * become one DELETE: one statement and one commit for the batch instead of one per job. Each ack
 * still resolves only once its row is gone, and fails if the DELETE does.
 */
function coalescedAcks(db: Db): { ack(id: string): Promise<void> } {
  let pending: Array<{ id: string; resolve(): void; reject(err: unknown): void }> = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    sql`DELETE FROM jobs WHERE id = ANY(${batch.map((p) => p.id)}::text[])`.execute(db).then(
      () => batch.forEach((p) => p.resolve()),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  };
  return {
    ack(id) {
      return new Promise<void>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ id, resolve, reject });
      });
    },
  };
}

export type { ClaimedJob };
