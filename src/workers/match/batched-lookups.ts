// The matcher's reads for a whole batch: every conversion of the batch is matched at once, and the
// lookups they ask for in the same turn of the event loop go to the database as ONE query per kind
// (sessions, sightings, clicks…). The matcher itself is unchanged: it sees plain MatchLookups.
import type { Transaction } from 'kysely';
import type { Database } from '../../store/database.ts';
import type { ClickRecord, MatchLookups, SessionRecord } from '../../domain/matching/types.ts';
import {
  findClicksByRefs,
  findIdentitySightingsBatch,
  findNetworkSessionsBatch,
  findSessionEmailHashesBatch,
  findSessionsByRefs,
  findVisitorClicksBatch,
} from '../../store/matching.ts';

/** Collects calls until the event loop is idle for a moment (setImmediate), then runs them together. */
class Batcher<Q, R> {
  private pending: Array<{ query: Q; resolve(r: R): void; reject(err: unknown): void }> = [];
  private inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly run: (queries: Q[]) => Promise<R[]>) {}

  load(query: Q): Promise<R> {
    if (this.closed) return Promise.reject(new Error('batched lookups used after their batch ended'));
    return new Promise<R>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ query, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    if (this.closed) {
      batch.forEach((b) => b.reject(new Error('batched lookups used after their batch ended')));
      return;
    }
    const done = this.run(batch.map((b) => b.query)).then(
      (results) => batch.forEach((b, i) => b.resolve(results[i]!)),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  /** No more queries: calls still waiting are refused, and this waits for those already sent. */
  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }
}

export interface BatchedLookups {
  forTenant(tenantId: string): MatchLookups;
  findSessions(tenantId: string, ids: string[]): Promise<SessionRecord[]>;
  findClick(tenantId: string, id: string): Promise<ClickRecord | undefined>;
  /** Must be awaited before the transaction ends: no query may reach it afterwards. */
  close(): Promise<void>;
}

const refKey = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

export function batchedLookups(trx: Transaction<Database>): BatchedLookups {
  const sessions = new Batcher<{ tenantId: string; ids: string[] }, SessionRecord[]>(async (queries) => {
    const found = new Map(
      (await findSessionsByRefs(trx, queries.flatMap((q) => q.ids.map((id) => ({ tenantId: q.tenantId, id }))))).map(({ tenantId, ...s }) => [
        refKey(tenantId, s.id),
        s as SessionRecord,
      ]),
    );
    return queries.map((q) => [...new Set(q.ids)].flatMap((id) => found.get(refKey(q.tenantId, id)) ?? []));
  });
  const clicks = new Batcher<{ tenantId: string; id: string }, ClickRecord | undefined>(async (queries) => {
    const found = new Map((await findClicksByRefs(trx, queries)).map(({ tenantId, ...c }) => [refKey(tenantId, c.id), c as ClickRecord]));
    return queries.map((q) => found.get(refKey(q.tenantId, q.id)));
  });
  const sightings = new Batcher((queries: Parameters<typeof findIdentitySightingsBatch>[1]) => findIdentitySightingsBatch(trx, queries));
  const emails = new Batcher((queries: Parameters<typeof findSessionEmailHashesBatch>[1]) => findSessionEmailHashesBatch(trx, queries));
  const network = new Batcher((queries: Parameters<typeof findNetworkSessionsBatch>[1]) => findNetworkSessionsBatch(trx, queries));
  const visitorClicks = new Batcher((queries: Parameters<typeof findVisitorClicksBatch>[1]) => findVisitorClicksBatch(trx, queries));

  const findSessions = async (tenantId: string, ids: string[]) => (ids.length === 0 ? [] : sessions.load({ tenantId, ids }));
  return {
    forTenant: (tenantId) => ({
      findSessions: (ids) => findSessions(tenantId, ids),
      findIdentitySightings: (kind, valueHash, range) => sightings.load({ tenantId, kind, valueHash, range }),
      findNetworkSessions: (clientIp, range) => network.load({ tenantId, clientIp, range }),
      findVisitorClicks: (visitorId, range) => visitorClicks.load({ tenantId, visitorId, range }),
      findSessionEmailHashes: async (sessionIds) => (sessionIds.length === 0 ? [] : emails.load({ tenantId, sessionIds })),
    }),
    findSessions,
    findClick: (tenantId, id) => clicks.load({ tenantId, id }),
    async close() {
      await Promise.all([sessions, clicks, sightings, emails, network, visitorClicks].map((b) => b.close()));
    },
  };
}
