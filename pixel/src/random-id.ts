// Random ids made in the browser. crypto.getRandomValues works on plain-http pages too, unlike
// crypto.randomUUID (secure contexts only) — many landing pages are still served over http.

export function randomHex(length: number): string {
  let hex = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(Math.ceil(length / 2)))) {
    hex += (byte + 256).toString(16).slice(1);
  }
  return hex.slice(0, length);
}

/**
 * A UUIDv7 as 32 hex digits (48-bit ms timestamp, version 7, variant 10xx), optionally with a type
 * prefix — the same shape as the hub's own ids (`vis_…`, `sid_…`), so ids minted here and ids
 * minted by the hub sort and validate alike.
 */
export function newId(prefix?: string): string {
  const variant = (8 | (parseInt(randomHex(1), 16) & 3)).toString(16);
  const hex = Date.now().toString(16).padStart(12, '0') + '7' + randomHex(3) + variant + randomHex(15);
  return prefix ? prefix + '_' + hex : hex;
}

/** The random part of `_fbp`: 10 digits, like Meta's example `fb.1.1596403881668.1116446470`. */
export function randomTenDigits(): string {
  return String(1e9 + Math.floor(Math.random() * 9e9));
}
