// Guards the operator's event story (GET /api/v1/events/{id}) against showing buyers' personal data:
// every published example of every gateway, and hostile variants of them, go through the whole story
// (raw headers and body, the parser's reading, buyer, tracking, match evidence, the CAPI event) and no
// e-mail, CPF/CNPJ, phone, IP or personal value may come out; what an operator needs stays readable.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatewayNames, getGateway } from '../../../domain/gateways/index.ts';
import type { GatewayName, NormalizedConversion } from '../../../domain/gateways/types.ts';
import { planConversionCapiEvent } from '../../../domain/matching/conversion-capi-input.ts';
import type { MatchResult } from '../../../domain/matching/types.ts';
import { DEFAULT_MAPPING } from '../../../domain/mapping/conversion-mapping.ts';
import { mappingKindOf } from '../../../domain/mapping/conversion-mapping.ts';
import { buildServerEvent } from '../../../domain/meta/build-server-event.ts';
import { findPiiLeaks } from '../../../domain/privacy/find-pii-leaks.ts';
import { presentStory, summarize } from './present-event.ts';

type Story = Parameters<typeof presentStory>[0];
type Json = Record<string, unknown>;

/** The object at a dotted path of a parsed fixture. */
const at = (doc: Json, path: string): Json => path.split('.').reduce((node, key) => node[key] as Json, doc);

const NOW = new Date('2026-03-01T12:00:00.000Z');
const BUYER_IP = '189.40.12.7';
const USER_AGENT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148 Safari/604.1';

function fixtures(gateway: GatewayName): Array<[string, string]> {
  const dir = new URL(`../../../domain/gateways/${gateway}/fixtures/`, import.meta.url);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => [file, readFileSync(new URL(file, dir), 'utf8')]);
}

/** A stored delivery with everything the hub derives from it, as loadEventStory returns it. */
function storyOf(gateway: GatewayName, body: string): Story {
  const module = getGateway(gateway)!;
  const parsed = module.parse({ rawBody: Buffer.from(body), headers: {}, query: {}, receivedAt: NOW });
  const conversions: NormalizedConversion[] = parsed.ok ? parsed.conversions : [];
  const session = {
    id: 'sid_0192f0c4a7b97c3e',
    visitorId: 'vis_0192f0c4a7b97c3e',
    startedAt: NOW,
    lastSeenAt: NOW,
    clickId: 'clk_0192f0c4a7b97c3e',
    fbc: 'fb.1.1772366400000.IwAR2xYz',
    fbp: 'fb.1.1772366400000.1234567890',
    landingUrl: 'https://lp.example.com/oferta?email=maria.souza%40gmail.com&utm_source=facebook&phone=11999998888',
    clientIp: BUYER_IP,
    userAgent: USER_AGENT,
    isBot: false,
  };
  const rows = conversions.map((c, i) => {
    const match: MatchResult = {
      method: 'fingerprint',
      confidence: 0.6,
      session,
      click: null,
      visitorId: session.visitorId,
      evidence: {
        passthrough: [{ token: 'sid_0192f0c4a7b97c3e', field: 'sck', found: false, reason: 'session not found' }],
        identity: { email: 2, phone: 1, matchedOn: ['email'] },
        fingerprint: { clientIp: c.buyer.ip ?? BUYER_IP, candidates: 1 },
        attributionModel: 'last_click',
        windows: { clickDays: 7, identityDays: 30, fingerprintMinutes: 30 },
      },
      flags: [],
    };
    // and the user agent, as a fingerprint may record it
    (match.evidence.fingerprint as Record<string, unknown>)['userAgent'] = USER_AGENT;
    const rule = DEFAULT_MAPPING.meta[mappingKindOf(c.kind)] ?? { event: 'Purchase', value: 'paid' as const };
    const plan = planConversionCapiEvent(c, NOW, match, { tenantId: 'ten_1', gateway, rule: rule.event ? rule : { ...rule, event: 'Purchase' } });
    const built = plan.kind === 'send' ? buildServerEvent(plan.input, NOW) : undefined;
    const id = `cnv_${i}`;
    return {
      conversion: { tenant_id: 'ten_1', id, event_id: 'evt_1', gateway, transaction_id: c.transactionId, kind: c.kind, status: 'matched', value: c.value, value_text: c.value, net_value: null, currency: c.currency, occurred_at: NOW, order_id: null, product_id: null, offer_id: null, buyer: c.buyer, tracking: c.tracking, flags: [], related_id: null, created_at: NOW, updated_at: NOW },
      match: { tenant_id: 'ten_1', conversion_id: id, method: match.method, confidence: match.confidence, visitor_id: match.visitorId, session_id: session.id, click_id: null, evidence: match.evidence, matched_at: NOW },
      capi: { tenant_id: 'ten_1', id: `cap_${i}`, event_id: `purchase.${i}`, conversion_id: id, source_event_id: 'evt_1', event_name: 'Purchase', status: 'sent', payload: built?.ok ? built.event : {}, attempts: 1, first_attempt_at: NOW, next_attempt_at: null, last_error: null, sent_at: NOW, created_at: NOW, updated_at: NOW },
    };
  });
  return {
    event: {
      id: 'evt_1',
      tenant_id: 'ten_1',
      type: 'webhook',
      gateway,
      delivery_key: 'd1',
      status: 'matched',
      flags: [],
      occurred_at: NOW,
      received_at: NOW,
      payload: { query: { tenant: 'ten_1', signature: '[redacted]' }, contentType: 'application/json' },
      raw_body: Buffer.from(body),
      raw_headers: {
        'content-type': 'application/json',
        'user-agent': 'Hotmart-Webhook/2.0',
        'x-forwarded-for': `${BUYER_IP}, 10.0.0.1`,
        'x-real-ip': BUYER_IP,
        'x-hotmart-hottok': '[redacted]',
      },
      evidence_ref: null,
      client_ip: BUYER_IP,
      user_agent: 'Hotmart-Webhook/2.0',
      error: null,
      updated_at: NOW,
    },
    conversions: rows.map((r) => r.conversion),
    matches: rows.map((r) => r.match),
    capiEvents: rows.map((r) => r.capi),
    attempts: [],
  } as unknown as Story;
}

