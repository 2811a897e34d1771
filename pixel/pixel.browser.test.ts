// Risk: the snippet as served (the built bundle, loaded cross-origin by a real Chromium) sends
// events that break the contract, loses the click id or utm tags, leaves checkout links
// undecorated, loses initiate_checkout when the visitor navigates to the checkout, or gives the
// Meta Pixel a different event id than the hub (no dedupe), or loses a lead (queued before the pixel
// loaded, called by the page, or a submitted form). The landing page is on 127.0.0.1, the
// fake hub on localhost: two origins, so CORS is really exercised.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultAnswer,
  FAKE_PUBLIC_KEY,
  launchChromium,
  serveLandingPage,
  startFakeHub,
  type FakeHub,
  type LandingPage,
  type RecordedTrack,
} from './test-support/index.ts';
import type { TrackBody } from './src/types.ts';

const CHECKOUT_HOSTS = ['pay.hotmart.com', 'go.hotmart.com', 'pay.kiwify.com.br', 'buy.stripe.com', 'checkout.stripe.com', 'pay.acme.com'];

function landingHtml(hub: FakeHub, scriptAttributes: Record<string, string> = {}): string {
  return `<!doctype html><html><head><title>Oferta</title>
<script>window.fbqCalls = []; window.fbq = function () { window.fbqCalls.push([].slice.call(arguments)); };</script>
${hub.scriptTag({ 'data-checkout-hosts': 'pay.acme.com', ...scriptAttributes })}
</head><body>
<a id="hotmart" href="https://pay.hotmart.com/X123?off=abc1#buy">Comprar (Hotmart)</a>
<a id="kiwify" href="https://pay.kiwify.com.br/Ab12?utm_source=instagram">Comprar (Kiwify)</a>
<a id="stripe" href="https://buy.stripe.com/test_123?prefilled_email=a%40b.com#x">Buy (Stripe)</a>
<a id="custom" href="https://pay.acme.com/c">Custom checkout</a>
<a id="other" href="https://example.org/page?x=1">Blog</a>
<a id="hotmart-tab" target="_blank" href="https://go.hotmart.com/Z9">Comprar (new tab)</a>
<form id="get-form" action="https://pay.kiwify.com.br/F1"><input name="email"></form>
<form id="post-form" method="post" action="https://checkout.stripe.com/c/pay?x=1"></form>
<script>setTimeout(function () {
  var a = document.createElement('a'); a.id = 'late'; a.href = 'https://pay.hotmart.com/LATE'; document.body.appendChild(a);
}, 300);</script>
</body></html>`;
}

let browser: Browser;
let hub: FakeHub;
let landing: LandingPage;

beforeAll(async () => {
  [browser, hub] = await Promise.all([launchChromium(), startFakeHub()]);
  landing = await serveLandingPage({ html: landingHtml(hub) });
});

afterAll(async () => {
  await browser?.close();
  await hub?.close();
  await landing?.close();
});

/** A fresh browser profile whose checkout hosts answer locally (nothing reaches the network). */
async function newContext(): Promise<{ context: BrowserContext; checkoutRequests: string[] }> {
  const context = await browser.newContext();
  const checkoutRequests: string[] = [];
  for (const host of CHECKOUT_HOSTS) {
    await context.route(`https://${host}/**`, (route) => {
      checkoutRequests.push(route.request().url());
      return route.fulfill({ contentType: 'text/html', body: '<title>checkout</title>' });
    });
  }
  return { context, checkoutRequests };
}

const after = (since: number) => (track: RecordedTrack) => hub.tracks.indexOf(track) >= since;
const named = (name: string, since: number) => (track: RecordedTrack) => track.name === name && after(since)(track);

async function cookieMap(context: BrowserContext): Promise<Record<string, string>> {
  return Object.fromEntries((await context.cookies(landing.origin)).map((c) => [c.name, c.value]));
}

