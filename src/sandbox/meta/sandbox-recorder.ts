// What the sandbox accepted, kept in memory for tests, benchmarks and `hub demo`: every event
// with its pixel, ids, full JSON and test_event_code, plus request and read counters.

export interface RecordedEvent {
  pixelId: string;
  eventId: string | null;
  eventName: string;
  event: Record<string, unknown>;
  testEventCode: string | null;
  receivedAt: Date;
}

export interface SandboxStats {
  /** Event requests (POST /events). */
  requests: number;
  /** Pixel reads (GET /{pixel_id}), the check made when Meta is connected. */
  reads: number;
  /** Events accepted (summed over accepted requests). */
  accepted: number;
  /** Requests answered with an error, validation or injected fault. */
  rejected: number;
  /** Of the rejected requests, those failed on purpose by the fault injector. */
  faulted: number;
  /** Distinct event_id values among accepted events. */
  distinctEventIds: number;
  /** Accepted events whose event_id had been accepted before: what Meta would deduplicate. */
  duplicates: number;
}

export interface EventFilter {
  eventId?: string;
  pixelId?: string;
}

export interface SandboxRecorder {
  record(events: readonly Omit<RecordedEvent, 'receivedAt'>[], receivedAt: Date): void;
  countRequest(outcome: 'accepted' | 'rejected' | 'faulted'): void;
  countRead(): void;
  events(filter?: EventFilter): RecordedEvent[];
  countByEventId(): Map<string, number>;
  stats(): SandboxStats;
  clear(): void;
}

export function createSandboxRecorder(): SandboxRecorder {
  let recorded: RecordedEvent[] = [];
  let byEventId = new Map<string, number>();
  let requests = 0;
  let reads = 0;
  let rejected = 0;
  let faulted = 0;

  return {
    record(events, receivedAt) {
      for (const event of events) {
        recorded.push({ ...event, receivedAt });
        if (event.eventId !== null) byEventId.set(event.eventId, (byEventId.get(event.eventId) ?? 0) + 1);
      }
    },
    countRequest(outcome) {
      requests += 1;
      if (outcome === 'rejected' || outcome === 'faulted') rejected += 1;
      if (outcome === 'faulted') faulted += 1;
    },
    countRead() {
      reads += 1;
    },
    events(filter = {}) {
      return recorded.filter(
        (event) =>
          (filter.eventId === undefined || event.eventId === filter.eventId) &&
          (filter.pixelId === undefined || event.pixelId === filter.pixelId),
      );
    },
    countByEventId() {
      return new Map(byEventId);
    },
    stats() {
      const withId = [...byEventId.values()].reduce((sum, count) => sum + count, 0);
      return {
        requests,
        reads,
        accepted: recorded.length,
        rejected,
        faulted,
        distinctEventIds: byEventId.size,
        duplicates: withId - byEventId.size,
      };
    },
    clear() {
      recorded = [];
      byEventId = new Map();
      requests = 0;
      reads = 0;
      rejected = 0;
      faulted = 0;
    },
  };
}
