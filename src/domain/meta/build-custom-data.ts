// custom_data from the hub's conversion: value as a number computed from the decimal string,
// currency as ISO 4217, content ids, order id and item count. Purchases must carry value and
// currency (Pixel reference, Purchase: "value … Required for purchase events"), so a purchase
// without them is refused here instead of being sent as a zero-value purchase.
import { decimalStringToNumber } from './decimal-amount.ts';
import type { CapiCustomInput, MetaCustomData } from './types.ts';

export type BuildCustomDataResult = { ok: true; customData: MetaCustomData | undefined } | { ok: false; reason: string };

const CURRENCY = /^[A-Za-z]{3}$/;

export function buildCustomData(custom: CapiCustomInput | null | undefined, eventName: string): BuildCustomDataResult {
  const customData: MetaCustomData = {};
  const rawValue = custom?.value?.trim();
  const rawCurrency = custom?.currency?.trim();

  if (rawValue) {
    const value = decimalStringToNumber(rawValue);
    if (value === null) return { ok: false, reason: `value "${rawValue}" is not a plain decimal amount like "197.00"` };
    customData.value = value;
  }
  if (rawCurrency) {
    if (!CURRENCY.test(rawCurrency)) return { ok: false, reason: `currency "${rawCurrency}" is not an ISO 4217 code like "BRL"` };
    // Upper case as in Meta's own request examples ("currency": "USD").
    customData.currency = rawCurrency.toUpperCase();
  }
  if (customData.value !== undefined && customData.currency === undefined) {
    return { ok: false, reason: 'a value was given without its currency' };
  }
  if (eventName === 'Purchase' && (customData.value === undefined || customData.currency === undefined)) {
    return { ok: false, reason: 'a Purchase needs a value and a currency (Meta requires both for purchase events)' };
  }

  const contentIds = [...new Set((custom?.contentIds ?? []).map((id) => id.trim()).filter((id) => id.length > 0))];
  if (contentIds.length > 0) customData.content_ids = contentIds;
  const contentType = custom?.contentType?.trim();
  if (contentType) customData.content_type = contentType;
  const orderId = custom?.orderId?.trim();
  if (orderId) customData.order_id = orderId;
  const numItems = custom?.numItems;
  if (numItems !== undefined && numItems !== null) {
    if (!Number.isSafeInteger(numItems) || numItems < 0) return { ok: false, reason: `numItems ${numItems} is not a whole number` };
    customData.num_items = numItems;
  }

  return { ok: true, customData: Object.keys(customData).length > 0 ? customData : undefined };
}