/** The values a fixture carries about people: every string in a person's object or under a key that names one. */
function personalValues(body: string): string[] {
  const found: string[] = [];
  const person = /^(?:buyer|customer|customer_details|billing_details|subscriber|user|producer|shipping)$/i;
  const personalKey = /e-?mail|phone|mobile|document|cpf|cnpj|tax|^ip$|_ip$|instagram|name$|street|address|line[12]|zip|postal|city|neighborhood|complement/i;
  // Shown on purpose: countries, the document's type, ids (Hotmart's subscriber code is the subscription's
  // id), and the names of products, plans and offers.
  const shown = /country|document_type|code$|^id$/i;
  const business = /product|plan|offer|checkout_country|^items$|^lines$/i;
  const stack: Array<[unknown, boolean, string, string]> = [[JSON.parse(body), false, '', '']];
  while (stack.length > 0) {
    const [node, inPerson, key, parent] = stack.pop()!;
    if (typeof node === 'string') {
      if (node.length >= 5 && (inPerson || personalKey.test(key)) && !shown.test(key) && !business.test(parent) && !business.test(key)) found.push(node);
    } else if (Array.isArray(node)) node.forEach((item) => stack.push([item, inPerson, key, parent]));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) stack.push([v, inPerson || person.test(key), k, key]);
    }
  }
  return found;
}

const everyFixture = gatewayNames.flatMap((gateway) => fixtures(gateway).map(([file, body]) => [gateway, file, body] as const));

