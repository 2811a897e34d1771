// Which event names Meta accepts for a mapping rule: its standard events (the ones the browser pixel
// also knows, so a server event and a pixel event of the same name deduplicate), or a custom name.
// Standard events: https://developers.facebook.com/docs/meta-pixel/reference (docs/conversions.md).
// Custom names: "Custom event names must be strings, and cannot exceed 50 characters in length."
// https://developers.facebook.com/docs/meta-pixel/implementation/conversion-tracking#custom-events

export const META_STANDARD_EVENTS = [
  'AddPaymentInfo',
  'AddToCart',
  'AddToWishlist',
  'CompleteRegistration',
  'Contact',
  'CustomizeProduct',
  'Donate',
  'FindLocation',
  'InitiateCheckout',
  'Lead',
  'PageView',
  'Purchase',
  'Schedule',
  'Search',
  'StartTrial',
  'SubmitApplication',
  'Subscribe',
  'ViewContent',
] as const;

/** A standard name exactly, or a custom name: a letter, then letters, digits, `_` or spaces; at most 50. */
const CUSTOM_NAME = /^[A-Za-z][A-Za-z0-9_ ]{0,49}$/;

export function metaEventNameProblem(name: string): string | null {
  if ((META_STANDARD_EVENTS as readonly string[]).includes(name)) return null;
  const standard = META_STANDARD_EVENTS.find((s) => s.toLowerCase() === name.toLowerCase());
  if (standard) return `Meta's standard event is spelled ${standard}`;
  if (!CUSTOM_NAME.test(name)) return 'a custom event name is a letter followed by letters, digits, _ or spaces, at most 50 characters';
  return null;
}
