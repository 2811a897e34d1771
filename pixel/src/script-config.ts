// Reads the pixel's configuration from its own <script> tag:
//   <script async src="https://HUB/pixel.js" data-key="hub_pk_…" data-fbq="off" data-checkout-hosts="a.com,b.com">

const PIXEL_SRC = /\/pixel\.js(?:[?#]|$)/;

export function findOwnScript(): HTMLScriptElement | undefined {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src) return current;
  // currentScript is null when the code runs from a callback or was injected oddly; find the tag.
  const scripts = document.querySelectorAll<HTMLScriptElement>('script[data-key][src]');
  for (let i = 0; i < scripts.length; i++) {
    const script = scripts[i];
    if (script && PIXEL_SRC.test(script.src)) return script;
  }
  return undefined;
}

/** `https://hub.example.com/t/pixel.js?v=2` → `https://hub.example.com/t` (the hub may sit under a path). */
export function hubBaseUrl(scriptSrc: string): string {
  const url = new URL(scriptSrc);
  return url.origin + url.pathname.replace(/\/pixel\.js$/, '');
}
