// Where a conversion happened, as Meta names it. SDK server-event.js documents
// physical_store, app, chat, email, other, phone_call, system_generated, website; Meta's
// server-event page adds business_messaging (protocols.md §1.2).
// https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/server-event
export const ACTION_SOURCES = [
  'website',
  'app',
  'email',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
] as const;

export type ActionSource = (typeof ACTION_SOURCES)[number];

export function isActionSource(value: unknown): value is ActionSource {
  return typeof value === 'string' && (ACTION_SOURCES as readonly string[]).includes(value);
}
