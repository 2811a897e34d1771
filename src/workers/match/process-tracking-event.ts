// A tracking event (click, pageview, initiate_checkout, lead): record its session, click and
// identities, and for a human pageview, checkout start or lead, the CAPI event whose event_id is the
// browser's eventId, so Meta keeps one of the pixel's copy and ours.
import type { Transaction } from 'kysely';
import type { Database, EventRow } from '../../store/database.ts';
import { recordTrackingEvent } from '../../store/tracking.ts';
import { createCapiEventsForDispatch, type NewCapiEvent } from '../../store/capi-events.ts';
import { setEventStatus } from '../../store/events.ts';
import { TRACKING_FLAGS, parseTrackingPayload } from '../../domain/tracking/index.ts';
import { buildServerEvent } from '../../domain/meta/index.ts';
import type { ConversionMapping } from '../../domain/mapping/index.ts';
import { tenantContextOf, type TenantContextMemo } from './process-webhook-event.ts';
import { isSha256Hex } from '../../domain/identity/index.ts';
import type { MatchWorkerDeps } from './match-worker-deps.ts';

export async function processTrackingEvent(
  trx: Transaction<Database>,
  event: EventRow,
  deps: MatchWorkerDeps,
  tenantContext?: TenantContextMemo,
): Promise<void> {
  await recordTrackingEvent(trx, event);
  const { mapping } = await tenantContextOf(trx, event.tenant_id, tenantContext);
  const capi = trackingCapiEvent(event, deps, mapping);
  if (capi) await createCapiEventsForDispatch(trx, deps.queue, [capi]);
  if (event.status !== 'dispatched') await setEventStatus(trx, event.tenant_id, event.id, 'processed');
}

/** The browser pixel's name for each tracking kind sent to Meta (the name a skipped row keeps). */
const PIXEL_NAMES = { pageview: 'PageView', initiate_checkout: 'InitiateCheckout', lead: 'Lead' } as const;

/**
 * The CAPI event of a human pageview, checkout start or lead (null for clicks and bots), named by the
 * tenant's mapping; a kind the mapping turns off is recorded as skipped, with the reason.
 */
export function trackingCapiEvent(event: EventRow, deps: Pick<MatchWorkerDeps, 'now'>, mapping: ConversionMapping): NewCapiEvent | null {
  const kind = event.type === 'click' || event.type === 'webhook' ? null : event.type;
  if (kind && !event.flags.includes(TRACKING_FLAGS.bot)) {
    const p = parseTrackingPayload(event.payload);
    const rule = mapping.meta[kind];
    if (rule.event === null) {
      return {
        tenantId: event.tenant_id,
        eventId: p.eventId,
        conversionId: null,
        sourceEventId: event.id,
        eventName: PIXEL_NAMES[kind],
        status: 'skipped',
        payload: {},
        lastError: `not sent: the conversion mapping sends no Meta event for ${kind} (change it with PUT /api/v1/mapping)`,
      };
    }
    const eventName = rule.event;
    const built = buildServerEvent(
      {
        eventName,
        eventTime: new Date(event.occurred_at),
        eventId: p.eventId,
        eventSourceUrl: p.url,
        user: {
          externalId: p.visitorId,
          clientIpAddress: event.client_ip,
          clientUserAgent: event.user_agent,
          fbc: p.fbc,
          fbp: p.fbp,
        },
        custom: p.checkout && rule.value !== 'none'
          ? { value: p.checkout.value, currency: p.checkout.currency, contentIds: p.checkout.contentIds, contentType: 'product' }
          : null,
      },
      deps.now(),
    );
    if (built.ok) {
      // The tracking side hashed e-mail and phone already (sha256 of the same normalization Meta asks for).
      if (p.user.emailHash && isSha256Hex(p.user.emailHash)) built.event.user_data.em = [p.user.emailHash];
      if (p.user.phoneHash && isSha256Hex(p.user.phoneHash)) built.event.user_data.ph = [p.user.phoneHash];
    }
    return {
        tenantId: event.tenant_id,
        eventId: p.eventId,
        conversionId: null,
        sourceEventId: event.id,
        eventName,
        status: built.ok ? 'pending' : 'not_sendable',
        payload: built.ok ? (built.event as unknown as Record<string, unknown>) : {},
        lastError: built.ok ? null : built.reason,
    };
  }
  return null;
}
