// The one tag a seller pastes on every landing page, with their public key and the hub's address
// filled in. Everything else (checkout hosts, origins) comes from the funnel settings at run time.
export function pixelTag(baseUrl: string, publicKey: string): string {
  return `<script async src="${escapeAttribute(`${baseUrl}/pixel.js`)}" data-key="${escapeAttribute(publicKey)}"></script>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** True when gateways on the internet cannot reach this base URL (loopback, private, or a bare host name). */
export function isLocalUrl(baseUrl: string): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return true;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  if (!host.includes('.') && !host.includes(':')) return true;
  if (/^127\./.test(host) || host === '::1' || host === '0.0.0.0') return true;
  if (/^10\./.test(host) || /^192\.168\./.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host) || /^169\.254\./.test(host)) return true;
  if (/^f[cd][0-9a-f]{2}:/i.test(host) || /^fe80:/i.test(host)) return true;
  return false;
}
