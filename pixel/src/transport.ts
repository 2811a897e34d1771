// Sending events to the hub. Bodies are JSON sent as text/plain: a CORS-safelisted content type, so
// the browser sends no preflight; the hub parses the body as JSON whatever its content type.
// Tracking must never break or slow the page: every failure is swallowed.
import type { TrackBody, TrackResponse } from './types.ts';

const TEXT_PLAIN = 'text/plain;charset=UTF-8';

/** POST and read the hub's answer. keepalive lets the request finish if the page is left meanwhile. */
export function postEvent(url: string, body: TrackBody): Promise<TrackResponse | undefined> {
  try {
    return fetch(url, {
      method: 'POST',
      keepalive: true,
      credentials: 'omit',
      headers: { 'content-type': TEXT_PLAIN },
      body: JSON.stringify(body),
    })
      .then((response) => (response.ok ? (response.json() as Promise<TrackResponse>) : undefined))
      .catch(() => undefined);
  } catch {
    return Promise.resolve(undefined);
  }
}

/**
 * Fire and forget, for the moment the page is being left (a checkout link followed): sendBeacon is
 * the request browsers promise to deliver after navigation. Falls back to a keepalive fetch when
 * sendBeacon is missing or refuses (it queues at most ~64 KiB).
 */
export function beaconEvent(url: string, body: TrackBody): void {
  try {
    if (navigator.sendBeacon(url, new Blob([JSON.stringify(body)], { type: TEXT_PLAIN }))) return;
  } catch {
    // fall through to fetch
  }
  void postEvent(url, body);
}
