// Launches Debian's Chromium (never a downloaded browser) through playwright-core, for pixel and
// end-to-end tests. The browser is real; only the servers it talks to are local.
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.HUB_CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface LaunchChromiumOptions {
  /**
   * Host names to resolve to a local address, e.g. `{ 'lp.shop.example.com.br': '127.0.0.1' }`, so
   * a page can be served under a real-looking domain (cookies on registrable domains, public
   * suffixes). Every other name except localhost fails to resolve: tests never reach the network.
   * Requests to other hosts can still be answered with Playwright's `page.route`.
   */
  hostMap?: Record<string, string>;
}

export function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const rules = Object.entries(options.hostMap ?? {}).map(([host, address]) => `MAP ${host} ${address}`);
  rules.push('MAP * ~NOTFOUND', 'EXCLUDE localhost', 'EXCLUDE 127.0.0.1', 'EXCLUDE [::1]');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      `--host-resolver-rules=${rules.join(', ')}`,
    ],
  });
}
