// The set-based path of the match worker: a claimed batch in a handful of statements instead of a
// dozen per event. It makes the same decisions as processing the events one by one in the same order
// (process-tracking-event.ts, process-webhook-event.ts), in three steps:
//
//   1. tracking events are written first (sessions, clicks, identities), so purchases see them;
//   2. every webhook is parsed, its transactions locked and their stored conversions read at once, and
//      all its conversions are matched at once (batched-lookups.ts turns the matcher's reads into one
//      query per kind); then the events are walked in order against an in-memory view of the
//      conversions, so a duplicate or a refund later in the batch sees what an earlier event created,
//      and an event that must wait for its session leaves nothing behind;
//   3. what the walk decided is written with multi-row statements.
//
// Anything that throws ends the batch's transaction; the handler then redoes the batch event by event,
// where one poison event fails alone.
import type { Transaction } from 'kysely';
import type { ClaimedJob } from '../../queue/queue.ts';
import type { Database, EventRow, EventStatus } from '../../store/database.ts';
import { loadEventEvidence, type Evidence } from '../../evidence/index.ts';
import {
  findConversionsOfTransactions,
  insertConversions,
  linkFollowUpsToPurchases,
  lockGatewayTransactions,
  registerDedupeKeysOfTenants,
  type GatewayTransactionRef,
  type NewConversion,
} from '../../store/conversions.ts';
import { insertMatches, refreshUnsentCapiEventPayload, upgradeMatch, type NewMatch } from '../../store/matching.ts';
import { createCapiEventsForDispatch, type NewCapiEvent } from '../../store/capi-events.ts';
import { recordTrackingEvents } from '../../store/tracking.ts';
import { setEventStatuses, type EventStatusUpdate } from '../../store/event-statuses.ts';
import { requeueCapiEventsOfEvent } from '../../store/replay-capi-events.ts';
import { getGateway, type NormalizedConversion } from '../../domain/gateways/index.ts';
import {
  FOLLOW_UP_KINDS,
  buyerIdentifiers,
  conversionDedupeKey,
  deliveryDedupeKey,
  findPassthroughTokens,
  matchConversion,
  moneyFlags,
  planConversionCapiEvent,
  type ClickRecord,
  type MatchDecision,
  type MatchMethod,
  type MatchResult,
  type MatchSettings,
  type SessionRecord,
} from '../../domain/matching/index.ts';
import { buildServerEvent } from '../../domain/meta/index.ts';
import { currentTraceparent } from '../../lib/tracing.ts';
import { newId } from '../../lib/ids.ts';
import type { JobOutcome, JobTracing } from '../queue-runner.ts';
import type { MatchWorkerDeps } from './match-worker-deps.ts';
import { batchedLookups, type BatchedLookups } from './batched-lookups.ts';
import { trackingCapiEvent } from './process-tracking-event.ts';
import { applyMappingOnReplay } from './apply-mapping-on-replay.ts';
import { capiRow, decimalOrNull, metaRuleOf, parseTime, tenantContextOf, unique, webhookRequestOf, type TenantContextMemo } from './process-webhook-event.ts';
import type { ConversionMapping } from '../../domain/mapping/index.ts';

/** Waiting for a late session may use this many attempts; the rest stay for real failures. */
export const MAX_WAIT_ATTEMPTS = 5;

export function mayWaitForSession(event: EventRow, job: ClaimedJob, deps: MatchWorkerDeps): boolean {
  const waitedMs = deps.now().getTime() - new Date(event.received_at).getTime();
  return waitedMs < deps.passthroughWaitMs && job.attempts < MAX_WAIT_ATTEMPTS;
}

export interface BatchItem {
  job: ClaimedJob;
  event: EventRow;
}

/** What the walk knows about a conversion: stored before the batch, or created by an earlier event of it. */
interface Known {
  id: string;
  occurredAt: Date;
  buyer: unknown;
  match: KnownMatch | null;
}

interface KnownMatch {
  method: MatchMethod;
  confidence: number;
  visitorId: string | null;
  sessionId: string | null;
  clickId: string | null;
  evidence: unknown;
  /** Set when the match was made in this batch (the records it was made with); read on demand otherwise. */
  records?: { session: SessionRecord | null; click: ClickRecord | null };
}

/** The writes one event asks for; dropped whole when the event waits for its session. */
interface Plan {
  conversions: NewConversion[];
  dedupeKeys: Array<{ tenantId: string; key: string; conversionId: string | null; eventId: string }>;
  followUpLinks: Array<GatewayTransactionRef & { purchaseId: string }>;
  matches: NewMatch[];
  capi: NewCapiEvent[];
  upgrades: NewMatch[];
  refreshes: Array<{ tenantId: string; eventId: string; payload: Record<string, unknown> }>;
  methods: MatchMethod[];
}

