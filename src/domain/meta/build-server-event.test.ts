// Guards the payload Meta receives: every contact field normalized and hashed, clear fields left
// clear, value a number equal to the decimal string, and events Meta would reject for the whole
// batch (too old, future, no customer information) refused here with a reason.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildServerEvent } from './build-server-event.ts';
import { decimalStringToNumber } from './decimal-amount.ts';
import type { CapiEventInput } from './types.ts';

// Expected digests are computed here with node:crypto from the normalized strings we expect,
// independently of the code under test.
const sha = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

const NOW = new Date('2026-11-29T12:00:00.000Z');
const HOUR = 3_600_000;
const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15';

function purchase(overrides: Partial<CapiEventInput> = {}): CapiEventInput {
  return {
    eventName: 'Purchase',
    eventTime: new Date('2026-11-29T11:58:20.750Z'),
    eventId: 'hub:ten_1:hotmart:HP123',
    eventSourceUrl: 'https://lp.example.com/oferta',
    user: {
      email: '  Maria.Silva@Example.COM ',
      phone: '(11) 99999-8888',
      firstName: 'Maria',
      lastName: 'da Silva',
      city: 'São Paulo',
      state: 'São Paulo',
      zip: '01310-100',
      country: 'Brasil',
      externalId: 'VIS_abc',
      clientIpAddress: '2804:14c:5b:8000::1',
      clientUserAgent: UA,
      fbc: 'fb.1.1764412000000.IwAR0AbCdEf',
      fbp: 'fb.1.1764410000000.1098115397',
    },
    custom: { value: '197.00', currency: 'brl', contentIds: ['X123', 'X123'], contentType: 'product', orderId: 'HP123', numItems: 1 },
    ...overrides,
  };
}

