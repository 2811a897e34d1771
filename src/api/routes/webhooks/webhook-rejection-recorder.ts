// What a webhook that fails authentication costs the hub, kept small whatever the rate (issue 15):
//  - the rejection is counted in memory per (tenant, gateway, reason) and source IP, and the counts go to
//    webhook_rejections in one batched insert every `flushEveryMs` (the shared aggregating recorder,
//    src/lib/aggregating-recorder.ts): a flood against one tenant's URL writes a few rows a period,
//    never a row per request, so it cannot load the database other tenants' deliveries need. Each row
//    is a sample: its reason and source IP, and `count`, how many rejections it stands for; per key at
//    most `maxSourcesPerKey` addresses are kept (space-saving: the busiest stay, the counts of a key
//    still add up to all its rejections);
//  - per source IP, rejections are counted per minute: an address past `perIpPerMinute` is "over
//    budget", and the receiver spends no database lookup on tenants it does not know for it (answered
//    429). Deliveries to known tenants are still verified, so a gateway address shared with an attacker
//    (or a proxy when HUB_TRUSTED_PROXIES is unset) never loses a real delivery to the cap. At most
//    `maxTrackedIps` addresses are counted per minute; the ones beyond share one count;
//  - rows older than the retention period are deleted in bounded batches, at most every `pruneEveryMs`
//    (sooner while a backlog remains).
import type { Logger } from '../../../lib/logger.ts';
import { createAggregatingRecorder } from '../../../lib/aggregating-recorder.ts';
import type { WebhookRejectionCount } from '../../../store/webhook-rejections.ts';

export interface WebhookRejection {
  tenantId: string | null;
  gateway: string;
  /** `<kind>: <why>`, from a fixed set of sentences (never request content). */
  reason: string;
  sourceIp: string;
}

export interface WebhookRejectionRecorderOptions {
  write: (counts: WebhookRejectionCount[]) => Promise<void>;
  /** Deletes up to a batch of rows written before `before`; returns how many. */
  prune: (before: Date) => Promise<number>;
  /** How long rows are kept (HUB_WEBHOOK_REJECTION_RETENTION_DAYS). */
  retentionMs: number;
  logger?: Logger;
  now?: () => number;
  flushEveryMs?: number;
  pruneEveryMs?: number;
  /** Rows a prune call deletes at most; a full batch means more are due, and the next check prunes again. */
  pruneBatch?: number;
  maxKeys?: number;
  maxSourcesPerKey?: number;
  perIpPerMinute?: number;
  maxTrackedIps?: number;
}

export interface WebhookRejectionRecorder {
  rejected(rejection: WebhookRejection): void;
  /** Seconds until the address may cost lookups again, or 0 when it is within its budget. */
  overBudget(sourceIp: string): number;
  /** Writes the counts gathered so far. Never throws. */
  flush(): Promise<void>;
  /** Deletes rows past the retention period when due; returns how many. Never throws. */
  prune(): Promise<number>;
  close(): Promise<void>;
}

const MINUTE = 60_000;
/** The shared count of addresses beyond `maxTrackedIps` in a minute. */
const OTHER_ADDRESSES = '*';

interface Key {
  tenantId: string | null;
  gateway: string;
  reason: string;
}

export function createWebhookRejectionRecorder(options: WebhookRejectionRecorderOptions): WebhookRejectionRecorder {
  const now = options.now ?? Date.now;
  const perIp = options.perIpPerMinute ?? 120;
  const maxTrackedIps = options.maxTrackedIps ?? 10_000;
  const pruneEvery = options.pruneEveryMs ?? 3_600_000;
  const pruneBatch = options.pruneBatch ?? 10_000;

  const counts = createAggregatingRecorder<Key>({
    groupKey: (k) => `${k.tenantId ?? ''}\n${k.gateway}\n${k.reason}`,
    // `count` includes what a newcomer address inherited: the rows of a key add up to all its rejections.
    write: (batch) =>
      options.write(
        batch.map((c) => ({ ...c.group, sourceIp: c.item || null, count: c.count, firstSeenAt: c.firstSeenAt, lastSeenAt: c.lastSeenAt })),
      ),
    onWriteError: (err, batch) =>
      options.logger?.warn({ err, rows: batch.length, rejections: batch.reduce((n, c) => n + c.count, 0) }, 'webhook rejection counts not stored'),
    flushEveryMs: options.flushEveryMs ?? 10_000,
    maxGroups: options.maxKeys ?? 10_000,
    maxItemsPerGroup: options.maxSourcesPerKey ?? 5,
    now,
  });

  // Rejections per address in the current minute (which starts with the first rejection after the last).
  let window = { start: -Infinity, byIp: new Map<string, number>() };
  const currentWindow = () => {
    const at = now();
    if (at - window.start >= MINUTE) window = { start: at, byIp: new Map() };
    return window;
  };
  const ipKey = (w: typeof window, ip: string) => (w.byIp.has(ip) || w.byIp.size < maxTrackedIps ? ip : OTHER_ADDRESSES);

  let lastPruneAt = -Infinity;
  let backlog = false;
  let pruning: Promise<number> | undefined;
  async function pruneDue(): Promise<number> {
    const at = now();
    if (!backlog && at - lastPruneAt < pruneEvery) return 0;
    lastPruneAt = at;
    try {
      const deleted = await options.prune(new Date(at - options.retentionMs));
      backlog = deleted >= pruneBatch;
      if (deleted > 0) options.logger?.info({ deleted, backlog }, 'webhook rejections past their retention deleted');
      return deleted;
    } catch (err) {
      options.logger?.warn({ err }, 'webhook rejections past their retention not deleted; will retry');
      return 0;
    }
  }
  const pruneTimer = setInterval(() => void recorder.prune(), Math.min(pruneEvery, MINUTE));
  pruneTimer.unref();

  const recorder: WebhookRejectionRecorder = {
    rejected(r) {
      const ip = r.sourceIp.slice(0, 64);
      counts.count({ tenantId: r.tenantId, gateway: r.gateway, reason: r.reason }, ip);
      const w = currentWindow();
      const key = ipKey(w, ip);
      w.byIp.set(key, (w.byIp.get(key) ?? 0) + 1);
    },
    overBudget(sourceIp) {
      const w = currentWindow();
      const seen = w.byIp.get(ipKey(w, sourceIp.slice(0, 64))) ?? 0;
      if (seen < perIp) return 0;
      return Math.max(1, Math.ceil((w.start + MINUTE - now()) / 1000));
    },
    flush: () => counts.flush(),
    prune() {
      // One prune at a time in a process (a slow delete is not started twice).
      pruning ??= pruneDue().finally(() => {
        pruning = undefined;
      });
      return pruning;
    },
    async close() {
      clearInterval(pruneTimer);
      await pruning;
      await counts.close();
    },
  };
  return recorder;
}
