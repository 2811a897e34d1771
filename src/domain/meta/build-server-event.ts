// Builds one Meta server event from a hub CAPI event, or says in plain words why it cannot be
// sent. Everything Meta would reject for the whole batch (too old, in the future, no usable
// customer information, website event without browser context) is caught here, per event, so
// one bad conversion is parked with a reason instead of sinking 999 good ones.
// Fields and rules: https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/server-event
// and /parameters ("Website events … require client_user_agent, action_source and
// event_source_url, while non-web events require only action_source").
import { isActionSource, type ActionSource } from './action-sources.ts';
import { buildCustomData } from './build-custom-data.ts';
import { buildUserData } from './build-user-data.ts';
import { MAX_FUTURE_SKEW_MS, MAX_SENDABLE_EVENT_AGE_MS, SEND_SAFETY_MARGIN_MS } from './constants.ts';
import { hasEnoughCustomerInformation } from './customer-information-rules.ts';
import type { CapiEventInput, MetaServerEvent } from './types.ts';

export type BuildServerEventResult = { ok: true; event: MetaServerEvent } | { ok: false; reason: string };

export function buildServerEvent(input: CapiEventInput, now: Date): BuildServerEventResult {
  const eventName = input.eventName.trim();
  if (!eventName) return notSendable('the event has no name');
  const eventId = input.eventId.trim();
  if (!eventId) return notSendable('the event has no event_id, so Meta could not deduplicate it');

  const eventTimeMs = input.eventTime.getTime();
  if (Number.isNaN(eventTimeMs)) return notSendable('the event time is not a valid date');
  const ageMs = now.getTime() - eventTimeMs;
  if (ageMs > MAX_SENDABLE_EVENT_AGE_MS) {
    return notSendable(
      `the event happened ${describeDuration(ageMs)} ago; Meta accepts events up to 7 days old ` +
        `and the hub stops ${describeDuration(SEND_SAFETY_MARGIN_MS)} short of that`,
    );
  }
  if (-ageMs > MAX_FUTURE_SKEW_MS) {
    return notSendable(`the event time is ${describeDuration(-ageMs)} in the future; check the source's clock or time zone`);
  }
  // Within the tolerated skew a future time is sent as "now": Meta never sees a future timestamp.
  const eventTime = Math.floor(Math.min(eventTimeMs, now.getTime()) / 1000);

  const eventSourceUrl = httpUrlOrNull(input.eventSourceUrl);
  if (input.eventSourceUrl?.trim() && eventSourceUrl === null) {
    return notSendable(`event_source_url "${input.eventSourceUrl}" is not an http(s) URL`);
  }
  const userData = buildUserData(input.user);

  const actionSource: ActionSource =
    input.actionSource ?? (userData.client_user_agent && eventSourceUrl ? 'website' : 'system_generated');
  if (!isActionSource(actionSource)) return notSendable(`action_source "${String(actionSource)}" is not one Meta knows`);
  if (actionSource === 'website' && !(userData.client_user_agent && eventSourceUrl)) {
    return notSendable('a website event needs the browser user agent and the page URL (Meta requires both)');
  }

  if (!hasEnoughCustomerInformation(userData)) {
    return notSendable(
      'no usable customer information: Meta needs at least an e-mail, phone, external id, fbc/fbp or ' +
        'IP address with user agent (what was given was empty, invalid, or too broad to match)',
    );
  }

  const custom = buildCustomData(input.custom, eventName);
  if (!custom.ok) return notSendable(custom.reason);

  const event: MetaServerEvent = {
    event_name: eventName,
    event_time: eventTime,
    event_id: eventId,
    action_source: actionSource,
    ...(eventSourceUrl ? { event_source_url: eventSourceUrl } : {}),
    user_data: userData,
    ...(custom.customData ? { custom_data: custom.customData } : {}),
  };
  return { ok: true, event };
}

function notSendable(why: string): { ok: false; reason: string } {
  return { ok: false, reason: `not sendable to Meta: ${why}` };
}

function httpUrlOrNull(raw: string | null | undefined): string | null {
  const text = raw?.trim();
  if (!text) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? text : null;
  } catch {
    return null;
  }
}

function describeDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return `${days} days${restHours ? ` ${restHours} hour${restHours === 1 ? '' : 's'}` : ''}`;
}
