// A seeded synthetic funnel with known truth, for measuring the matcher (npm run bench:match).
// People on one to three devices click ads, come back days later, type their e-mail and phone on a
// checkout form (in whatever case and format), and some buy on Hotmart, Kiwify or Stripe. Real-world
// trouble is mixed in: ad-blocked pixels (no tracking at all on that device), lost `sck` parameters,
// shared IPs (mobile carriers' NAT, offices), households sharing one phone, bots, purchases days after the click, refunds (some
// delivered before their purchase), duplicate deliveries and the gateway's second event for one
// payment, webhooks that overtake their session's tracking events, and buyers with bad data.
import type { TrackRequest } from '../../src/domain/tracking/index.ts';
import { seededRandom } from '../../src/domain/meta/seeded-random.ts';
import { webhookBody, type BenchGateway, type SaleFacts } from './gateway-bodies.ts';

export interface FunnelOptions {
  seed: number;
  people: number;
  /** The funnel ends here (purchases must be recent enough for Meta's 7-day limit). */
  endAt: Date;
}

export interface TrackSpec {
  type: 'click' | 'pageview' | 'initiate_checkout';
  at: Date;
  request: TrackRequest;
  clientIp: string;
  userAgent: string;
}

export interface WebhookSpec {
  gateway: BenchGateway;
  body: Buffer;
  at: Date;
}

/** One entry per write, in the order they reach the hub. */
export type Delivery = { kind: 'track'; track: TrackSpec } | { kind: 'webhook'; webhook: WebhookSpec };

export interface PurchaseTruth {
  gateway: BenchGateway;
  transactionId: string;
  personId: string;
  /** How the true buyer can be found from what the hub saw; null when no tracked trace is usable. */
  recoverableBy: 'passthrough' | 'identity' | null;
  badInput: string | null;
}

export interface Funnel {
  deliveries: Delivery[];
  purchases: PurchaseTruth[];
  /** visitor id → person id: a match is correct when its visitor belongs to the buyer. */
  visitorPerson: Map<string, string>;
  counts: { people: number; devices: number; adBlockedDevices: number; sessions: number; trackingEvents: number; webhooks: number; refunds: number; duplicates: number };
}

const DAY = 86_400_000;
const MIN = 60_000;

const MOBILE_UAS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; moto g54 5G) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 334.0.0',
];
const DESKTOP_UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
];
const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const FIRST = ['Ana', 'João', 'Maria', 'José', 'Luíza', 'Pedro', 'Beatriz', 'Lucas', 'Júlia', 'Gabriel', 'Fernanda', 'Rafael'];
const LAST = ['Silva', 'Souza', 'Oliveira', 'Santos', 'Pereira', 'Lima', 'Carvalho', 'Gomes', 'Ribeiro', 'Almeida'];
const DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com.br', 'uol.com.br', 'icloud.com'];
const CITIES = [['São Paulo', 'SP', '01310-100'], ['Rio de Janeiro', 'RJ', '20040-002'], ['Belo Horizonte', 'MG', '30130-010'], ['Curitiba', 'PR', '80010-000'], ['Recife', 'PE', '50030-230']] as const;
const DDDS = ['11', '21', '31', '41', '51', '61', '71', '81', '85', '92'];
const PRICES = ['97.00', '197.00', '497.00', '1997.00'];

interface Device {
  visitorId: string;
  mobile: boolean;
  userAgent: string;
  ip: string;
  fbp: string;
  adBlocked: boolean;
}

interface Person {
  id: string;
  email: string;
  phoneDigits: string; // 11 digits: DDD + 9 + 8
  firstName: string;
  lastName: string;
  city: (typeof CITIES)[number];
  devices: Device[];
}

interface Visit {
  device: Device;
  sessionId: string;
  at: Date;
  /** Typed on the checkout form: which identifiers (as typed) reached the hub. */
  typed: { email?: string; phone?: string } | null;
}

