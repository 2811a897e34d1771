// Personal data recognised by the shape of a value, and the masks that keep that shape: enough for an
// operator to recognise a record ("m***@g***.com", "***.***.***-**", "***8888", "189.40.12.***"),
// never enough to use it. mask-pii.ts decides which values are masked; this file only says how.
//
// Every pattern runs on attacker-supplied text (a webhook body of up to 256 KiB), so each one is
// linear: bounded repetitions, no nested quantifiers that can overlap.
import { isIPv4, isIPv6 } from 'node:net';

/** What a whole value looks like, when it looks like personal data (or like a hub id). */
export type Shape = 'email' | 'ipv4' | 'ipv6' | 'cpf' | 'cnpj' | 'phone' | 'url' | 'hub_id';

// A local part as RFC 5321 allows it unquoted (dots, and !#$%&'*+/=?^_`{|}~), a domain of letters,
// digits and hyphens in any script. In a URL's path the local part takes the path before it too: more
// is masked, never less.
const EMAIL = /[^\s@<>()[\]\\,;:"]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63})+/gu;
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(String.raw`(?<![0-9.])${OCTET}(?:\.${OCTET}){3}(?!\.?[0-9])`, 'g');
// IPv6 candidates: runs of hex digits, colons and dots (an embedded IPv4), checked by node:net. A time
// like 12:30:45 is not an address; "d::" from "std::vector" is, but carries too few digits to matter.
const IPV6_CANDIDATE = /[0-9A-Fa-f:.]{3,}/g;
const isPersonalIpv6 = (token: string): boolean => isIPv6(token) && token.replace(/[^0-9A-Fa-f]/g, '').length >= 4;
// CPF 000.000.000-00 and CNPJ 00.000.000/0000-00, punctuated or not (bare runs are caught as digits below).
const CPF = /(?<![\w.])\d{3}[.\s]?\d{3}[.\s]?\d{3}[-.\s]?\d{2}(?![\w])/g;
const CNPJ = /(?<![\w.])\d{2}[.\s]?\d{3}[.\s]?\d{3}[/\s]?\d{4}[-.\s]?\d{2}(?![\w])/g;
// Brazilian numbers with their area code (DDD), with or without +55, the trunk 0 and punctuation; any
// number in international form (+ and 8-15 digits).
const PHONE_BR = /(?<![\w+])(?:\+?55[\s.-]?|0)?\(?0?[1-9]{2}\)?[\s.-]?9?\d{4}[\s.-]?\d{4}(?!\w)/g;
const PHONE_INTL = /(?<![\w+])\+\d[\d\s().-]{6,18}\d(?!\w)/g;
// What is left of a CPF, CNPJ or phone written some other way: a bare run of 10 to 14 digits.
const DIGIT_RUN = /(?<![\w])\d{10,14}(?![\w])/g;
const HUB_ID = /^(?:sid|ses|vis|evt|cnv|cap|clk|att|rpl|ten)_[0-9A-Za-z]{6,64}$/;

const anchored = (pattern: RegExp): RegExp => new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace('g', ''));
const WHOLE = { email: anchored(EMAIL), cpf: anchored(CPF), cnpj: anchored(CNPJ), phoneBr: anchored(PHONE_BR), phoneIntl: anchored(PHONE_INTL) };
const MOBILE_BR = /^[1-9]{2}9\d{8}$/;

export function shapeOf(value: string): Shape | undefined {
  const v = value.trim();
  if (v.length > 320) return undefined;
  if (HUB_ID.test(v)) return 'hub_id';
  if (v.includes('@') && WHOLE.email.test(v)) return 'email';
  if (isIPv4(v)) return 'ipv4';
  if (v.includes(':') && isPersonalIpv6(v)) return 'ipv6';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return 'url';
  if (WHOLE.cnpj.test(v)) return 'cnpj';
  // Eleven bare digits are a CPF or a mobile number with its area code: the check digits, then the
  // mobile's 9, tell them apart (masked either way; this only picks the mask).
  if (WHOLE.cpf.test(v)) return !validCpf(v) && MOBILE_BR.test(v) ? 'phone' : 'cpf';
  if (WHOLE.phoneBr.test(v) || WHOLE.phoneIntl.test(v)) return 'phone';
  return undefined;
}

export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at).trim();
  const labels = value.slice(at + 1).trim().split('.');
  if (at < 1 || labels.length < 2) return maskText(value);
  // Keep the public suffix only: "com", "com.br", "co.uk" — never the rest of the domain.
  const suffixLength = labels.length >= 3 && labels[labels.length - 2]!.length <= 3 ? 2 : 1;
  const suffix = labels.slice(-suffixLength).join('.');
  return `${firstChar(local)}***@${firstChar(labels[0]!)}***.${suffix}`;
}