const emptyPlan = (): Plan => ({ conversions: [], dedupeKeys: [], followUpLinks: [], matches: [], capi: [], upgrades: [], refreshes: [], methods: [] });

function appendPlan(into: Plan, from: Plan): void {
  for (const k of Object.keys(into) as (keyof Plan)[]) (into[k] as unknown[]).push(...(from[k] as unknown[]));
}

interface ParsedWebhook {
  item: BatchItem;
  gateway: string;
  deliveryId: string;
  /** In lock order, as the one-by-one path writes them. */
  conversions: NormalizedConversion[];
  settings: MatchSettings;
  mapping: ConversionMapping;
  mayWait: boolean;
}

const conversionKey = (tenantId: string, gateway: string, transactionId: string, kind: string) =>
  `${tenantId}\u0000${gateway}\u0000${transactionId}\u0000${kind}`;

/** Processes `items` (tracking first, then webhooks, each in queue order) and returns each one's outcome. */
export async function processBatch(
  trx: Transaction<Database>,
  items: BatchItem[],
  deps: MatchWorkerDeps,
  tracing: JobTracing,
): Promise<Map<BatchItem, JobOutcome>> {
  const outcomes = new Map<BatchItem, JobOutcome>();
  const statuses: EventStatusUpdate[] = [];
  const capi: NewCapiEvent[] = [];
  const plan = emptyPlan();

  // 1. Tracking.
  const tracking = items.filter((i) => i.event.type !== 'webhook');
  await recordTrackingEvents(
    trx,
    tracking.map((i) => i.event),
  );
  const tenantContext: TenantContextMemo = new Map();
  for (const item of tracking) {
    const { mapping } = await tenantContextOf(trx, item.event.tenant_id, tenantContext);
    const event = await tracing.run(item.job, async () => {
      const e = trackingCapiEvent(item.event, deps, mapping);
      return e && { ...e, trace: currentTraceparent() };
    });
    if (event) capi.push(event);
    if (item.event.status !== 'dispatched') statuses.push({ tenantId: item.event.tenant_id, id: item.event.id, status: 'processed' });
    outcomes.set(item, { kind: 'ok' });
  }

  // 2. Webhooks: parse, lock, read, match, walk.
  const webhooks = items.filter((i) => i.event.type === 'webhook');
  const evidence = await Promise.all(
    webhooks.map((i) => (i.event.gateway && getGateway(i.event.gateway) ? loadEventEvidence(i.event, deps.evidence) : Promise.resolve(undefined))),
  );
  const parsed: ParsedWebhook[] = [];
  for (const [n, item] of webhooks.entries()) {
    const result = parseWebhook(item, evidence[n]);
    if (result.kind === 'unprocessable') {
      const { event } = item;
      statuses.push({
        tenantId: event.tenant_id,
        id: event.id,
        status: 'unprocessable',
        error: result.reason.slice(0, 1000),
        flags: unique([...event.flags, 'unprocessable']),
      });
      outcomes.set(item, { kind: 'ok' });
      continue;
    }
    const { settings, mapping } = await tenantContextOf(trx, item.event.tenant_id, tenantContext);
    parsed.push({ item, ...result, settings, mapping, mayWait: mayWaitForSession(item.event, item.job, deps) });
  }

  const refs = parsed.flatMap((p) => p.conversions.map((c) => ({ tenantId: p.item.event.tenant_id, gateway: p.gateway, transactionId: c.transactionId })));
  await lockGatewayTransactions(trx, refs);
  const known = new Map<string, Known>();
  for (const { conversion: c, match: m } of await findConversionsOfTransactions(trx, refs)) {
    known.set(conversionKey(c.tenant_id, c.gateway, c.transaction_id, c.kind), {
      id: c.id,
      occurredAt: new Date(c.occurred_at),
      buyer: c.buyer,
      match: m && { method: m.method, confidence: m.confidence, visitorId: m.visitor_id, sessionId: m.session_id, clickId: m.click_id, evidence: m.evidence },
    });
  }

  const lookups = batchedLookups(trx);
  try {
    const matcher = createMatcher(lookups);
    prefetch(parsed, known, matcher, lookups);
    for (const p of parsed) {
      const { item } = p;
      const walked = await tracing.run(item.job, () => walkWebhook(p, known, matcher, lookups, deps));
      if (walked.kind === 'wait_for_session') {
        outcomes.set(item, { kind: 'retry', afterMs: deps.passthroughRetryMs, reason: `waiting for pass-through session ${walked.tokens.join(', ')}` });
        continue;
      }
      for (const [key, value] of walked.known) known.set(key, value);
      appendPlan(plan, walked.plan);
      const methods = walked.plan.methods;
      const status: EventStatus = methods.length === 0 ? 'processed' : methods.some((m) => m !== 'unmatched') ? 'matched' : 'unmatched';
      if (item.event.status !== 'dispatched') statuses.push({ tenantId: item.event.tenant_id, id: item.event.id, status, error: null });
      outcomes.set(item, { kind: 'ok' });
    }
  } finally {
    await lookups.close();
  }

  // 3. Writes.
  const inserted = await insertConversions(trx, plan.conversions);
  if (inserted.size !== plan.conversions.length) {
    // Writers of a transaction hold its lock, so this means a writer that does not: redo one by one.
    throw new Error('a conversion of the batch already exists; redoing the batch event by event');
  }
  await registerDedupeKeysOfTenants(trx, plan.dedupeKeys);
  await linkFollowUpsToPurchases(trx, plan.followUpLinks, [...FOLLOW_UP_KINDS]);
  await insertMatches(trx, plan.matches);
  await createCapiEventsForDispatch(trx, deps.queue, [...capi, ...plan.capi]);
  for (const u of plan.upgrades) await upgradeMatch(trx, u, ['identity', 'fingerprint', 'unmatched']);
  for (const r of plan.refreshes) await refreshUnsentCapiEventPayload(trx, r.tenantId, r.eventId, r.payload);
  await setEventStatuses(trx, statuses);
  for (const method of plan.methods) deps.metrics?.matches.inc({ method });

  // A replay (POST /api/v1/replay, `hub replay`) re-ran matching above, which is idempotent; now it
  // sends the event's CAPI events again, under the same Meta event_id.
  for (const item of items) {
    const replayId = (item.job.payload as { replayId?: unknown }).replayId;
    if (outcomes.get(item)?.kind !== 'ok' || typeof replayId !== 'string') continue;
    const requeued = await tracing.run(item.job, () => requeueCapiEventsOfEvent(trx, deps.queue, item.event.tenant_id, item.event.id));
    const { mapping } = await tenantContextOf(trx, item.event.tenant_id, tenantContext);
    const applied = await tracing.run(item.job, () => applyMappingOnReplay(trx, deps.queue, item.event, mapping, deps.now()));
    deps.logger?.info({ eventId: item.event.id, replayId, requeued, ...applied }, 'replayed');
  }
  return outcomes;
}