function hrefOf(page: Page, selector: string): Promise<string | null> {
  return page.getAttribute(selector, 'href');
}

describe('pixel.js on a landing page reached from a Meta ad', () => {
  const query = '?fbclid=IwAR_Test-Click_1&utm_source=fb&utm_medium=cpc&utm_campaign=launch';
  const utm = 'utm_source=fb&utm_medium=cpc&utm_campaign=launch';
  let context: BrowserContext;
  let checkoutRequests: string[];
  let page: Page;
  let click: TrackBody;
  let pageview: TrackBody;
  let sid: string;

  beforeAll(async () => {
    ({ context, checkoutRequests } = await newContext());
    page = await context.newPage();
    const since = hub.tracks.length;
    await page.goto(landing.url('/oferta' + query));
    click = (await hub.waitForTrack(named('click', since))).body;
    pageview = (await hub.waitForTrack(named('pageview', since))).body;
    sid = click.sessionId;
  });

  afterAll(() => context?.close());

  it('writes _fbc and _fbp in Meta\'s format, and the hub\'s visitor and session cookies', async () => {
    const cookies = await cookieMap(context);
    // 127.0.0.1 is an IP: host-only cookies, subdomainIndex = dots in the host (3).
    expect(cookies._fbc).toMatch(/^fb\.3\.\d{13}\.IwAR_Test-Click_1$/);
    expect(cookies._fbp).toMatch(/^fb\.3\.\d{13}\.\d{10}$/);
    expect(cookies._hub_vid).toMatch(/^vis_[0-9a-f]{32}$/);
    expect(cookies._hub_sid).toMatch(/^sid_[0-9a-f]{32}\|[0-9a-z]+$/);
  });

  it('POSTs the click, then the pageview, with the contract\'s fields', async () => {
    const cookies = await cookieMap(context);
    const common = {
      publicKey: FAKE_PUBLIC_KEY,
      visitorId: cookies._hub_vid,
      sessionId: cookies._hub_sid?.split('|')[0],
      url: landing.url('/oferta' + query),
      fbclid: 'IwAR_Test-Click_1',
      fbp: cookies._fbp,
      fbc: cookies._fbc,
      utm: { source: 'fb', medium: 'cpc', campaign: 'launch' },
    };
    expect(click).toEqual({ ...common, eventId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(pageview).toEqual({ ...common, eventId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(pageview.eventId).not.toBe(click.eventId);
    const names = hub.tracks.filter((t) => t.body.eventId === click.eventId || t.body.eventId === pageview.eventId).map((t) => t.name);
    expect(names).toEqual(['click', 'pageview']);
  });

  it('sends text/plain cross-origin without a CORS preflight', async () => {
    const track = await hub.waitForTrack((t) => t.body.eventId === pageview.eventId);
    expect(track.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(track.headers.origin).toBe(landing.origin);
    expect(track.headers['sec-fetch-mode']).toBe('cors');
    expect(hub.preflights).toBe(0);
  });

  it('gives the page\'s Meta Pixel the same event id as the hub\'s pageview', async () => {
    const calls = await page.evaluate(() => (window as unknown as { fbqCalls: unknown[] }).fbqCalls);
    expect(calls).toEqual([['track', 'PageView', {}, { eventID: pageview.eventId }]]);
  });

  it('decorates checkout links per gateway, keeping their parameters and fragment', async () => {
    await page.waitForSelector(`#late[href*="sck="]`, { state: 'attached' }); // an empty link: never visible
    expect(await hrefOf(page, '#hotmart')).toBe(`https://pay.hotmart.com/X123?off=abc1&${utm}&sck=hub_${sid}#buy`);
    // The seller's own utm_source stays; the missing utm tags are carried over.
    expect(await hrefOf(page, '#kiwify')).toBe(
      `https://pay.kiwify.com.br/Ab12?utm_source=instagram&utm_medium=cpc&utm_campaign=launch&sck=hub_${sid}`,
    );
    expect(await hrefOf(page, '#stripe')).toBe(`https://buy.stripe.com/test_123?prefilled_email=a%40b.com&client_reference_id=${sid}#x`);
    expect(await hrefOf(page, '#custom')).toBe(`https://pay.acme.com/c?${utm}&sck=hub_${sid}&client_reference_id=${sid}`);
    expect(await hrefOf(page, '#other')).toBe('https://example.org/page?x=1');
    expect(await hrefOf(page, '#late')).toBe(`https://pay.hotmart.com/LATE?${utm}&sck=hub_${sid}`); // added after load
    expect(await page.getAttribute('#post-form', 'action')).toBe(`https://checkout.stripe.com/c/pay?x=1&client_reference_id=${sid}`);
    // A GET form drops its action's query, so the parameters become hidden fields.
    const fields = await page.$$eval('#get-form input[type=hidden]', (inputs) =>
      Object.fromEntries(inputs.map((input) => [(input as HTMLInputElement).name, (input as HTMLInputElement).value])),
    );
    expect(fields).toEqual({ utm_source: 'fb', utm_medium: 'cpc', utm_campaign: 'launch', sck: `hub_${sid}` });
  });

  it('decorates at click time a link the observer cannot see (inside a shadow root)', async () => {
    const since = hub.tracks.length;
    await page.evaluate(() => {
      const host = document.createElement('div');
      const a = document.createElement('a');
      a.id = 'shadowed';
      a.target = '_blank';
      a.href = 'https://pay.kiwify.com.br/NEW?a=1';
      a.textContent = 'in a shadow root';
      host.attachShadow({ mode: 'open' }).appendChild(a);
      document.body.appendChild(host);
    });
    expect(await page.locator('#shadowed').getAttribute('href')).toBe('https://pay.kiwify.com.br/NEW?a=1');
    const expected = `https://pay.kiwify.com.br/NEW?a=1&${utm}&sck=hub_${sid}`;
    const popup = page.waitForEvent('popup');
    await page.locator('#shadowed').click();
    const opened = await popup;
    expect(opened.url()).toBe(expected);
    await opened.close();
    expect((await hub.waitForTrack(named('initiate_checkout', since))).body.checkout).toEqual({ url: expected });
  });

  it('reports initiate_checkout by beacon with the fbq InitiateCheckout sharing its event id', async () => {
    const since = hub.tracks.length;
    const popup = page.waitForEvent('popup');
    await page.click('#hotmart-tab');
    await (await popup).close();
    const track = await hub.waitForTrack(named('initiate_checkout', since));
    expect(track.headers['sec-fetch-mode']).toBe('no-cors'); // sendBeacon, not fetch
    expect(track.headers['content-type']).toBe('text/plain;charset=utf-8'); // Blob lower-cases its type
    expect(track.body).toMatchObject({
      publicKey: FAKE_PUBLIC_KEY,
      sessionId: sid,
      fbclid: 'IwAR_Test-Click_1',
      checkout: { url: `https://go.hotmart.com/Z9?${utm}&sck=hub_${sid}` },
    });
    const calls = await page.evaluate(() => (window as unknown as { fbqCalls: unknown[][] }).fbqCalls);
    expect(calls.at(-1)).toEqual(['track', 'InitiateCheckout', {}, { eventID: track.body.eventId }]);
  });

  it('delivers initiate_checkout when the same tab navigates to the checkout', async () => {
    const since = hub.tracks.length;
    await Promise.all([page.waitForURL(/pay\.hotmart\.com/), page.click('#hotmart')]);
    const decorated = `https://pay.hotmart.com/X123?off=abc1&${utm}&sck=hub_${sid}#buy`;
    const track = await hub.waitForTrack(named('initiate_checkout', since));
    expect(track.body.checkout).toEqual({ url: decorated });
    expect(track.headers['sec-fetch-mode']).toBe('no-cors');
    expect(checkoutRequests.at(-1)).toBe(decorated.replace('#buy', '')); // the fragment never goes on the wire
  });
});

describe('sessions across page loads', () => {
  it('keeps the session without a new click, starts a new one on a new ad click, keeps the visitor and _fbp', async () => {
    const { context } = await newContext();
    try {
      const page = await context.newPage();
      const visit = async (query: string) => {
        const since = hub.tracks.length;
        await page.goto(landing.url('/oferta' + query));
        const pv = (await hub.waitForTrack(named('pageview', since))).body;
        return { pv, clicks: hub.tracks.filter(named('click', since)).length, cookies: await cookieMap(context) };
      };
      const first = await visit('?fbclid=First');
      const second = await visit('?utm_source=newsletter');
      const third = await visit('?fbclid=First'); // the same ad link opened again
      const fourth = await visit('?fbclid=Second');
      expect(first.clicks).toBe(1);
      expect(second.clicks).toBe(0);
      expect(second.pv.sessionId).toBe(first.pv.sessionId);
      expect(second.pv).toMatchObject({ fbc: first.cookies._fbc, utm: { source: 'newsletter' } });
      expect(second.pv.fbclid).toBeUndefined();
      expect(third.pv.sessionId).toBe(first.pv.sessionId);
      expect(third.cookies._fbc).toBe(first.cookies._fbc);
      expect(fourth.pv.sessionId).not.toBe(first.pv.sessionId);
      expect(fourth.cookies._fbc).toMatch(/\.Second$/);
      for (const later of [second, third, fourth]) {
        expect(later.pv.visitorId).toBe(first.pv.visitorId);
        expect(later.cookies._fbp).toBe(first.cookies._fbp);
      }
    } finally {
      await context.close();
    }
  });
});

describe('pixel.js with a hub that answers other ids, and window.hub', () => {
  let otherHub: FakeHub;
  let otherLanding: LandingPage;

  beforeAll(async () => {
    otherHub = await startFakeHub({
      answer: (name, body) =>
        defaultAnswer(name, { ...body, visitorId: 'vis_fromhub', sessionId: name === 'click' ? 'sid_fromhub' : body.sessionId }),
    });
    otherLanding = await serveLandingPage({ html: landingHtml(otherHub, { 'data-fbq': 'off' }) });
  });

  afterAll(async () => {
    await otherHub?.close();
    await otherLanding?.close();
  });

  it('adopts the hub\'s ids, decorates with them, and honours data-fbq="off"', async () => {
    const { context } = await newContext();
    try {
      const page = await context.newPage();
      await page.goto(otherLanding.url('/?gclid=Cj0KCQ'));
      const click = (await otherHub.waitForTrack((t) => t.name === 'click')).body;
      const pageview = (await otherHub.waitForTrack((t) => t.name === 'pageview')).body;
      expect(click).toMatchObject({ gclid: 'Cj0KCQ' });
      expect(click.fbclid).toBeUndefined();
      expect(click.fbc).toBeUndefined();
      expect(pageview).toMatchObject({ visitorId: 'vis_fromhub', sessionId: 'sid_fromhub' }); // sent after the click's answer
      await page.waitForSelector('#stripe[href*="client_reference_id=sid_fromhub"]');
      const cookies = await cookieMap(context);
      expect(cookies._hub_vid).toBe('vis_fromhub');
      expect(cookies._hub_sid?.startsWith('sid_fromhub|')).toBe(true);
      expect(await page.evaluate(() => (window as unknown as { fbqCalls: unknown[] }).fbqCalls)).toEqual([]);
      // a lead is still sent to the hub, but not to the page's Meta Pixel
      await page.evaluate(() => window.hub!('lead', { email: 'Ana@Example.com' }));
      expect((await otherHub.waitForTrack((t) => t.name === 'lead')).body.user).toEqual({ email: 'Ana@Example.com' });
      expect(await page.evaluate(() => (window as unknown as { fbqCalls: unknown[] }).fbqCalls)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('window.hub.identify adds the user to the events that follow; track returns the hub\'s answer', async () => {
    const { context } = await newContext();
    try {
      const page = await context.newPage();
      await page.goto(otherLanding.url('/'));
      await otherHub.waitForTrack((t) => t.name === 'pageview');
      const answer = await page.evaluate(async () => {
        const hub = window.hub!;
        hub.identify({ email: 'Ana@Example.com' });
        hub.identify({ phone: '+55 11 91234-5678' });
        return hub.track('initiate_checkout', {
          checkout: { url: 'https://pay.hotmart.com/X123', value: '197.00', currency: 'BRL', contentIds: ['X123'] },
        });
      });
      const track = await otherHub.waitForTrack((t) => t.name === 'initiate_checkout');
      expect(track.body).toMatchObject({
        user: { email: 'Ana@Example.com', phone: '+55 11 91234-5678' },
        checkout: { url: 'https://pay.hotmart.com/X123', value: '197.00', currency: 'BRL', contentIds: ['X123'] },
      });
      expect(answer).toMatchObject({ eventId: track.body.eventId, sessionId: track.body.sessionId });
      expect(await page.evaluate(() => window.hub!.track('purchase' as never))).toBeUndefined(); // not a pixel event
    } finally {
      await context.close();
    }
  });
});

describe('leads: hub(\'lead\', {email, phone}), the queue before load, and <form data-hub-lead>', () => {
  let leadHub: FakeHub;
  let lp: LandingPage;
  const QUEUED = { email: 'Queued@Example.com', phone: '+55 11 91234-5678' };

  // The stub and a queued lead only on ?queue=1: the form's thank-you page is served by the same server.
  const html = (url: string) => `<!doctype html><html><head>
<script>window.fbqCalls = []; window.fbq = function () { window.fbqCalls.push([].slice.call(arguments)); };</script>
${url.includes('queue=1') ? `<script>window.hub = window.hub || function () { (hub.q = hub.q || []).push(arguments); };
hub('lead', ${JSON.stringify(QUEUED)});</script>` : ''}
${leadHub.scriptTag()}
</head><body>
<form id="lead-form" data-hub-lead action="/obrigado" method="get">
  <input type="email" name="e" value="Form@Example.com"><input type="tel" name="whatsapp" value="(11) 98765-4321"><button id="join">Quero entrar</button>
</form>
<form id="search" action="/busca" onsubmit="event.preventDefault()"><input type="email" name="q" value="not-a-lead@example.com"><button id="search-go">Buscar</button></form>
</body></html>`;

  beforeAll(async () => {
    leadHub = await startFakeHub();
    lp = await serveLandingPage({ html });
  });
  afterAll(async () => {
    await leadHub?.close();
    await lp?.close();
  });

  const leadNamed = (name: string, since: number) => (track: RecordedTrack) => track.name === name && leadHub.tracks.indexOf(track) >= since;
  const fbqCallsOf = (page: Page) => page.evaluate(() => (window as unknown as { fbqCalls: unknown[][] }).fbqCalls);

  it('runs a lead the page queued before the pixel loaded, once the click is answered, with the fbq Lead sharing its event id', async () => {
    const { context } = await newContext();
    try {
      const page = await context.newPage();
      const since = leadHub.tracks.length;
      await page.goto(lp.url('/lancamento?queue=1&fbclid=LeadClick1'));
      const lead = await leadHub.waitForTrack(leadNamed('lead', since));
      const click = (await leadHub.waitForTrack(leadNamed('click', since))).body;
      expect(leadHub.tracks.indexOf(lead)).toBeGreaterThan(leadHub.tracks.findIndex(leadNamed('click', since)));
      expect(lead.headers['content-type']).toBe('text/plain;charset=UTF-8');
      expect(lead.body).toEqual({
        publicKey: FAKE_PUBLIC_KEY,
        eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
        visitorId: click.visitorId,
        sessionId: click.sessionId,
        url: lp.url('/lancamento?queue=1&fbclid=LeadClick1'),
        fbclid: 'LeadClick1',
        fbp: expect.stringMatching(/^fb\.3\.\d{13}\.\d{10}$/),
        fbc: expect.stringMatching(/^fb\.3\.\d{13}\.LeadClick1$/),
        user: QUEUED,
      });
      await expect.poll(async () => (await fbqCallsOf(page)).length).toBe(2);
      expect(await fbqCallsOf(page)).toEqual([
        ['track', 'PageView', {}, { eventID: expect.any(String) }],
        ['track', 'Lead', {}, { eventID: lead.body.eventId }],
      ]);
      // the stub was replaced by the pixel's own hub: callable, with its methods
      expect(await page.evaluate(() => [typeof window.hub, typeof window.hub!.track, typeof window.hub!.identify, typeof window.hub!.lead, 'q' in window.hub!])).toEqual([
        'function',
        'function',
        'function',
        'function',
        false,
      ]);
    } finally {
      await context.close();
    }
  });

  it('hub(\'lead\') answers with the hub\'s ids and identifies the events that follow; without an e-mail or phone it sends nothing', async () => {
    const { context } = await newContext();
    try {
      const page = await context.newPage();
      const since = leadHub.tracks.length;
      await page.goto(lp.url('/lancamento'));
      await leadHub.waitForTrack(leadNamed('pageview', since));
      const [answer, nothing, viaMethod] = await page.evaluate(async () => {
        const hub = window.hub!;
        const first = await hub('lead', { email: 'Ana@Example.com', eventId: 'lead-page-1' });
        const none = await hub('lead', { email: ' ', phone: '' });
        const second = await hub.lead({ phone: '+55 21 99876-5432' });
        await hub('initiate_checkout', { checkout: { url: 'https://pay.hotmart.com/X1' } });
        return [first, none === undefined, second];
      });
      const leads = leadHub.tracks.filter(leadNamed('lead', since));
      expect(leads.map((t) => t.body.user)).toEqual([{ email: 'Ana@Example.com' }, { email: 'Ana@Example.com', phone: '+55 21 99876-5432' }]);
      expect(leads[0]!.body.eventId).toBe('lead-page-1');
      expect(answer).toMatchObject({ eventId: 'lead-page-1', sessionId: leads[0]!.body.sessionId });
      expect(nothing).toBe(true);
      expect(viaMethod).toMatchObject({ eventId: leads[1]!.body.eventId });
      const checkout = await leadHub.waitForTrack(leadNamed('initiate_checkout', since));
      expect(checkout.body.user).toEqual({ email: 'Ana@Example.com', phone: '+55 21 99876-5432' });
      const browserLeads = (await fbqCallsOf(page)).filter((call) => call[1] === 'Lead');
      expect(browserLeads).toEqual(leads.map((t) => ['track', 'Lead', {}, { eventID: t.body.eventId }]));
    } finally {
      await context.close();
    }
  });

  it('sends a lead when a <form data-hub-lead> is submitted (delivered across the navigation), and not for other forms', async () => {
    const { context } = await newContext();
    try {
      const page = await context.newPage();
      const since = leadHub.tracks.length;
      await page.goto(lp.url('/lancamento'));
      await leadHub.waitForTrack(leadNamed('pageview', since));
      await page.click('#search-go');
      await Promise.all([page.waitForURL(/\/obrigado\?/), page.click('#join')]);
      const lead = await leadHub.waitForTrack(leadNamed('lead', since));
      expect(lead.body.user).toEqual({ email: 'Form@Example.com', phone: '(11) 98765-4321' });
      expect(lead.body.url).toBe(lp.url('/lancamento'));
      await leadHub.waitForTrack((t) => t.name === 'pageview' && t.body.url.includes('/obrigado'));
      expect(leadHub.tracks.filter(leadNamed('lead', since))).toHaveLength(1);
    } finally {
      await context.close();
    }
  });
});

describe('pixel.js with the funnel\'s checkout hosts in the hub\'s answer', () => {
  let funnelHub: FakeHub;
  const funnelHosts = ['pay.example-checkout.com', '*.funnel-pay.com'];

  beforeAll(async () => {
    funnelHub = await startFakeHub({ answer: (name, body) => ({ ...defaultAnswer(name, body), checkoutHosts: funnelHosts }) });
  });
  afterAll(() => funnelHub?.close());

  const html = (attributes: Record<string, string>) => `<!doctype html><html><head>
${funnelHub.scriptTag(attributes)}
</head><body>
<a id="funnel" href="https://pay.example-checkout.com/buy?plan=1">Comprar</a>
<a id="funnel-sub" href="https://secure.funnel-pay.com/x">Comprar</a>
<a id="page-host" href="https://pay.acme.com/c">Custom checkout</a>
<a id="hotmart" href="https://pay.hotmart.com/X123">Hotmart</a>
<a id="other" href="https://example-checkout.com/blog">Blog</a>
</body></html>`;

  it.each([
    ['no data-checkout-hosts: the funnel\'s hosts alone', {}, false],
    ['data-checkout-hosts: its hosts beside the funnel\'s', { 'data-checkout-hosts': 'pay.acme.com' }, true],
  ])('decorates links to the funnel\'s hosts, %s', async (_name, attributes, pageHostDecorated) => {
    const lp = await serveLandingPage({ html: html(attributes) });
    const { context } = await newContext();
    try {
      const page = await context.newPage();
      const since = funnelHub.tracks.length;
      await page.goto(lp.url('/?utm_source=fb'));
      const pageview = await funnelHub.waitForTrack((t) => t.name === 'pageview' && funnelHub.tracks.indexOf(t) >= since);
      const sid = pageview.body.sessionId;
      const all = `utm_source=fb&sck=hub_${sid}&client_reference_id=${sid}`;
      await page.waitForSelector('#funnel[href*="sck="]', { state: 'attached' });
      expect(await hrefOf(page, '#funnel')).toBe(`https://pay.example-checkout.com/buy?plan=1&${all}`);
      expect(await hrefOf(page, '#funnel-sub')).toBe(`https://secure.funnel-pay.com/x?${all}`); // *.funnel-pay.com
      expect(await hrefOf(page, '#page-host')).toBe(pageHostDecorated ? `https://pay.acme.com/c?${all}` : 'https://pay.acme.com/c');
      expect(await hrefOf(page, '#hotmart')).toBe(`https://pay.hotmart.com/X123?utm_source=fb&sck=hub_${sid}`); // still Hotmart's kind
      expect(await hrefOf(page, '#other')).toBe('https://example-checkout.com/blog');
    } finally {
      await context.close();
      await lp.close();
    }
  });
});

describe('pixel.js when the hub fails', () => {
  it('never breaks the page: no page errors, links still carry the utm tags', async () => {
    const failingHub = await startFakeHub({
      answer: () => {
        throw new Error('hub down');
      },
    });
    const failingLanding = await serveLandingPage({ html: landingHtml(failingHub) });
    const { context } = await newContext();
    try {
      const page = await context.newPage();
      const errors: Error[] = [];
      page.on('pageerror', (error) => errors.push(error));
      await page.goto(failingLanding.url('/?utm_source=fb'));
      await failingHub.waitForTrack((t) => t.name === 'pageview');
      await page.waitForSelector('#late', { state: 'attached' });
      expect(await hrefOf(page, '#late')).toBe('https://pay.hotmart.com/LATE?utm_source=fb');
      expect(await page.evaluate(() => typeof window.hub?.track)).toBe('function');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await failingHub.close();
      await failingLanding.close();
    }
  });
});
