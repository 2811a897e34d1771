// A replay applies the conversion mapping in force now to the event's conversions that an earlier
// mapping left unsent (capi_events `skipped`): the plan is made again from the stored conversion and
// its match, and the row becomes pending (dispatched) — or not_sendable when Meta's 7 days are past.
// Events Meta already accepted are never touched: Meta deduplicates on event_name + event_id, so a
// sent event renamed would count twice (docs/conversions.md). Both match executors call this after
// requeueCapiEventsOfEvent, so it lives once.
import { sql, type Transaction } from 'kysely';
import type { Database, EventRow } from '../../store/database.ts';
import type { ConversionRow } from '../../store/conversions.ts';
import type { NormalizedConversion } from '../../domain/gateways/types.ts';
import { planConversionCapiEvent, type MatchResult } from '../../domain/matching/index.ts';
import type { ConversionMapping } from '../../domain/mapping/index.ts';
import type { Queue } from '../../queue/queue.ts';
import { capiRow, inheritMatch, metaRuleOf } from './process-webhook-event.ts';

const UNMATCHED: MatchResult = { method: 'unmatched', confidence: 0, session: null, click: null, visitorId: null, evidence: {} as MatchResult['evidence'], flags: [] };

export async function applyMappingOnReplay(
  trx: Transaction<Database>,
  queue: Pick<Queue, 'enqueue'>,
  event: EventRow,
  mapping: ConversionMapping,
  now: Date,
): Promise<{ resent: number; tooOld: number }> {
  const skipped = await trx
    .selectFrom('capi_events as c')
    .innerJoin('conversions as v', (j) => j.onRef('v.tenant_id', '=', 'c.tenant_id').onRef('v.id', '=', 'c.conversion_id'))
    .selectAll('v')
    .select(['c.id as capi_id'])
    .where('c.tenant_id', '=', event.tenant_id)
    .where('c.status', '=', 'skipped')
    .where('v.event_id', '=', event.id)
    .execute();
  let resent = 0;
  let tooOld = 0;
  for (const row of skipped) {
    const conversion = conversionOfRow(row);
    const rule = metaRuleOf(mapping, conversion.kind);
    if (rule.event === null) continue;
    const match = (await inheritMatch(trx, event.tenant_id, row)) ?? UNMATCHED;
    const plan = planConversionCapiEvent(conversion, new Date(row.occurred_at), match, { tenantId: event.tenant_id, gateway: row.gateway, rule });
    const next = capiRow(plan, row, event, now);
    const updated = await trx
      .updateTable('capi_events')
      .set({ event_name: next.eventName, status: next.status, payload: JSON.stringify(next.payload), last_error: next.lastError ?? null, updated_at: sql`now()` })
      .where('tenant_id', '=', event.tenant_id)
      .where('id', '=', row.capi_id)
      .where('status', '=', 'skipped')
      .returning(['id', 'status'])
      .executeTakeFirst();
    if (updated?.status === 'pending') {
      await queue.enqueue(trx, 'capi-dispatch', [{ tenantId: event.tenant_id, payload: { capiEventId: updated.id, tenantId: event.tenant_id } }]);
      resent++;
    } else if (updated) {
      tooOld++;
    }
  }
  return { resent, tooOld };
}

function conversionOfRow(row: ConversionRow): NormalizedConversion {
  return {
    kind: row.kind as NormalizedConversion['kind'],
    transactionId: row.transaction_id,
    orderId: row.order_id ?? undefined,
    productId: row.product_id ?? undefined,
    offerId: row.offer_id ?? undefined,
    value: row.value,
    netValue: row.net_value,
    currency: row.currency,
    occurredAt: new Date(row.occurred_at).toISOString(),
    buyer: row.buyer as NormalizedConversion['buyer'],
    tracking: row.tracking as NormalizedConversion['tracking'],
    gatewayStatus: 'stored',
  };
}
