// Kiwify sales webhook `webhook_event_type` -> conversion kind, with `order_status` as the
// fallback when an event type is missing or new (the full event list is not published).
//
// `order_approved` is in the official example (https://docs.kiwify.com.br/api-reference/webhooks/receiving);
// the others mirror the panel triggers (compra_aprovada, compra_reembolsada, chargeback,
// compra_recusada, pix_gerado, boleto_gerado, subscription_*) listed on
// https://docs.kiwify.com.br/api-reference/webhooks/create, with the event-type spellings used by
// community handlers [derived, protocols.md §3].
import type { ConversionKind } from '../types.ts';

export const kiwifyEventKinds: Readonly<Record<string, ConversionKind>> = {
  order_approved: 'purchase', // compra_aprovada [official example]
  order_refunded: 'refund', // compra_reembolsada
  chargeback: 'chargeback', // chargeback
  order_rejected: 'cancellation', // compra_recusada: the card was refused, nothing was paid
  pix_created: 'pending', // pix_gerado: waiting for the PIX transfer
  billet_created: 'pending', // boleto_gerado: waiting for the boleto to be paid
  subscription_renewed: 'subscription_renewed',
  subscription_late: 'subscription_past_due',
  subscription_canceled: 'subscription_canceled',
};

// order_status values seen in payloads: paid, refunded, chargedback, waiting_payment, refused
// (protocols.md §3).
export const kiwifyOrderStatusKinds: Readonly<Record<string, ConversionKind>> = {
  paid: 'purchase',
  approved: 'purchase',
  refunded: 'refund',
  chargedback: 'chargeback',
  waiting_payment: 'pending',
  refused: 'cancellation',
  expired: 'cancellation',
};

export function kiwifyKindFor(eventType: string | undefined, orderStatus: string | undefined): ConversionKind | undefined {
  if (eventType !== undefined && Object.hasOwn(kiwifyEventKinds, eventType)) return kiwifyEventKinds[eventType];
  if (orderStatus !== undefined && Object.hasOwn(kiwifyOrderStatusKinds, orderStatus)) return kiwifyOrderStatusKinds[orderStatus];
  return undefined;
}