function parseWebhook(
  item: BatchItem,
  evidence: Evidence | null | undefined,
): { kind: 'unprocessable'; reason: string } | { kind: 'parsed'; gateway: string; deliveryId: string; conversions: NormalizedConversion[] } {
  const { event } = item;
  const gateway = event.gateway ? getGateway(event.gateway) : undefined;
  if (!gateway) return { kind: 'unprocessable', reason: `unknown gateway "${event.gateway ?? ''}"` };
  if (!evidence) return { kind: 'unprocessable', reason: 'the raw body is not stored with the event; it cannot be parsed again' };
  const parsed = gateway.parse(webhookRequestOf(event, evidence));
  if (!parsed.ok) return { kind: 'unprocessable', reason: parsed.reason };
  const conversions = [...parsed.conversions].sort((a, b) => (a.transactionId < b.transactionId ? -1 : a.transactionId > b.transactionId ? 1 : 0));
  return { kind: 'parsed', gateway: gateway.name, deliveryId: parsed.deliveryId, conversions };
}

type Matcher = (tenantId: string, conversion: NormalizedConversion, occurredAt: Date, wait: boolean, settings: MatchSettings) => Promise<MatchDecision>;

/** matchConversion, remembered per conversion and inputs, so a decision started early is reused by the walk. */
function createMatcher(lookups: BatchedLookups): Matcher {
  const memo = new Map<NormalizedConversion, Map<string, Promise<MatchDecision>>>();
  return (tenantId, conversion, occurredAt, wait, settings) => {
    const key = `${occurredAt.getTime()}|${wait}`;
    let byInput = memo.get(conversion);
    if (!byInput) memo.set(conversion, (byInput = new Map()));
    let decision = byInput.get(key);
    if (!decision) {
      decision = matchConversion(
        { occurredAt, buyer: conversion.buyer, tracking: conversion.tracking },
        lookups.forTenant(tenantId),
        settings,
        { waitForMissingSession: wait },
      );
      // Started early and maybe never awaited: a failure surfaces where (if) the walk uses it.
      decision.catch(() => undefined);
      byInput.set(key, decision);
    }
    return decision;
  };
}

