// Mirrors events to the page's Meta Pixel (window.fbq) with the same event id the hub sends to the
// Conversions API, so Meta keeps one of the two: browser `eventID` must equal server `event_id` and the
// event names must match (https://developers.facebook.com/docs/marketing-api/conversions-api/deduplicate-pixel-and-server-events).

export type PixelEvent = 'PageView' | 'InitiateCheckout' | 'Lead';

export function fireFbq(enabled: boolean, event: PixelEvent, eventId: string): void {
  const fbq = window.fbq;
  if (!enabled || typeof fbq !== 'function') return;
  try {
    fbq('track', event, {}, { eventID: eventId });
  } catch {
    // A broken page pixel must not break ours.
  }
}
