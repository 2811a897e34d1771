// Risk: cookies land on the wrong domain (a public suffix refused, or a subdomain only) so the
// visitor, session and Meta ids split across the seller's subdomains; or _fbc/_fbp get Meta's
// format wrong (seconds, a stale click id, a wrong subdomainIndex). Runs in real Chromium, whose
// cookie code applies the real public suffix list; host names are mapped to 127.0.0.1.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PixelInternals } from '../test-support/pixel-internals-entry.ts';
import { buildPixelInternals, launchChromium, serveLandingPage, type LandingPage } from '../test-support/index.ts';

const HOSTS = ['lp.shop.example.com.br', 'www.example.com', 'shop.example.co.uk', 'me.github.io', 'a.b.c.example.com'];

let browser: Browser;
let landing: LandingPage;
let internals: string;

beforeAll(async () => {
  [browser, landing, internals] = await Promise.all([
    launchChromium({ hostMap: Object.fromEntries(HOSTS.map((host) => [host, '127.0.0.1'])) }),
    serveLandingPage({ html: '<!doctype html><title>landing</title>' }),
    buildPixelInternals(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await landing?.close();
});

async function openAt(context: BrowserContext, host: string, query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`http://${host}:${landing.port}/${query}`);
  await page.addScriptTag({ content: internals });
  return page;
}

const hubPixel = (page: Page) => page.evaluateHandle(() => (window as unknown as { __hubPixel: PixelInternals }).__hubPixel);

describe('findCookieScope (registrable domain by probing)', () => {
  it.each([
    ['lp.shop.example.com.br', 'example.com.br', 2],
    ['www.example.com', 'example.com', 1],
    ['shop.example.co.uk', 'example.co.uk', 2],
    ['me.github.io', 'me.github.io', 2], // github.io is a private public suffix: no list needed
    ['a.b.c.example.com', 'example.com', 1],
    ['localhost', undefined, 0], // host-only
    ['127.0.0.1', undefined, 3], // host-only; index = dots in the host the cookie is on
  ])('%s → %s (subdomainIndex %s)', async (host, domain, subdomainIndex) => {
    const context = await browser.newContext();
    try {
      const page = await openAt(context, host);
      const scope = await (await hubPixel(page)).evaluate((p, h) => p.findCookieScope(h), host);
      expect(scope).toEqual(domain ? { domain, subdomainIndex } : { subdomainIndex });
      // The probe cookie is gone. document.cookie writes reach the browser's cookie store asynchronously,
      // so the store is read until it agrees (or the poll times out).
      await expect.poll(() => context.cookies(), { timeout: 5_000 }).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('syncMetaCookies', () => {
  it('writes _fbc and _fbp in Meta\'s format on the registrable domain for 90 days', async () => {
    const context = await browser.newContext();
    try {
      const page = await openAt(context, 'lp.shop.example.com.br', '?fbclid=IwAR2F4-dbP0l7Mn1_Iaw');
      const pixel = await hubPixel(page);
      const before = Date.now();
      const result = await pixel.evaluate((p) => p.syncMetaCookies(p.findCookieScope(location.hostname), 'IwAR2F4-dbP0l7Mn1_Iaw', Date.now()));
      // document.cookie writes reach the browser's cookie store asynchronously.
      await expect.poll(async () => (await context.cookies()).filter((c) => c.name === '_fbc' || c.name === '_fbp').length, { timeout: 5_000 }).toBe(2);
      const cookies = await context.cookies();
      const fbc = cookies.find((c) => c.name === '_fbc');
      const fbp = cookies.find((c) => c.name === '_fbp');
      expect(fbc?.value).toMatch(/^fb\.2\.\d{13}\.IwAR2F4-dbP0l7Mn1_Iaw$/);
      expect(fbp?.value).toMatch(/^fb\.2\.\d{13}\.\d{10}$/);
      expect(result).toEqual({ fbc: fbc?.value, fbp: fbp?.value });
      const createdAt = Number(fbc?.value.split('.')[2]);
      expect(Math.abs(createdAt - before)).toBeLessThan(10_000); // milliseconds, not seconds
      for (const cookie of [fbc, fbp]) {
        expect(cookie).toMatchObject({ domain: '.example.com.br', path: '/', sameSite: 'Lax' });
        const days = ((cookie?.expires ?? 0) * 1000 - before) / 86_400_000;
        expect(days).toBeGreaterThan(89.9);
        expect(days).toBeLessThan(90.1);
      }
    } finally {
      await context.close();
    }
  });

  it('keeps _fbc for the same click, replaces it for a new click, keeps an existing _fbp', async () => {
    const context = await browser.newContext();
    try {
      const page = await openAt(context, 'www.example.com');
      const pixel = await hubPixel(page);
      const run = (fbclid: string | undefined, now: number) =>
        pixel.evaluate((p, [id, t]) => p.syncMetaCookies(p.findCookieScope(location.hostname), id ?? undefined, t as number), [fbclid ?? null, now] as const);
      const first = await run('ClickA', 1_700_000_000_000);
      expect(first.fbc).toBe('fb.1.1700000000000.ClickA');
      expect(await run('ClickA', 1_700_000_100_000)).toEqual(first);
      expect(await run(undefined, 1_700_000_200_000)).toEqual(first);
      // A capi-param-builder cookie carries a 5th "appendix" segment; same click id → kept as is.
      await pixel.evaluate((p) => p.writeCookie('_fbc', 'fb.1.1600000000000.ClickB.AQQCAQAB', 60, 'example.com'));
      expect((await run('ClickB', 1_700_000_300_000)).fbc).toBe('fb.1.1600000000000.ClickB.AQQCAQAB');
      // …and its 90 days slide, since it is defined on our domain (subdomainIndex 1).
      await expect
        .poll(async () => ((await context.cookies()).find((c) => c.name === '_fbc')?.expires ?? 0) * 1000 - Date.now(), { timeout: 5_000 })
        .toBeGreaterThan(89 * 86_400_000);
      const refreshed = (await context.cookies()).find((c) => c.name === '_fbc');
      expect(refreshed?.domain).toBe('.example.com');
      expect((refreshed?.expires ?? 0) * 1000 - Date.now()).toBeGreaterThan(89 * 86_400_000);
      // A cookie on another level of the domain (index 2 = www.example.com) is read but not re-written.
      await pixel.evaluate((p) => {
        p.writeCookie('_fbp', '', 0, 'example.com');
        p.writeCookie('_fbp', 'fb.2.1600000000000.1234567890', 60);
      });
      expect(await run(undefined, 1_700_000_350_000)).toMatchObject({ fbp: 'fb.2.1600000000000.1234567890' });
      await expect
        .poll(async () => (await context.cookies()).filter((c) => c.name === '_fbp').map((c) => [c.domain, c.value]), { timeout: 5_000 })
        .toEqual([['www.example.com', 'fb.2.1600000000000.1234567890']]);
      const fbps = (await context.cookies()).filter((c) => c.name === '_fbp');
      expect((fbps[0]?.expires ?? 0) * 1000 - Date.now()).toBeLessThan(61_000);
      const second = await run('ClickC', 1_700_000_400_000);
      expect(second.fbc).toBe('fb.1.1700000400000.ClickC');
    } finally {
      await context.close();
    }
  });
});