describe('buildServerEvent', () => {
  it('builds the full event Meta expects', () => {
    const result = buildServerEvent(purchase(), NOW);
    expect(result).toEqual({
      ok: true,
      event: {
        event_name: 'Purchase',
        event_time: Math.floor(Date.parse('2026-11-29T11:58:20.750Z') / 1000),
        event_id: 'hub:ten_1:hotmart:HP123',
        action_source: 'website',
        event_source_url: 'https://lp.example.com/oferta',
        user_data: {
          em: [sha('maria.silva@example.com')],
          ph: [sha('5511999998888')],
          fn: [sha('maria')],
          ln: [sha('dasilva')],
          ct: [sha('saopaulo')],
          st: [sha('sp')],
          zp: [sha('01310100')],
          country: [sha('br')],
          external_id: [sha('vis_abc')],
          client_ip_address: '2804:14c:5b:8000::1',
          client_user_agent: UA,
          fbc: 'fb.1.1764412000000.IwAR0AbCdEf', // case kept: the fbclid is case-sensitive
          fbp: 'fb.1.1764410000000.1098115397',
        },
        custom_data: { value: 197, currency: 'BRL', content_ids: ['X123'], content_type: 'product', order_id: 'HP123', num_items: 1 },
      },
    });
  });

  it('sends several e-mails and phones as deduplicated hash lists', () => {
    const result = buildServerEvent(
      purchase({ user: { email: ['a@x.com', 'A@X.com ', 'b@x.com', 'not-an-email'], phone: ['11999998888', '+55 11 99999-8888'] } }),
      NOW,
    );
    expect(result.ok && result.event.user_data).toEqual({ em: [sha('a@x.com'), sha('b@x.com')], ph: [sha('5511999998888')] });
  });

  it('takes the phone country from phoneCountry, then from country, then BR', () => {
    const us = buildServerEvent(purchase({ user: { phone: '(650) 555-1212', country: 'US' } }), NOW);
    expect(us.ok && us.event.user_data.ph).toEqual([sha('16505551212')]);
    const pt = buildServerEvent(purchase({ user: { phone: '912 345 678', phoneCountry: 'PT', country: 'BR' } }), NOW);
    expect(pt.ok && pt.event.user_data.ph).toEqual([sha('351912345678')]);
  });

  it('passes through values already hashed upstream, lowercased, without hashing twice', () => {
    const emailHash = sha('maria@example.com');
    const result = buildServerEvent(
      purchase({ eventSourceUrl: null, user: { email: [emailHash.toUpperCase(), 'maria@example.com'], phone: sha('5511999998888') } }),
      NOW,
    );
    expect(result.ok && result.event.user_data).toEqual({ em: [emailHash], ph: [sha('5511999998888')] });
  });

  it('drops an invalid IP address instead of sending it', () => {
    const result = buildServerEvent(purchase({ user: { email: 'a@x.com', clientIpAddress: '999.1.1.1' } }), NOW);
    expect(result.ok && result.event.user_data).toEqual({ em: [sha('a@x.com')] });
  });

  it('defaults action_source to system_generated without browser context', () => {
    const result = buildServerEvent(purchase({ eventSourceUrl: null, user: { email: 'a@x.com' } }), NOW);
    expect(result.ok && result.event.action_source).toBe('system_generated');
    expect(result.ok && 'event_source_url' in result.event).toBe(false);
  });

  describe('event_time window (Meta: up to 7 days old; hub margin 1 h)', () => {
    it.each([
      ['just now', 0, true],
      ['6 days 22 hours old', 6 * 24 * HOUR + 22 * HOUR, true],
      ['6 days 23 hours old (edge of the margin)', 7 * 24 * HOUR - HOUR, true],
      ['6 days 23 hours 30 minutes old (inside the margin)', 7 * 24 * HOUR - HOUR / 2, false],
      ['8 days old', 8 * 24 * HOUR, false],
      ['4 minutes in the future (clock skew)', -4 * 60_000, true],
      ['10 minutes in the future', -10 * 60_000, false],
    ])('%s -> sendable %s', (_label, ageMs, sendable) => {
      const result = buildServerEvent(purchase({ eventTime: new Date(NOW.getTime() - ageMs) }), NOW);
      expect(result.ok).toBe(sendable);
      if (!result.ok) expect(result.reason).toMatch(/^not sendable to Meta: /);
    });

    it('sends a slightly-future time as now, in Unix seconds', () => {
      const result = buildServerEvent(purchase({ eventTime: new Date(NOW.getTime() + 90_000) }), NOW);
      expect(result.ok && result.event.event_time).toBe(NOW.getTime() / 1000);
    });

    it('explains an old event in days', () => {
      const result = buildServerEvent(purchase({ eventTime: new Date(NOW.getTime() - 8 * 24 * HOUR) }), NOW);
      expect(result).toEqual({ ok: false, reason: expect.stringContaining('8 days ago') });
    });
  });

  it.each([
    ['no customer information at all', { user: {} }],
    ['only junk that normalizes to nothing', { user: { email: 'nope', phone: '123' } }],
    ['only a user agent (too broad for Meta)', { actionSource: 'system_generated' as const, user: { clientUserAgent: UA } }],
    ['only city, state and country (subset of a too-broad combination)', { user: { city: 'Recife', state: 'PE', country: 'BR' } }],
    ['only first name', { user: { firstName: 'Maria' }, eventSourceUrl: null }],
  ])('refuses an event with %s', (_label, overrides) => {
    const result = buildServerEvent(purchase(overrides), NOW);
    expect(result.ok).toBe(false);
  });

  it('accepts first and last name together (not in a too-broad combination)', () => {
    const result = buildServerEvent(purchase({ user: { firstName: 'Maria', lastName: 'Silva' } }), NOW);
    expect(result.ok).toBe(true);
  });

  it('refuses a website event without user agent or page URL', () => {
    const noUa = buildServerEvent(purchase({ actionSource: 'website', user: { email: 'a@x.com' } }), NOW);
    expect(noUa).toEqual({ ok: false, reason: expect.stringContaining('user agent and the page URL') });
    const noUrl = buildServerEvent(purchase({ actionSource: 'website', eventSourceUrl: null }), NOW);
    expect(noUrl.ok).toBe(false);
  });

  it.each([
    ['no event id', { eventId: '  ' }],
    ['no event name', { eventName: '' }],
    ['an invalid date', { eventTime: new Date('nope') }],
    ['a Purchase without value', { custom: { currency: 'BRL' } }],
    ['a Purchase without currency', { custom: { value: '10.00' } }],
    ['a Brazilian-formatted value', { custom: { value: '1.234,56', currency: 'BRL' } }],
    ['a negative value', { custom: { value: '-5.00', currency: 'BRL' } }],
    ['a bad currency', { custom: { value: '5.00', currency: 'R$' } }],
    ['a fractional item count', { custom: { value: '5.00', currency: 'BRL', numItems: 1.5 } }],
    ['a non-http page URL', { eventSourceUrl: 'javascript:alert(1)' }],
  ])('refuses %s', (_label, overrides) => {
    expect(buildServerEvent(purchase(overrides), NOW).ok).toBe(false);
  });

  it('sends non-purchase events without custom_data when there is none', () => {
    const result = buildServerEvent(purchase({ eventName: 'Lead', custom: null }), NOW);
    expect(result.ok && 'custom_data' in result.event).toBe(false);
  });
});

describe('decimalStringToNumber', () => {
  it.each([
    ['197.00', 197, '197'],
    ['197.10', 197.1, '197.1'],
    ['0.10', 0.1, '0.1'],
    ['0.07', 0.07, '0.07'],
    ['19.9', 19.9, '19.9'],
    ['1234567.89', 1234567.89, '1234567.89'],
    ['9999999999999.99', 9999999999999.99, '9999999999999.99'],
    ['0', 0, '0'],
  ])('%j -> %d (on the wire: %s)', (text, number, wire) => {
    const value = decimalStringToNumber(text);
    expect(value).toBe(number);
    expect(JSON.stringify(value)).toBe(wire);
  });

  it.each([['1,50'], ['1.234,56'], ['-1'], ['1e3'], ['.5'], ['5.'], [''], ['abc'], ['12345678901234.5']])('%j -> null', (text) => {
    expect(decimalStringToNumber(text)).toBeNull();
  });
});
