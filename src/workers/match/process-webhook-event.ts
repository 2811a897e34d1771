// A webhook delivery: re-parse its raw body with the gateway module (so `hub reprocess` re-runs
// normalization after a fix), then, for each conversion, in the caller's transaction: dedupe, match,
// write the conversion, its match, and the CAPI event(s) with their dispatch jobs.
import type { Transaction } from 'kysely';
import { loadEventEvidence, type Evidence } from '../../evidence/index.ts';
import type { Database, EventRow, EventStatus } from '../../store/database.ts';
import { findTenant } from '../../store/tenants.ts';
import { setEventStatus } from '../../store/events.ts';
import {
  findConversionByKey,
  insertConversion,
  linkFollowUpsToPurchase,
  lockGatewayTransaction,
  registerDedupeKeys,
  type ConversionRow,
} from '../../store/conversions.ts';
import { findClick, findMatch, findSessions, insertMatch, matchLookups, refreshUnsentCapiEventPayload, upgradeMatch } from '../../store/matching.ts';
import { createCapiEventsForDispatch, type NewCapiEvent } from '../../store/capi-events.ts';
import { getGateway, type NormalizedConversion, type WebhookRequest } from '../../domain/gateways/index.ts';
import {
  FOLLOW_UP_KINDS,
  buyerIdentifiers,
  conversionDedupeKey,
  deliveryDedupeKey,
  findPassthroughTokens,
  matchConversion,
  moneyFlags,
  planConversionCapiEvent,
  readMatchSettings,
  type MatchResult,
  type MatchSettings,
} from '../../domain/matching/index.ts';
import { buildServerEvent } from '../../domain/meta/index.ts';
import { newId } from '../../lib/ids.ts';
import { mappingKindOf, resolveMapping, type ConversionMapping, type MappingRule } from '../../domain/mapping/index.ts';
import { readStoredMapping } from '../../store/mappings.ts';
import type { MatchWorkerDeps } from './match-worker-deps.ts';

export type WebhookProcessResult =
  | { kind: 'done'; status: EventStatus }
  /** A pass-through token names a session not stored yet; nothing was written. */
  | { kind: 'wait_for_session'; tokens: string[] };

class WaitForSession extends Error {
  constructor(readonly tokens: string[]) {
    super('pass-through session not seen yet');
  }
}

/**
 * Runs inside the caller's transaction (the handler gives each event a savepoint). On
 * `wait_for_session` the caller rolls back what this wrote.
 */
export async function processWebhookEvent(
  trx: Transaction<Database>,
  event: EventRow,
  deps: MatchWorkerDeps,
  options: { mayWaitForSession: boolean; tenantContext?: TenantContextMemo },
): Promise<WebhookProcessResult> {
  const gateway = event.gateway ? getGateway(event.gateway) : undefined;
  if (!gateway) return markUnprocessable(trx, event, `unknown gateway "${event.gateway ?? ''}"`);
  const evidence = await loadEventEvidence(event, deps.evidence);
  if (!evidence) return markUnprocessable(trx, event, 'the raw body is not stored with the event; it cannot be parsed again');
  const parsed = gateway.parse(webhookRequestOf(event, evidence));
  if (!parsed.ok) return markUnprocessable(trx, event, parsed.reason);

  const { settings, mapping } = await tenantContextOf(trx, event.tenant_id, options.tenantContext);

  // A stable order of locks: two events touching the same transactions never deadlock.
  const conversions = [...parsed.conversions].sort((a, b) => (a.transactionId < b.transactionId ? -1 : a.transactionId > b.transactionId ? 1 : 0));
  try {
    await registerDedupeKeys(trx, event.tenant_id, [
      { key: deliveryDedupeKey(gateway.name, parsed.deliveryId), conversionId: null, eventId: event.id },
    ]);
    const methods: string[] = [];
    for (const conversion of conversions) {
      const ctx = { trx, event, deps, settings, mapping, gateway: gateway.name, mayWait: options.mayWaitForSession };
      methods.push(await writeConversion(conversion, ctx));
    }
    const status: EventStatus =
      methods.length === 0 ? 'processed' : methods.some((m) => m !== 'unmatched') ? 'matched' : 'unmatched';
    if (event.status !== 'dispatched') await setEventStatus(trx, event.tenant_id, event.id, status, { error: null });
    return { kind: 'done', status };
  } catch (err) {
    if (err instanceof WaitForSession) return { kind: 'wait_for_session', tokens: err.tokens };
    throw err;
  }
}

interface WriteContext {
  trx: Transaction<Database>;
  event: EventRow;
  deps: MatchWorkerDeps;
  settings: MatchSettings;
  mapping: ConversionMapping;
  gateway: string;
  mayWait: boolean;
}