describe('the event story shows no personal data', () => {
  it.each(everyFixture)('%s %s', (gateway, _file, body) => {
    const view = presentStory(storyOf(gateway, body));
    expect(findPiiLeaks(view, [...personalValues(body), BUYER_IP, USER_AGENT])).toEqual([]);
  });

  // The cases of issue 15, finding 6, each planted into a published example.
  const hostile: Array<[string, GatewayName, string, (doc: Json) => void, string[]]> = [
    ['a CPF in Stripe customer_details.tax_ids[].value', 'stripe', 'checkout-session-completed-paid.json', (d) => {
      at(d, 'data.object.customer_details').tax_ids = [{ type: 'br_cpf', value: '123.456.789-09' }, { type: 'br_cnpj', value: '12345678000195' }];
    }, ['123.456.789-09', '12345678000195']],
    ['a phone in Stripe metadata', 'stripe', 'checkout-session-completed-paid.json', (d) => {
      Object.assign(at(d, 'data.object.metadata'), { whatsapp: '+55 (21) 98888-7777', contato: '21988887777', nota: 'ligar 21 98888-7777 ou maria@x.com.br' });
    }, ['98888-7777', '21988887777', 'maria@x.com.br']],
    ['Kiwify Customer.instagram', 'kiwify', 'order-approved.json', (d) => {
      at(d, 'Customer').instagram = '@maria.souza.oficial';
    }, ['maria.souza.oficial']],
    ['e-mails under Kiwify Commissions.commissioned_stores', 'kiwify', 'order-approved.json', (d) => {
      (at(d, 'Commissions').commissioned_stores as Json[]).push({ id: 'x', type: 'affiliate', custom_name: 'Joana Afiliada', email: 'joana.afiliada@hotmail.com', value: '100' });
    }, ['joana.afiliada@hotmail.com', 'Joana Afiliada']],
    ['Hotmart producer.document (CNPJ, punctuated)', 'hotmart', 'purchase-approved.json', (d) => {
      at(d, 'data.producer').document = '12.345.678/0001-95';
    }, ['12.345.678/0001-95']],
    ['PII in keys, numbers as strings and as numbers, unicode', 'hotmart', 'purchase-approved.json', (d) => {
      at(d, 'data').extra = JSON.parse('{"maria.souza@gmail.com":true,"cpf":52998224725,"telefone":"011 99999 8888","nome completo":"Maria José da Silva Souza","__proto__":{"email":"proto@evil.com"}}');
    }, ['maria.souza@gmail.com', '52998224725', '99999 8888', 'Maria José', 'proto@evil.com']],
    ['PII inside shown fields (a product name, a status, a reason)', 'hotmart', 'purchase-approved.json', (d) => {
      at(d, 'data.product').name = 'Mentoria com joao@empresa.com.br (WhatsApp 11 99999-8888)';
      at(d, 'data.purchase').status = '529.982.247-25';
      at(d, 'data.purchase').reason = 'IP 200.100.50.25 / 2804:14c:5b80:8c3e::1';
    }, ['joao@empresa.com.br', '99999-8888', '529.982.247-25', '200.100.50.25', '2804:14c:5b80:8c3e']],
    ['the hottok in the body, spelled with JSON escapes (stored before the redaction fix)', 'hotmart', 'purchase-approved.json', (d) => {
      d.hottok = 'ysewXlAZI1iHdUFqC4ZcV1J5RLhiVe518471';
    }, ['ysewXlAZI1iHdUFqC4ZcV1J5RLhiVe518471']],
  ];

  it.each(hostile)('%s', (_name, gateway, file, plant, planted) => {
    const doc = JSON.parse(fixtures(gateway).find(([f]) => f === file)![1]) as Json;
    plant(doc);
    const body = JSON.stringify(doc).replace('"hottok"', '"hott\\u006fk"');
    const view = presentStory(storyOf(gateway, body));
    expect(findPiiLeaks(view, planted)).toEqual([]);
  });

  it('a body nested 10,000 deep shows its first levels, not "not JSON"', () => {
    const depth = 10_000;
    const body = `{"event":"PURCHASE_APPROVED","data":${'{"a":'.repeat(depth)}"maria@gmail.com"${'}'.repeat(depth)}}`;
    const view = presentStory(storyOf('hotmart', body));
    const raw = view.raw.body as Record<string, unknown>;
    expect(raw.event).toBe('PURCHASE_APPROVED');
    expect(JSON.stringify(raw)).toContain('levels: not shown');
    expect(findPiiLeaks(view, ['maria@gmail.com'])).toEqual([]);
  });
});

