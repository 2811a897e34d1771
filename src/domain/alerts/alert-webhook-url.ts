// Where a tenant's alerts may be posted: https anywhere, plain http only to this machine (a local
// receiver, a relay in a sidecar). Alerts carry no buyer data, but they do say how the seller's
// business is doing, so they are not sent in clear over a network.
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isAllowedAlertWebhookUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return url.hostname.length > 0;
  if (url.protocol === 'http:') return LOCAL_HOSTS.has(url.hostname) || /^127(?:\.\d{1,3}){3}$/.test(url.hostname);
  return false;
}

/** The tenant's alert webhook from its stored settings, or null when none (or an invalid one) is set. */
export function readAlertWebhookUrl(tenantSettings: unknown): string | null {
  if (typeof tenantSettings !== 'object' || tenantSettings === null || Array.isArray(tenantSettings)) return null;
  const value = (tenantSettings as Record<string, unknown>).alertWebhookUrl;
  return typeof value === 'string' && isAllowedAlertWebhookUrl(value) ? value : null;
}