/** Writes one conversion (or finds it already written) and returns its match method. */
async function writeConversion(conversion: NormalizedConversion, ctx: WriteContext): Promise<string> {
  const { trx, event, gateway } = ctx;
  const tenantId = event.tenant_id;
  await lockGatewayTransaction(trx, tenantId, gateway, conversion.transactionId);

  const existing = await findConversionByKey(trx, tenantId, gateway, conversion.transactionId, conversion.kind);
  if (existing) {
    // A duplicate delivery, a second event for the same fact, or a replay: nothing changes — unless
    // this delivery carries the pass-through id the first one lacked.
    const match = await findMatch(trx, tenantId, existing.id);
    if (match && match.method !== 'passthrough' && conversion.kind === 'purchase' && findPassthroughTokens(conversion.tracking).length > 0) {
      return upgradeToPassthrough(conversion, existing, ctx, match.method);
    }
    return match?.method ?? 'unmatched';
  }

  const occurred = parseTime(conversion.occurredAt);
  const occurredAt = occurred ?? new Date(event.received_at);
  const purchase = FOLLOW_UP_KINDS.has(conversion.kind)
    ? await findConversionByKey(trx, tenantId, gateway, conversion.transactionId, 'purchase')
    : undefined;

  const match = (purchase && (await inheritMatch(trx, tenantId, purchase))) || (await matchNew(conversion, occurredAt, ctx));
  const flags = unique([
    ...match.flags,
    ...buyerIdentifiers(conversion.buyer).flags,
    ...(conversion.kind === 'purchase' || FOLLOW_UP_KINDS.has(conversion.kind) ? moneyFlags(conversion.value, conversion.currency) : []),
    ...(occurred ? [] : ['invalid_occurred_at']),
  ]);

  const { conversion: row } = await insertConversion(trx, {
    tenant_id: tenantId,
    id: newId('cnv'),
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
  await registerDedupeKeys(trx, tenantId, [
    { key: conversionDedupeKey({ gateway, transactionId: conversion.transactionId, kind: conversion.kind }), conversionId: row.id, eventId: event.id },
  ]);
  await insertMatch(trx, {
    tenantId,
    conversionId: row.id,
    method: match.method,
    confidence: match.confidence,
    visitorId: match.visitorId,
    sessionId: match.session?.id ?? null,
    clickId: match.click?.id ?? null,
    evidence: { ...match.evidence },
  });
  if (conversion.kind === 'purchase') {
    await linkFollowUpsToPurchase(trx, tenantId, gateway, conversion.transactionId, row.id, [...FOLLOW_UP_KINDS]);
  }

  const plan = planConversionCapiEvent(conversion, occurredAt, match, { tenantId, gateway, rule: metaRuleOf(ctx.mapping, conversion.kind) });
  await createCapiEventsForDispatch(trx, ctx.deps.queue, [capiRow(plan, row, event, ctx.deps.now())]);
  ctx.deps.metrics?.matches.inc({ method: match.method });
  return match.method;
}

/** Re-matches an existing purchase with this delivery's tracking; keeps the old match unless pass-through wins. */
async function upgradeToPassthrough(
  conversion: NormalizedConversion,
  existing: ConversionRow,
  ctx: WriteContext,
  previous: string,
): Promise<string> {
  const occurredAt = new Date(existing.occurred_at);
  const match = await matchNew(conversion, occurredAt, ctx);
  if (match.method !== 'passthrough') return previous;
  const tenantId = ctx.event.tenant_id;
  const upgraded = await upgradeMatch(
    ctx.trx,
    {
      tenantId,
      conversionId: existing.id,
      method: match.method,
      confidence: match.confidence,
      visitorId: match.visitorId,
      sessionId: match.session?.id ?? null,
      clickId: match.click?.id ?? null,
      evidence: { ...match.evidence, upgradedFrom: previous, upgradedBy: ctx.event.id },
    },
    ['identity', 'fingerprint', 'unmatched'],
  );
  if (!upgraded) return previous;
  // The buyer as the first delivery told it, the link as this one does.
  const plan = planConversionCapiEvent({ ...conversion, buyer: { ...(existing.buyer as NormalizedConversion['buyer']), ...conversion.buyer } }, occurredAt, match, {
    tenantId,
    gateway: ctx.gateway,
    rule: metaRuleOf(ctx.mapping, conversion.kind),
  });
  if (plan.kind === 'send') {
    const built = buildServerEvent(plan.input, ctx.deps.now());
    if (built.ok) await refreshUnsentCapiEventPayload(ctx.trx, tenantId, plan.input.eventId, built.event as unknown as Record<string, unknown>);
  }
  ctx.deps.metrics?.matches.inc({ method: 'passthrough' });
  return match.method;
}

async function matchNew(conversion: NormalizedConversion, occurredAt: Date, ctx: WriteContext): Promise<MatchResult> {
  const decision = await matchConversion(
    { occurredAt, buyer: conversion.buyer, tracking: conversion.tracking },
    matchLookups(ctx.trx, ctx.event.tenant_id),
    ctx.settings,
    // Only a purchase waits: a refund or status change carries the purchase's link anyway.
    { waitForMissingSession: ctx.mayWait && conversion.kind === 'purchase' },
  );
  if (decision.kind === 'wait_for_session') throw new WaitForSession(decision.tokens);
  return decision.result;
}

/** A refund/chargeback/cancellation after its purchase carries the purchase's link. */
export async function inheritMatch(trx: Transaction<Database>, tenantId: string, purchase: ConversionRow): Promise<MatchResult | null> {
  const m = await findMatch(trx, tenantId, purchase.id);
  if (!m) return null;
  const [session] = m.session_id ? await findSessions(trx, tenantId, [m.session_id]) : [];
  const click = m.click_id ? await findClick(trx, tenantId, m.click_id) : undefined;
  const evidence = typeof m.evidence === 'object' && m.evidence !== null ? m.evidence : {};
  return {
    method: m.method,
    confidence: m.confidence,
    session: session ?? null,
    click: click ?? null,
    visitorId: m.visitor_id,
    evidence: { ...(evidence as unknown as MatchResult['evidence']), inheritedFrom: purchase.id },
    flags: [],
  };
}

/** The tenant's Meta rule for a conversion kind. */
export function metaRuleOf(mapping: ConversionMapping, kind: NormalizedConversion['kind']): MappingRule {
  return mapping.meta[mappingKindOf(kind)];
}

export function capiRow(
  plan: ReturnType<typeof planConversionCapiEvent>,
  conversion: Pick<ConversionRow, 'id'>,
  event: EventRow,
  now: Date,
): NewCapiEvent {
  const base = { tenantId: event.tenant_id, conversionId: conversion.id, sourceEventId: event.id };
  if (plan.kind === 'skip') {
    return { ...base, eventId: plan.eventId, eventName: plan.eventName, status: 'skipped', payload: {}, lastError: plan.reason };
  }
  const built = buildServerEvent(plan.input, now);
  return built.ok
    ? { ...base, eventId: plan.input.eventId, eventName: plan.input.eventName, status: 'pending', payload: built.event as unknown as Record<string, unknown> }
    : { ...base, eventId: plan.input.eventId, eventName: plan.input.eventName, status: 'not_sendable', payload: {}, lastError: built.reason };
}

async function markUnprocessable(trx: Transaction<Database>, event: EventRow, reason: string): Promise<WebhookProcessResult> {
  await setEventStatus(trx, event.tenant_id, event.id, 'unprocessable', {
    error: reason.slice(0, 1000),
    flags: unique([...event.flags, 'unprocessable']),
  });
  return { kind: 'done', status: 'unprocessable' };
}

/** What matching needs to know about a tenant; one read per tenant per batch (a memo the handler owns). */
export type TenantContextMemo = Map<string, Promise<TenantContext>>;

export interface TenantContext {
  settings: MatchSettings;
  /** The conversion mapping in force (docs/conversions.md): read once per tenant per batch. */
  mapping: ConversionMapping;
}

export function tenantContextOf(trx: Transaction<Database>, tenantId: string, memo: TenantContextMemo | undefined): Promise<TenantContext> {
  const load = async () => {
    const tenant = await findTenant(trx, tenantId);
    if (!tenant) throw new Error(`tenant ${tenantId} not found`);
    return { settings: readMatchSettings(tenant.settings), mapping: resolveMapping(await readStoredMapping(trx, tenantId)) };
  };
  if (!memo) return load();
  let hit = memo.get(tenantId);
  if (!hit) {
    hit = load();
    memo.set(tenantId, hit);
    // A failed read is not remembered: the next event tries again.
    hit.catch(() => memo.delete(tenantId));
  }
  return hit;
}

export function webhookRequestOf(event: EventRow, evidence: Evidence): WebhookRequest {
  const payload = (typeof event.payload === 'object' && event.payload !== null ? event.payload : {}) as { query?: unknown };
  const query = typeof payload.query === 'object' && payload.query !== null ? (payload.query as Record<string, string>) : {};
  return { rawBody: evidence.body, headers: evidence.headers, query, receivedAt: new Date(event.received_at) };
}

export function parseTime(value: string): Date | null {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function decimalOrNull(value: string | null): string | null {
  return value !== null && /^-?\d+(\.\d+)?$/.test(value.trim()) ? value.trim() : null;
}

export function unique(values: string[]): string[] {
  return [...new Set(values)];
}