describe('the event list', () => {
  it.each([
    [{ type: 'pageview' as const, gateway: null, payload: { url: 'https://lp.example.com/obrigado/maria.souza@gmail.com?cpf=52998224725' }, error: null }, 'pageview l***@g***.com'],
    [{ type: 'webhook' as const, gateway: 'hotmart', payload: {}, error: 'unknown buyer 529.982.247-25 (11) 99999-8888' }, 'hotmart unprocessable: unknown buyer ***.***.***-** ***8888'],
    [{ type: 'webhook' as const, gateway: 'hotmart', payload: { eventType: 'PURCHASE_APPROVED' }, error: null }, 'hotmart PURCHASE_APPROVED'],
  ])('summarizes without personal data: %j', (row, expected) => {
    expect(summarize(row)).toBe(expected);
  });
});

describe('the event story keeps what an operator needs', () => {
  it('Hotmart: event, transaction, status, amounts, product, tracking; the buyer recognisable', () => {
    const body = fixtures('hotmart').find(([f]) => f === 'purchase-approved-with-origin.json')![1];
    const view = presentStory(storyOf('hotmart', body));
    expect(view.raw.body).toMatchObject({
      event: 'PURCHASE_APPROVED',
      data: {
        purchase: { status: 'APPROVED', transaction: expect.stringMatching(/^HP\d+$/), price: { value: 1500, currency_value: 'BRL' }, origin: { sck: expect.any(String), src: 'fb_ads' }, buyer_ip: '177.10.20.***' },
        product: { name: 'Produto test postback2' },
        buyer: { email: 't***@e***.com', document: '***.***.***-**', checkout_phone: '***9900', name: 'T***' },
      },
    });
    expect(view.clientIp).toBe('189.40.12.***');
    expect(view.raw.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'Hotmart-Webhook/2.0', 'x-hotmart-hottok': '[redacted]' });
    const [conversion] = view.conversions;
    expect(conversion).toMatchObject({ kind: 'purchase', currency: 'BRL', buyer: { email: 't***@e***.com' } });
    expect(conversion!.match!.evidence).toMatchObject({
      fingerprint: { clientIp: '177.10.20.***', candidates: 1, userAgent: expect.stringMatching(/^Mozilla\/5\.0 … \(\d+ chars\)$/) },
      passthrough: [{ token: 'sid_0192f0c4a7b97c3e', field: 'sck', found: false }],
      identity: { email: 2, phone: 1, matchedOn: ['email'] },
    });
    const capi = view.capiEvents[0]!.payload as { event_name: string; user_data: Record<string, unknown>; custom_data: Record<string, unknown>; event_source_url: string };
    expect(capi.event_name).toBe('Purchase');
    expect(capi.user_data).toMatchObject({ fbc: 'fb.1.1772366400000.IwAR2xYz', client_ip_address: '189.40.12.***', em: ['*** (64 chars)'] });
    expect(capi.custom_data).toMatchObject({ currency: 'BRL' });
    expect(capi.event_source_url).toBe('https://lp.example.com/oferta?email=*** (21 chars)&utm_source=facebook&phone=*** (11 digits)');
  });

  it('Stripe: object ids, amounts, statuses, the client reference and utm in metadata', () => {
    const body = fixtures('stripe').find(([f]) => f === 'checkout-session-completed-paid.json')![1];
    expect(presentStory(storyOf('stripe', body)).raw.body).toMatchObject({
      data: {
        object: {
          id: expect.stringMatching(/^cs_test_/),
          amount_total: 1099,
          currency: 'usd',
          payment_status: 'paid',
          client_reference_id: expect.stringMatching(/^ses_/),
          metadata: { utm_source: 'facebook', utm_campaign: 'launch' },
          customer_details: { email: 'j***@e***.com', phone: '***8888', address: { country: 'BR', line1: '*** (17 chars)' } },
        },
      },
    });
  });

  it('Kiwify: order, status, commissions, product; the customer recognisable', () => {
    const body = fixtures('kiwify').find(([f]) => f === 'order-approved.json')![1];
    expect(presentStory(storyOf('kiwify', body)).raw.body).toMatchObject({
      order_status: 'paid',
      webhook_event_type: 'order_approved',
      Product: { product_name: 'Example product' },
      Commissions: { my_commission: 4715, currency: 'BRL' },
      Customer: { email: 'j***@e***.com', CPF: '***.***.***-**', full_name: 'J***', ip: '1b95:cfb5:…' },
    });
  });
});