/**
 * Starts, all at once, the matching the walk will most likely need (judged on what was stored before
 * the batch), so the batched lookups collect every conversion's reads in the same few queries. A
 * guess that turns out unused (a duplicate within the batch) costs a few rows in those queries.
 */
function prefetch(parsed: ParsedWebhook[], known: Map<string, Known>, matcher: Matcher, lookups: BatchedLookups): void {
  const ignore = () => undefined;
  for (const p of parsed) {
    const tenantId = p.item.event.tenant_id;
    for (const c of p.conversions) {
      const wait = p.mayWait && c.kind === 'purchase';
      const existing = known.get(conversionKey(tenantId, p.gateway, c.transactionId, c.kind));
      if (existing) {
        if (upgradeCandidate(existing, c)) void matcher(tenantId, c, existing.occurredAt, wait, p.settings);
        continue;
      }
      const purchase = FOLLOW_UP_KINDS.has(c.kind) ? known.get(conversionKey(tenantId, p.gateway, c.transactionId, 'purchase')) : undefined;
      if (purchase?.match) {
        if (purchase.match.sessionId) lookups.findSessions(tenantId, [purchase.match.sessionId]).catch(ignore);
        if (purchase.match.clickId) lookups.findClick(tenantId, purchase.match.clickId).catch(ignore);
        continue;
      }
      void matcher(tenantId, c, parseTime(c.occurredAt) ?? new Date(p.item.event.received_at), wait, p.settings);
    }
  }
}

/** A later delivery of a purchase matched by a weaker method that carries a pass-through id. */
function upgradeCandidate(existing: Known, conversion: NormalizedConversion): boolean {
  const m = existing.match;
  return !!m && m.method !== 'passthrough' && conversion.kind === 'purchase' && findPassthroughTokens(conversion.tracking).length > 0;
}

type Walked = { kind: 'wait_for_session'; tokens: string[] } | { kind: 'done'; plan: Plan; known: Map<string, Known> };

