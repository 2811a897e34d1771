// Guards the database queue driver (the embedded default) against the shared queue contract, on PGlite
// and on PostgreSQL: lost jobs, double claims, or jobs stuck after a worker dies.
import { afterAll, beforeAll, describe } from 'vitest';
import { STORE_KINDS, createTestStore, type TestStore } from '../../test/support/databases.ts';
import { createDbQueue } from './db-queue.ts';
import { describeQueueContract } from './queue-contract.ts';

describe.each(STORE_KINDS)('database queue on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(kind);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  describeQueueContract(`db on ${kind}`, async () => {
    await store.db.deleteFrom('jobs').execute();
    return { queue: createDbQueue(store.db), db: store.db, publish: async () => {}, close: async () => {} };
  }, { shortMs: 300 });
});
