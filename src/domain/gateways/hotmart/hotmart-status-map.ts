// Hotmart postback 2.0.0 event name -> conversion kind. `null` = stored for evidence, no
// conversion. An event missing from the table is "not understood" (flagged unprocessable).
//
// Event list: https://developers.hotmart.com/docs/en/2.0.0/webhook/purchase-webhook/ as
// transcribed in api-evangelist/hotmart asyncapi/hotmart-webhooks.yml (protocols.md §2), and the
// help-centre list https://atendimento.hotmart.com.br/hc/en-us/articles/360001491352.
import type { ConversionKind } from '../types.ts';

export const hotmartEventKinds: Readonly<Record<string, ConversionKind | null>> = {
  // "A purchase was approved." A recurring charge (purchase.recurrence_number > 1) is promoted to
  // subscription_renewed in parse-hotmart-webhook.ts.
  PURCHASE_APPROVED: 'purchase',
  // "A purchase completed (warranty period elapsed)." The same sale as APPROVED: same
  // transaction and kind, so the hub's (transaction, kind) dedupe keeps one purchase.
  PURCHASE_COMPLETE: 'purchase',
  // "A bank payment slip (boleto) was generated for a purchase." Not paid yet.
  PURCHASE_BILLET_PRINTED: 'pending',
  // "A purchase was refunded."
  PURCHASE_REFUNDED: 'refund',
  // "A purchase was charged back."
  PURCHASE_CHARGEBACK: 'chargeback',
  // "A purchase was canceled." (includes a refused card before payment)
  PURCHASE_CANCELED: 'cancellation',
  // "A purchase expired without payment." (boleto/pix never paid)
  PURCHASE_EXPIRED: 'cancellation',
  // "Payment for a purchase is delayed." Hotmart uses it for late recurring / smart-installment
  // charges [derived: help-centre wording], hence past due rather than pending.
  PURCHASE_DELAYED: 'subscription_past_due',
  // "A purchase entered dispute" (status DISPUTE): the buyer asked for a refund; nothing is
  // refunded until PURCHASE_REFUNDED or PURCHASE_CHARGEBACK arrives, so no conversion yet.
  PURCHASE_PROTEST: null,
  // Cart abandonment: a lead left checkout without buying.
  PURCHASE_OUT_OF_SHOPPING_CART: 'abandoned_cart',
  // "A subscription was cancelled."
  SUBSCRIPTION_CANCELLATION: 'subscription_canceled',
  // Subscription housekeeping and members-area / logistics events: evidence only.
  SWITCH_PLAN: null,
  UPDATE_SUBSCRIPTION_CHARGE_DATE: null,
  CLUB_FIRST_ACCESS: null,
  CLUB_MODULE_COMPLETED: null,
  ORDER_FULFILLMENT: null,
};

export function hotmartKindFor(event: string): ConversionKind | null | undefined {
  return Object.hasOwn(hotmartEventKinds, event) ? hotmartEventKinds[event] : undefined;
}