export function generateFunnel(options: FunnelOptions): Funnel {
  const rnd = seededRandom(options.seed);
  const chance = (p: number) => rnd() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const end = options.endAt.getTime();

  // Shared networks: a handful of carrier NAT addresses carry most mobile traffic; offices share one each.
  const carrierIps = Array.from({ length: 12 }, (_, i) => `177.${20 + i}.${int(0, 255)}.${int(1, 254)}`);
  const officeIps = Array.from({ length: 25 }, (_, i) => `200.${100 + i}.${int(0, 255)}.${int(1, 254)}`);

  const deliveries: { at: number; order: number; d: Delivery }[] = [];
  const purchases: PurchaseTruth[] = [];
  const visitorPerson = new Map<string, string>();
  const counts = { people: options.people, devices: 0, adBlockedDevices: 0, sessions: 0, trackingEvents: 0, webhooks: 0, refunds: 0, duplicates: 0 };
  let order = 0;
  const push = (at: number, d: Delivery, shift = 0) => {
    deliveries.push({ at: at + shift, order: order++, d });
    if (d.kind === 'track') counts.trackingEvents++;
    else counts.webhooks++;
  };

  const track = (type: TrackSpec['type'], at: number, device: Device, sessionId: string, extra: Partial<TrackRequest> = {}) =>
    push(at, {
      kind: 'track',
      track: {
        type,
        at: new Date(at),
        clientIp: device.ip,
        userAgent: device.userAgent,
        request: { eventId: `ev_${hex(24)}`, visitorId: device.visitorId, sessionId, fbp: device.fbp, ...extra },
      },
    });

  let previousPhone: string | null = null;
  for (let i = 0; i < options.people; i++) {
    const firstName = pick(FIRST);
    const lastName = pick(LAST);
    const person: Person = {
      id: `person_${i}`,
      email: `${ascii(firstName)}.${ascii(lastName)}${int(1, 9999)}@${pick(DOMAINS)}`,
      // 3 %: a household shares one phone (each person types their own e-mail with it).
      phoneDigits: previousPhone !== null && chance(0.03) ? previousPhone : `${pick(DDDS)}9${int(6000, 9999)}${int(1000, 9999)}`,
      firstName,
      lastName,
      city: pick(CITIES),
      devices: [],
    };
    previousPhone = person.phoneDigits;
    const deviceCount = chance(0.6) ? 1 : chance(0.75) ? 2 : 3;
    for (let k = 0; k < deviceCount; k++) {
      const mobile = k === 0 ? chance(0.8) : chance(0.3);
      const adBlocked = chance(mobile ? 0.1 : 0.3);
      const device: Device = {
        visitorId: `vis_${hex(32)}`,
        mobile,
        userAgent: pick(mobile ? MOBILE_UAS : DESKTOP_UAS),
        ip: mobile ? pick(carrierIps) : chance(0.4) ? pick(officeIps) : `189.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
        fbp: `fb.1.${end - int(1, 60) * DAY}.${int(1e9, 2e9)}`,
        adBlocked,
      };
      person.devices.push(device);
      visitorPerson.set(device.visitorId, person.id);
      counts.devices++;
      if (adBlocked) counts.adBlockedDevices++;
    }

    // Visits: the first comes from an ad; later ones (days apart, any device) may or may not.
    const visitCount = int(1, 4);
    let at = end - int(2 * 24 * 60, 13 * 24 * 60) * MIN;
    const visits: Visit[] = [];
    for (let v = 0; v < visitCount && at < end - 30 * MIN; v++) {
      const device = v === 0 ? person.devices[0]! : pick(person.devices);
      const sessionId = `sid_${hex(32)}`;
      const fromAd = v === 0 || chance(0.3);
      const checkout = chance(v === visitCount - 1 ? 0.7 : 0.25);
      const typed = checkout && chance(0.6)
        ? { ...(chance(0.9) ? { email: typedEmail(person.email, rnd) } : {}), ...(chance(0.7) ? { phone: typedPhone(person.phoneDigits, rnd) } : {}) }
        : null;
      const visit: Visit = { device, sessionId, at: new Date(at), typed };
      visits.push(visit);
      counts.sessions++;
      if (!device.adBlocked) {
        const fbclid = fromAd ? `IwAR${hex(40)}` : undefined;
        const url = `https://lp.example.com/oferta${fbclid ? `?fbclid=${fbclid}&utm_source=facebook` : ''}`;
        if (fbclid) track('click', at, device, sessionId, { url, fbclid });
        track('pageview', at + 1000, device, sessionId, { url });
        if (checkout) {
          track('initiate_checkout', at + int(1, 8) * MIN, device, sessionId, {
            url,
            checkout: { url: 'https://pay.hotmart.com/X123', value: '197.00', currency: 'BRL', contentIds: ['X123'] },
            ...(typed ? { user: typed } : {}),
          });
        }
      }
      at += int(6 * 60, 4 * 24 * 60) * MIN;
    }

    // Some of them buy, from their last visit's device, minutes after it.
    const last = visits[visits.length - 1];
    if (!last || !chance(0.45)) continue;
    const buyAt = Math.min(last.at.getTime() + int(5, 25) * MIN, end - MIN);
    const gateway: BenchGateway = chance(0.45) ? 'hotmart' : chance(0.64) ? 'kiwify' : 'stripe';
    const transactionId = gateway === 'hotmart' ? `HP${int(1e9, 9e9)}${int(1000, 9999)}` : gateway === 'kiwify' ? uuid(hex) : `pi_${hex(24)}`;
    const tracked = !last.device.adBlocked;
    const sckLost = chance(0.12);
    const sck = tracked && !sckLost ? (chance(0.1) ? `${last.sessionId}|ig` : last.sessionId) : null;

    let badInput: string | null = null;
    const otherEmail = chance(0.05);
    let email: string | null = otherEmail ? `${ascii(person.firstName)}.trabalho${int(1, 999)}@empresa.com.br` : typedEmail(person.email, rnd);
    let phone: string | null = chance(0.85) ? typedPhone(person.phoneDigits, rnd) : null;
    let currency = 'BRL';
    const roll = rnd();
    if (roll < 0.02) [email, phone, badInput] = [null, null, 'no_buyer_identifier'];
    else if (roll < 0.035) [email, phone, badInput] = [`${ascii(person.firstName)}@@${pick(DOMAINS)}`, null, 'malformed_email'];
    else if (roll < 0.045) [currency, badInput] = ['XYZ', 'unknown_currency'];

    // Truth: what the hub could use to find this buyer.
    const sawEmail = !otherEmail && email !== null && badInput !== 'malformed_email' && visits.some((v) => !v.device.adBlocked && v.typed?.email && v.at.getTime() <= buyAt);
    const sawPhone = phone !== null && visits.some((v) => !v.device.adBlocked && v.typed?.phone && v.at.getTime() <= buyAt);
    const recoverableBy = sck ? 'passthrough' : sawEmail || sawPhone ? 'identity' : null;
    purchases.push({ gateway, transactionId, personId: person.id, recoverableBy, badInput });

    const sale: Omit<SaleFacts, 'deliveryId' | 'occurredAt'> = {
      transactionId,
      email,
      phone,
      firstName: person.firstName,
      lastName: person.lastName,
      city: person.city[0],
      state: person.city[1],
      zip: person.city[2],
      ip: last.device.ip,
      value: pick(PRICES),
      currency,
      productId: `prod_${int(1, 5)}`,
      sck,
    };
    const deliver = (event: 'purchase' | 'purchase_again' | 'refund', atMs: number, shift = 0) => {
      const deliveryId = gateway === 'stripe' ? `evt_${hex(24)}` : uuid(hex);
      const body = Buffer.from(JSON.stringify(webhookBody(gateway, event, { ...sale, deliveryId, occurredAt: new Date(atMs) })));
      push(atMs, { kind: 'webhook', webhook: { gateway, body, at: new Date(atMs) } }, shift);
      return body;
    };
    // 2 %: the webhook overtakes its session's tracking events (clock skew, queue reordering).
    const overtakes = tracked && chance(0.02);
    const body = deliver('purchase', buyAt, overtakes ? -(buyAt - last.at.getTime()) - MIN : 0);
    if (chance(0.08)) {
      // The very same delivery twice (a gateway retry).
      push(buyAt + int(1, 30) * MIN, { kind: 'webhook', webhook: { gateway, body, at: new Date(buyAt) } });
      counts.duplicates++;
    }
    if (chance(0.15)) {
      deliver('purchase_again', Math.min(buyAt + int(1, 60) * MIN, end - 1000));
      counts.duplicates++;
    }
    if (chance(0.05)) {
      const refundAt = Math.min(buyAt + int(60, 3 * 24 * 60) * MIN, end - 1000);
      // One refund in five is delivered before its purchase.
      deliver('refund', refundAt, chance(0.2) ? -(refundAt - buyAt) - MIN : 0);
      counts.refunds++;
    }
  }

  // Bots crawl the landing page from shared addresses; they never buy and must never be linked.
  for (let b = 0; b < Math.ceil(options.people / 20); b++) {
    const device: Device = { visitorId: `vis_${hex(32)}`, mobile: false, userAgent: BOT_UA, ip: pick(officeIps), fbp: '', adBlocked: false };
    const at = end - int(1, 10 * 24 * 60) * MIN;
    track('pageview', at, device, `sid_${hex(32)}`, { url: 'https://lp.example.com/oferta', fbp: null });
  }

  deliveries.sort((a, b) => a.at - b.at || a.order - b.order);
  return { deliveries: deliveries.map((x) => x.d), purchases, visitorPerson, counts };
}

function ascii(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function uuid(hex: (n: number) => string): string {
  const h = hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/** The same address as people type it: case, surrounding spaces. */
function typedEmail(email: string, rnd: () => number): string {
  const r = rnd();
  if (r < 0.5) return email;
  if (r < 0.7) return email.toUpperCase();
  if (r < 0.85) return ` ${email[0]!.toUpperCase()}${email.slice(1)} `;
  return `${email}  `;
}

/** A Brazilian mobile (DDD + 9 digits) in the formats buyers and checkouts write it. */
function typedPhone(digits: string, rnd: () => number): string {
  const ddd = digits.slice(0, 2);
  const a = digits.slice(2, 7);
  const b = digits.slice(7);
  const formats = [
    `+55${digits}`,
    `+55 (${ddd}) ${a}-${b}`,
    `(${ddd}) ${a}-${b}`,
    `${ddd}${a}${b}`,
    `0${ddd} ${a}-${b}`,
    `55${digits}`,
    `+55 ${ddd} ${a} ${b}`,
    `${ddd} ${a.slice(0, 1)} ${a.slice(1)}-${b}`,
  ];
  return formats[Math.floor(rnd() * formats.length)]!;
}
