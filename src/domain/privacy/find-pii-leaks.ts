// Test support: finds personal data left in an operator view. Written apart from pii-shapes.ts on
// purpose, with broader patterns (any run of 8+ digits, any dotted quad, any e-mail-like text), so a
// gap in the masks is not hidden by the same gap in the check.

export interface Leak {
  at: string;
  what: 'e-mail' | 'IPv4' | 'IPv6' | 'digits (CPF, CNPJ, phone, CEP)' | 'planted value';
  text: string;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/u;
const IPV4 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d])/;
const IPV6 = /(?:[0-9a-f]{1,4}:){3,}:?[0-9a-f]{1,4}|[0-9a-f]{1,4}::[0-9a-f]{1,4}:[0-9a-f]{1,4}/i;
// What an operator may see with digits in it: dates and times, UUIDs, Meta's fbc/fbp cookies, an IP
// masked to its /24.
const NOT_PERSONAL = [
  /\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g,
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
  /\bfb\.\d\.\d{10,13}\.[\w-]+/g,
  /\d{1,3}\.\d{1,3}\.\d{1,3}\.\*\*\*/g,
];
// A run of digits with the separators people write numbers with; one glued to letters is an id (HP1601…, pi_3Mo…).
const DIGITS = /(?<![\p{L}\p{N}_])\+?\(?\d[\d\s()./-]*\d/gu;

// A gateway's own numeric ids (Eduzz's invoice 87654321) are as long as a phone without its area code;
// under an id's key, only a run as long as a CPF or a phone with its area code (10+) counts.
const ID_KEY = /(?:^|_)id$|[a-z]Id$|^id$|transaction|order|invoice|code\d?$|ref$/i;

/** Every e-mail, IP, long digit run or planted value found in the keys and strings of `view`. */
export function findPiiLeaks(view: unknown, planted: readonly string[] = []): Leak[] {
  const leaks: Leak[] = [];
  const check = (text: string, at: string, plantedOnly = false, key = ''): void => {
    for (const value of planted) if (value !== '' && text.includes(value)) leaks.push({ at, what: 'planted value', text });
    if (plantedOnly) return;
    const email = EMAIL.exec(text);
    if (email) leaks.push({ at, what: 'e-mail', text: email[0] });
    const ipv4 = IPV4.exec(text);
    if (ipv4) leaks.push({ at, what: 'IPv4', text: ipv4[0] });
    const ipv6 = IPV6.exec(text);
    if (ipv6) leaks.push({ at, what: 'IPv6', text: ipv6[0] });
    let rest = text;
    for (const pattern of NOT_PERSONAL) rest = rest.replace(pattern, ' ');
    for (const run of rest.matchAll(DIGITS)) {
      const n = run[0].replace(/\D/g, '').length;
      if (n >= 10 || (n >= 8 && !ID_KEY.test(key))) leaks.push({ at, what: 'digits (CPF, CNPJ, phone, CEP)', text: run[0] });
    }
  };
  const stack: Array<[unknown, string, string]> = [[view, '$', '']];
  while (stack.length > 0) {
    const [node, at, key] = stack.pop()!;
    if (typeof node === 'string') check(node, at, false, key);
    // Numbers are amounts and epoch times: only a planted one counts as a leak there.
    else if (typeof node === 'number') check(String(node), at, true);
    else if (Array.isArray(node)) node.forEach((item, i) => stack.push([item, `${at}[${i}]`, key]));
    else if (node !== null && typeof node === 'object') {
      for (const [k, value] of Object.entries(node)) {
        check(k, `${at} (key)`);
        stack.push([value, `${at}.${k}`, k]);
      }
    }
  }
  return leaks;
}
