// GET /api/v1/meta/quality: how well the events the hub sends can be matched to people, two ways side
// by side — Meta's own Event Match Quality per event (the Dataset Quality API, through
// HUB_META_GRAPH_URL, kept for hours) and the hub's identifier coverage of what Meta accepted in the
// last 7 days (from capi_events, always fresh). Meta's part says when Meta would not answer, and why.
import type { OperationContext } from '../context.ts';
import { nowOf } from '../context.ts';
import { fail, ok, type Outcome } from '../outcome.ts';
import { getConnection, openMetaConnection } from '../../store/connections.ts';
import { credentialDigest, getMetaReading, HUB_COVERAGE_KEYS, loadSentIdentifierCoverage, putMetaReading, type HubCoverageKey } from '../../store/meta-readings.ts';
import { DEFAULT_GRAPH_API_VERSION, type MetaAnswer } from '../../domain/meta/index.ts';
import { readDatasetQuality, type EventQuality } from '../../domain/meta-diagnostics/index.ts';

/** Meta's quality moves slowly (its event coverage is a 7-day average): ask every 6 hours at most. */
export const QUALITY_TTL_MS = 6 * 3_600_000;
/** A refusal or a silence is asked about again sooner: the seller may be fixing it. */
export const QUALITY_RETRY_MS = 10 * 60_000;
const COVERAGE_DAYS = 7;
const META_TIMEOUT_MS = 5_000;

export interface MetaQualityView {
  pixelId: string;
  meta: {
    status: 'available' | 'refused' | 'no_answer';
    fetchedAt: string;
    events: EventQuality[];
    error: Pick<MetaAnswer, 'httpStatus' | 'code' | 'subcode' | 'message' | 'fbtraceId'> | null;
  };
  hub: {
    since: string;
    events: Array<{ eventName: string; sent: number; coverage: Record<HubCoverageKey, number> }>;
  };
}

interface StoredQuality {
  status: MetaQualityView['meta']['status'];
  events: EventQuality[];
  error: MetaQualityView['meta']['error'];
}

export async function getMetaQualityOperation(ctx: OperationContext, tenantId: string): Promise<Outcome<MetaQualityView>> {
  const connection = await getConnection(ctx.store.db, tenantId, 'meta');
  if (!connection) return fail('conflict', 'meta-not-connected', 'meta.notConnected');
  const opened = openMetaConnection(ctx.box, connection);
  if (!opened.ok) return fail('conflict', 'meta-connection-unreadable', 'meta.tokenUnreadable', { problem: opened.problem });
  const { pixelId, accessToken, graphApiVersion, secretCiphertext } = opened.value;
  const now = nowOf(ctx);
  const credential = credentialDigest(secretCiphertext, pixelId);

  const cached = await getMetaReading(ctx.store.db, tenantId, 'dataset_quality');
  const usable = cached && cached.credential === credential ? cached : undefined;
  const cachedValue = usable?.value as unknown as StoredQuality | undefined;
  let meta: { stored: StoredQuality; fetchedAt: Date } | undefined;
  if (usable && cachedValue) {
    const ttl = cachedValue.status === 'available' ? QUALITY_TTL_MS : QUALITY_RETRY_MS;
    if (now.getTime() - usable.fetchedAt.getTime() < ttl) meta = { stored: cachedValue, fetchedAt: usable.fetchedAt };
  }
  if (!meta) {
    const read = await readDatasetQuality({
      graphUrl: ctx.config.metaGraphUrl,
      apiVersion: graphApiVersion ?? DEFAULT_GRAPH_API_VERSION,
      pixelId,
      accessToken,
      timeoutMs: META_TIMEOUT_MS,
      ...(ctx.fetch ? { fetchImpl: ctx.fetch } : {}),
    });
    const stored: StoredQuality =
      read.kind === 'available' ? { status: 'available', events: read.events, error: null } : { status: read.kind, events: [], error: errorOf(read.answer) };
    if (stored.status === 'no_answer' && usable && cachedValue?.status === 'available') {
      // Meta is silent now: what it said earlier about this dataset is still the best answer.
      meta = { stored: cachedValue, fetchedAt: usable.fetchedAt };
    } else {
      await putMetaReading(ctx.store.db, tenantId, 'dataset_quality', { credential, fetchedAt: now, value: { ...stored } });
      meta = { stored, fetchedAt: now };
    }
  }

  const since = new Date(now.getTime() - COVERAGE_DAYS * 86_400_000);
  const coverage = await loadSentIdentifierCoverage(ctx.store.db, tenantId, since);
  return ok({
    pixelId,
    meta: { status: meta.stored.status, fetchedAt: meta.fetchedAt.toISOString(), events: meta.stored.events, error: meta.stored.error },
    hub: {
      since: since.toISOString(),
      events: coverage.map((row) => ({
        eventName: row.eventName,
        sent: row.sent,
        coverage: Object.fromEntries(HUB_COVERAGE_KEYS.map((k) => [k, row.sent ? Math.round((row.withKey[k] / row.sent) * 1000) / 1000 : 0])) as Record<HubCoverageKey, number>,
      })),
    },
  });
}

function errorOf(answer: MetaAnswer): MetaQualityView['meta']['error'] {
  return { httpStatus: answer.httpStatus, code: answer.code, subcode: answer.subcode, message: answer.message, fbtraceId: answer.fbtraceId };
}
