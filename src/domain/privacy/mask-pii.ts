// Masks buyers' personal data for operator views (LGPD): enough left to recognise a record
// ("j***@gmail.com", "***-8888"), never enough to use it. Applied to raw payloads of any gateway by key
// name, so a field the normalizer does not know about is still masked.
const EMAIL_KEYS = /e-?mail/i;
const PHONE_KEYS = /phone|mobile|celular|telefone|whatsapp|^ph$/i;
const DOCUMENT_KEYS = /document|cpf|cnpj|tax_?id|doc$/i;
const NAME_KEYS = /(^|_)(name|full_?name|first_?name|last_?name|nome)$|^fn$|^ln$|^name$/i;
const ADDRESS_KEYS = /address|street|line1|line2|complement|neighborhood|number$|zip|zipcode|postal|cep/i;
// Case-sensitive on purpose: `clientIp`, `ip`, `client_ip_address`, but not `zip`.
const IP_KEYS = /^ip$|_ip$|[a-z]Ip$|IP$|ip_?address|IpAddress/;
// Names of products, plans and stores are not personal data.
const NOT_PERSONAL = /product|offer|plan|store|producer|item|event|price|coupon|page|campaign|company|subdomain/i;

export function maskEmail(v: string): string {
  const [user, domain] = v.split('@');
  if (!domain) return maskTail(v, 0);
  return `${(user ?? '').slice(0, 1)}***@${domain}`;
}

export function maskTail(v: string, keep: number): string {
  if (v.length <= keep) return '***';
  return `***${keep > 0 ? v.slice(-keep) : ''}`;
}

export function maskIp(v: string): string {
  if (v.includes(':')) return v.split(':').slice(0, 3).join(':') + ':…';
  const parts = v.split('.');
  return parts.length === 4 ? `${parts[0]}.${parts[1]}.${parts[2]}.***` : '***';
}

function maskValue(key: string, value: string, businessContext: boolean): string {
  if (businessContext || NOT_PERSONAL.test(key)) return value;
  if (EMAIL_KEYS.test(key) || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) return maskEmail(value);
  if (PHONE_KEYS.test(key)) return maskTail(value.replace(/\D/g, ''), 4);
  if (DOCUMENT_KEYS.test(key)) return maskTail(value.replace(/\D/g, ''), 2);
  if (IP_KEYS.test(key)) return maskIp(value);
  if (NAME_KEYS.test(key)) return value.length ? `${value.slice(0, 1)}***` : value;
  if (ADDRESS_KEYS.test(key)) return '***';
  return value;
}

/** Returns a deep copy with personal values masked. Non-string scalars are kept (amounts, flags). */
export function maskPii(input: unknown, key = '', businessContext = false): unknown {
  if (typeof input === 'string') return maskValue(key, input, businessContext);
  if (typeof input === 'number' && !businessContext && (PHONE_KEYS.test(key) || DOCUMENT_KEYS.test(key))) return '***';
  if (Array.isArray(input)) return input.map((v) => maskPii(v, key, businessContext));
  if (input && typeof input === 'object') {
    // Inside `product`, `offer`, … names are business data; personal data does not nest there.
    const inner = businessContext || NOT_PERSONAL.test(key);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) out[k] = maskPii(v, k, inner);
    return out;
  }
  return input;
}