export function maskIp(value: string): string {
  const v = value.trim();
  const mappedV4 = /^::ffff:(\d+\.\d+\.\d+)\.\d+$/i.exec(v);
  if (mappedV4) return `::ffff:${mappedV4[1]}.***`;
  if (v.includes(':')) {
    // The first 32 bits: the provider, not the household (a /48 is often one customer).
    const groups = v.split(':');
    return groups[0] && groups[1] ? `${groups[0]}:${groups[1]}:…` : '…';
  }
  const parts = v.split('.');
  return parts.length === 4 ? `${parts[0]}.${parts[1]}.${parts[2]}.***` : maskText(v);
}

export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length >= 8 ? `***${digits.slice(-4)}` : '***';
}

export function maskDocument(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length === 11) return '***.***.***-**';
  if (digits.length === 14) return '**.***.***/****-**';
  return maskText(value);
}

export function maskName(value: string): string {
  return value.trim() === '' ? value : `${firstChar(value.trim())}***`;
}

/** The product token of a user agent ("Mozilla/5.0"), never the rest, and its length. */
export function maskUserAgent(value: string): string {
  const product = /^[A-Za-z][\w.-]{0,30}\/[\w.]{1,20}(?=\s|$)/.exec(value)?.[0];
  return product ? `${product} … (${length(value)} chars)` : maskText(value);
}

/** Nothing of the value but a hint of its length. */
export function maskText(value: string): string {
  if (value === '') return value;
  const n = length(value);
  return /^\d+$/.test(value) ? `*** (${n} digits)` : `*** (${n} chars)`;
}

/**
 * For a URL an operator needs (a landing page, a referrer): scheme, host and path, and the query's
 * tracking parameters; other parameter values masked. `detail: false` keeps only scheme and host
 * (links that act as keys: receipts, boletos, member areas).
 */
export function maskUrl(value: string, detail: boolean, shownParam: (name: string) => boolean): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return detail ? scrubText(value) : maskText(value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return maskText(value);
  if (!detail) return `${url.protocol}//${url.host}${url.pathname === '/' && !url.search ? '/' : '/…'}`;
  const params = [...url.searchParams].map(([name, v]) => `${scrubText(name)}=${shownParam(name) ? scrubText(v) : maskText(v)}`);
  return `${url.protocol}//${url.host}${scrubText(url.pathname)}${params.length > 0 ? `?${params.join('&')}` : ''}`;
}

/**
 * Free text that may be shown (a product name, a status, a campaign): every e-mail, IP, CPF, CNPJ
 * and phone number inside it is masked, the rest kept.
 */
export function scrubText(value: string): string {
  let text = value;
  if (text.includes('@')) text = text.replace(EMAIL, maskEmail);
  if (text.includes(':')) {
    text = text.replace(IPV6_CANDIDATE, (token) => {
      const ip = token.replace(/\.+$/, ''); // a sentence's full stop
      return ip.includes(':') && isPersonalIpv6(ip) ? maskIp(ip) + token.slice(ip.length) : token;
    });
  }
  if (text.includes('.')) text = text.replace(IPV4, maskIp);
  if (digitCount(text) < 8) return text; // none of what follows has fewer
  return text
    .replace(CNPJ, () => '**.***.***/****-**')
    .replace(CPF, () => '***.***.***-**')
    .replace(PHONE_INTL, maskPhone)
    .replace(PHONE_BR, maskPhone)
    .replace(DIGIT_RUN, (run) => maskText(run));
}

/** The mask that keeps a recognised shape; undefined for a value of no known shape. */
export function maskByShape(value: string, shape: Shape): string {
  switch (shape) {
    case 'email':
      return maskEmail(value.trim());
    case 'ipv4':
    case 'ipv6':
      return maskIp(value);
    case 'cpf':
    case 'cnpj':
      return maskDocument(value);
    case 'phone':
      return maskPhone(value);
    case 'url':
      return maskUrl(value, false, () => false);
    case 'hub_id':
      return value;
  }
}

function validCpf(value: string): boolean {
  const d = value.replace(/\D/g, '').split('').map(Number);
  if (d.length !== 11 || d.every((x) => x === d[0])) return false;
  const check = (n: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d[i]! * (n + 1 - i);
    return ((sum * 10) % 11) % 10;
  };
  return check(9) === d[9] && check(10) === d[10];
}

function digitCount(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function firstChar(value: string): string {
  return [...value][0] ?? '';
}

function length(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}