/** One webhook's decisions, as processWebhookEvent makes them, against `known` (left untouched). */
async function walkWebhook(p: ParsedWebhook, known: Map<string, Known>, matcher: Matcher, lookups: BatchedLookups, deps: MatchWorkerDeps): Promise<Walked> {
  const { event } = p.item;
  const tenantId = event.tenant_id;
  const { gateway } = p;
  const plan = emptyPlan();
  const mine = new Map<string, Known>();
  const get = (key: string) => mine.get(key) ?? known.get(key);
  const trace = currentTraceparent();
  const now = deps.now();
  plan.dedupeKeys.push({ tenantId, key: deliveryDedupeKey(gateway, p.deliveryId), conversionId: null, eventId: event.id });

  for (const conversion of p.conversions) {
    const key = conversionKey(tenantId, gateway, conversion.transactionId, conversion.kind);
    const wait = p.mayWait && conversion.kind === 'purchase';
    const existing = get(key);
    if (existing) {
      // A duplicate delivery, a second event for the same fact, or a replay: nothing changes — unless
      // this delivery carries the pass-through id the first one lacked.
      const previous = existing.match?.method ?? 'unmatched';
      if (!upgradeCandidate(existing, conversion)) {
        plan.methods.push(previous);
        continue;
      }
      const decision = await matcher(tenantId, conversion, existing.occurredAt, wait, p.settings);
      if (decision.kind === 'wait_for_session') return decision;
      const match = decision.result;
      if (match.method !== 'passthrough') {
        plan.methods.push(previous);
        continue;
      }
      plan.upgrades.push({
        ...newMatchOf(tenantId, existing.id, match),
        evidence: { ...match.evidence, upgradedFrom: previous, upgradedBy: event.id },
      });
      mine.set(key, { ...existing, match: knownMatchOf(match) });
      // The buyer as the first delivery told it, the link as this one does.
      const capiPlan = planConversionCapiEvent(
        { ...conversion, buyer: { ...(existing.buyer as NormalizedConversion['buyer']), ...conversion.buyer } },
        existing.occurredAt,
        match,
        { tenantId, gateway, rule: metaRuleOf(p.mapping, conversion.kind) },
      );
      if (capiPlan.kind === 'send') {
        const built = buildServerEvent(capiPlan.input, now);
        if (built.ok) plan.refreshes.push({ tenantId, eventId: capiPlan.input.eventId, payload: built.event as unknown as Record<string, unknown> });
      }
      plan.methods.push('passthrough');
      continue;
    }

    const occurred = parseTime(conversion.occurredAt);
    const occurredAt = occurred ?? new Date(event.received_at);
    const purchase = FOLLOW_UP_KINDS.has(conversion.kind) ? get(conversionKey(tenantId, gateway, conversion.transactionId, 'purchase')) : undefined;
    let match = purchase ? await inheritMatch(tenantId, purchase, lookups) : null;
    if (!match) {
      const decision = await matcher(tenantId, conversion, occurredAt, wait, p.settings);
      if (decision.kind === 'wait_for_session') return decision;
      match = decision.result;
    }
    const flags = unique([
      ...match.flags,
      ...buyerIdentifiers(conversion.buyer).flags,
      ...(conversion.kind === 'purchase' || FOLLOW_UP_KINDS.has(conversion.kind) ? moneyFlags(conversion.value, conversion.currency) : []),
      ...(occurred ? [] : ['invalid_occurred_at']),
    ]);
    const id = newId('cnv');
    plan.conversions.push({
      tenant_id: tenantId,
      id,
      event_id: event.id,
      gateway,
      transaction_id: conversion.transactionId,
      kind: conversion.kind,
      status: match.method === 'unmatched' ? 'unmatched' : 'matched',
      value: decimalOrNull(conversion.value),
      net_value: decimalOrNull(conversion.netValue ?? null),
      currency: conversion.currency,
      occurred_at: occurredAt,
      order_id: conversion.orderId ?? null,
      product_id: conversion.productId ?? null,
      offer_id: conversion.offerId ?? null,
      buyer: JSON.stringify(conversion.buyer),
      tracking: JSON.stringify(conversion.tracking),
      flags,
      related_id: purchase?.id ?? null,
    });
    plan.dedupeKeys.push({
      tenantId,
      key: conversionDedupeKey({ gateway, transactionId: conversion.transactionId, kind: conversion.kind }),
      conversionId: id,
      eventId: event.id,
    });
    plan.matches.push(newMatchOf(tenantId, id, match));
    // Follow-ups written before it (stored, or earlier in this batch) get it once all are inserted.
    if (conversion.kind === 'purchase') plan.followUpLinks.push({ tenantId, gateway, transactionId: conversion.transactionId, purchaseId: id });
    const capiPlan = planConversionCapiEvent(conversion, occurredAt, match, { tenantId, gateway, rule: metaRuleOf(p.mapping, conversion.kind) });
    plan.capi.push({ ...capiRow(capiPlan, { id }, event, now), trace });
    mine.set(key, { id, occurredAt, buyer: conversion.buyer, match: knownMatchOf(match) });
    plan.methods.push(match.method);
  }
  return { kind: 'done', plan, known: mine };
}

/** A refund/chargeback/cancellation after its purchase carries the purchase's link. */
async function inheritMatch(tenantId: string, purchase: Known, lookups: BatchedLookups): Promise<MatchResult | null> {
  const m = purchase.match;
  if (!m) return null;
  const session = m.records ? m.records.session : m.sessionId ? ((await lookups.findSessions(tenantId, [m.sessionId]))[0] ?? null) : null;
  const click = m.records ? m.records.click : m.clickId ? ((await lookups.findClick(tenantId, m.clickId)) ?? null) : null;
  // Stored evidence is JSON; a match made in this batch is stored the same way, so copy it likewise.
  const evidence = typeof m.evidence === 'object' && m.evidence !== null ? (JSON.parse(JSON.stringify(m.evidence)) as object) : {};
  return {
    method: m.method,
    confidence: m.confidence,
    session,
    click,
    visitorId: m.visitorId,
    evidence: { ...(evidence as MatchResult['evidence']), inheritedFrom: purchase.id },
    flags: [],
  };
}

function knownMatchOf(match: MatchResult): KnownMatch {
  return {
    method: match.method,
    confidence: match.confidence,
    visitorId: match.visitorId,
    sessionId: match.session?.id ?? null,
    clickId: match.click?.id ?? null,
    evidence: match.evidence,
    records: { session: match.session, click: match.click },
  };
}

function newMatchOf(tenantId: string, conversionId: string, match: MatchResult): NewMatch {
  return {
    tenantId,
    conversionId,
    method: match.method,
    confidence: match.confidence,
    visitorId: match.visitorId,
    sessionId: match.session?.id ?? null,
    clickId: match.click?.id ?? null,
    evidence: { ...match.evidence },
  };
}
