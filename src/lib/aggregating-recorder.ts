// Counts things that happen on a hot path (a refused browser origin, a webhook that failed
// authentication) in memory, and hands the counts to a writer in one batch every `flushEveryMs` and at
// close: N occurrences cost N map updates and one write per period, never a database write each.
//
// Counts are kept per group (e.g. a tenant) and, inside it, per item (e.g. an origin or a source IP).
// Both are chosen by whoever calls, so everything is bounded:
//  - at most `maxGroups` groups wait for a flush; an occurrence of a new group beyond that is dropped
//    (count() says so);
//  - a group keeps at most `maxItemsPerGroup` items, with the space-saving rule: a newcomer replaces the
//    least counted item and inherits its count as an error bound. An item seen often is never the least
//    counted, so it stays however many one-off items arrive; and the counts of a group always add up to
//    every occurrence it had (`count` includes the inherited part, `count - error` was really seen).
// One write runs at a time; a write that fails is reported and dropped (counts are a diagnosis, not data).

export interface AggregatedCount<G> {
  group: G;
  item: string;
  /** Occurrences attributed to this item since the last flush, including `error`. */
  count: number;
  /** Over-count inherited from the item it replaced: `count - error` occurrences were really this item's. */
  error: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface AggregatingRecorderOptions<G> {
  /** Occurrences whose groups have the same key are counted together; the first group object is kept. */
  groupKey: (group: G) => string;
  write: (counts: AggregatedCount<G>[]) => Promise<void>;
  /** A write failed (the counts are dropped). */
  onWriteError: (err: unknown, counts: AggregatedCount<G>[]) => void;
  flushEveryMs: number;
  maxGroups: number;
  maxItemsPerGroup: number;
  now?: () => number;
}

export interface AggregatingRecorder<G> {
  /** Counts one occurrence; false when it was dropped (`maxGroups` other groups wait for the flush). */
  count(group: G, item: string): boolean;
  /** Writes the counts gathered so far (one batch). Never throws. */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left. */
  close(): Promise<void>;
}

interface Tally {
  count: number;
  error: number;
  firstSeenAt: number;
  lastSeenAt: number;
}

interface Group<G> {
  group: G;
  items: Map<string, Tally>;
}

export function createAggregatingRecorder<G>(options: AggregatingRecorderOptions<G>): AggregatingRecorder<G> {
  const now = options.now ?? Date.now;
  let pending = new Map<string, Group<G>>();
  let flushing: Promise<void> = Promise.resolve();

  async function writePending(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const counts: AggregatedCount<G>[] = [];
    for (const { group, items } of batch.values()) {
      for (const [item, t] of items) {
        counts.push({ group, item, count: t.count, error: t.error, firstSeenAt: new Date(t.firstSeenAt), lastSeenAt: new Date(t.lastSeenAt) });
      }
    }
    try {
      await options.write(counts);
    } catch (err) {
      options.onWriteError(err, counts);
    }
  }

  const timer = setInterval(() => void recorder.flush(), options.flushEveryMs);
  timer.unref();

  const recorder: AggregatingRecorder<G> = {
    count(group, item) {
      const at = now();
      const key = options.groupKey(group);
      let entry = pending.get(key);
      if (!entry) {
        if (pending.size >= options.maxGroups) return false;
        entry = { group, items: new Map() };
        pending.set(key, entry);
      }
      const items = entry.items;
      const tally = items.get(item);
      if (tally) {
        tally.count++;
        tally.lastSeenAt = at;
        return true;
      }
      if (items.size < options.maxItemsPerGroup) {
        items.set(item, { count: 1, error: 0, firstSeenAt: at, lastSeenAt: at });
        return true;
      }
      // Full: the least counted item makes room (a scan of at most maxItemsPerGroup entries).
      let least: [string, Tally] | undefined;
      for (const e of items) if (!least || e[1].count < least[1].count) least = e;
      items.delete(least![0]);
      const inherited = least![1].count;
      items.set(item, { count: inherited + 1, error: inherited, firstSeenAt: at, lastSeenAt: at });
      return true;
    },
    flush() {
      // One write at a time: a flush waits for the one in progress, then writes what came since.
      flushing = flushing.then(writePending);
      return flushing;
    },
    async close() {
      clearInterval(timer);
      await recorder.flush();
    },
  };
  return recorder;
}
