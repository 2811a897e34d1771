// Guards the outbox relay on PostgreSQL: a row leaves the outbox only after the queue acknowledged it,
// concurrent relays never publish the same row twice, and a failing queue loses nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../../test/support/databases.ts';
import { newId } from '../lib/ids.ts';
import { createOutboxRelay, type OutboxPublisher } from './outbox-relay.ts';
import type { QueueName } from './queue.ts';
import type { OutboxJob } from './sqs-queue.ts';

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore('postgres');
});
afterAll(async () => {
  await store?.dispose();
});
beforeEach(async () => {
  await store.db.deleteFrom('outbox').execute();
});

async function addRows(n: number, queue: QueueName = 'ingest-events', delayMs = 0): Promise<string[]> {
  const ids = Array.from({ length: n }, () => newId('obx'));
  await store.db
    .insertInto('outbox')
    .values(
      ids.map((id, i) => ({
        id,
        queue,
        tenant_id: 'ten_1',
        payload: JSON.stringify({ eventId: `evt_${i}` }),
        locked_until: delayMs ? sql<Date>`now() + ${`${delayMs} milliseconds`}::interval` : null,
      })) as never,
    )
    .execute();
  return ids;
}

const remaining = async () => (await store.db.selectFrom('outbox').select('id').execute()).map((r) => r.id);

/** Records what it was given; acknowledges all, or only what `accept` allows. */
function recordingPublisher(accept: (job: OutboxJob) => boolean = () => true, latencyMs = 0) {
  const published: Array<{ queue: QueueName; job: OutboxJob }> = [];
  const publisher: OutboxPublisher = {
    async publish(queue, jobs) {
      if (latencyMs) await sleep(latencyMs);
      const ok = jobs.filter(accept);
      published.push(...ok.map((job) => ({ queue, job })));
      return ok.map((j) => j.id);
    },
  };
  return { publisher, published };
}

describe('outbox relay', () => {
  it('publishes rows per queue with their payload and deletes them once acknowledged', async () => {
    const ingest = await addRows(3, 'ingest-events');
    const dispatch = await addRows(2, 'capi-dispatch');
    const { publisher, published } = recordingPublisher();
    const relay = createOutboxRelay({ db: store.db, publisher });
    expect(await relay.publishOnce()).toBe(5);
    expect(published.filter((p) => p.queue === 'ingest-events').map((p) => p.job.id).sort()).toEqual([...ingest].sort());
    expect(published.filter((p) => p.queue === 'capi-dispatch').map((p) => p.job.id).sort()).toEqual([...dispatch].sort());
    expect(published[0]?.job).toMatchObject({ tenantId: 'ten_1', payload: { eventId: expect.any(String) }, createdAt: expect.any(Date) });
    expect(await remaining()).toEqual([]);
  });

  it('keeps what the queue did not acknowledge, and everything when the queue fails', async () => {
    const ids = await addRows(4);
    const refused = new Set(ids.slice(0, 2));
    const partial = createOutboxRelay({ db: store.db, publisher: recordingPublisher((j) => !refused.has(j.id)).publisher });
    expect(await partial.publishOnce()).toBe(2);
    expect((await remaining()).sort()).toEqual([...refused].sort());

    const down = createOutboxRelay({
      db: store.db,
      publisher: {
        publish: async () => {
          throw new Error('SQS unreachable');
        },
      },
    });
    await expect(down.publishOnce()).rejects.toThrow('SQS unreachable');
    expect((await remaining()).sort()).toEqual([...refused].sort());
  });

  it('leaves a delayed job in the outbox until it is due', async () => {
    await addRows(1, 'ingest-events', 60_000);
    const relay = createOutboxRelay({ db: store.db, publisher: recordingPublisher().publisher });
    expect(await relay.publishOnce()).toBe(0);
    expect(await remaining()).toHaveLength(1);
  });

  it('never publishes a row twice when relays run side by side', async () => {
    const ids = await addRows(300);
    const a = recordingPublisher(undefined, 5);
    const b = recordingPublisher(undefined, 5);
    const relays = [
      createOutboxRelay({ db: store.db, publisher: a.publisher, batchSize: 20 }),
      createOutboxRelay({ db: store.db, publisher: b.publisher, batchSize: 20 }),
    ];
    await Promise.all(relays.map(async (r) => {
      while ((await r.publishOnce()) > 0);
    }));
    const all = [...a.published, ...b.published].map((p) => p.job.id);
    expect(all).toHaveLength(300);
    expect(new Set(all)).toEqual(new Set(ids));
    expect(a.published.length).toBeGreaterThan(0);
    expect(b.published.length).toBeGreaterThan(0);
  });

  it('runs in the background, wakes on a nudge, backs off on failure, and stops', async () => {
    let failing = true;
    const { publisher, published } = recordingPublisher();
    const relay = createOutboxRelay({
      db: store.db,
      pollMs: 10_000, // only a nudge or a retry after failure can make it publish within the test
      publisher: {
        publish: (queue, jobs) => (failing ? Promise.reject(new Error('SQS unreachable')) : publisher.publish(queue, jobs)),
      },
    });
    relay.start();
    await addRows(1);
    relay.nudge();
    await sleep(100);
    expect(await remaining()).toHaveLength(1);
    failing = false;
    // The first back-off after a failure is 500 ms.
    await expect.poll(remaining, { timeout: 3000, interval: 50 }).toEqual([]);
    expect(published).toHaveLength(1);

    await addRows(1);
    relay.nudge();
    await expect.poll(remaining, { timeout: 2000, interval: 20 }).toEqual([]);
    await relay.stop();
    await addRows(1);
    relay.nudge();
    await sleep(100);
    expect(await remaining()).toHaveLength(1);
  });
});
