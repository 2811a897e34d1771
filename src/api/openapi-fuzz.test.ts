// Guards every route against hostile input, as an attacker from the internet would send it: each
// operation of /api/v1/openapi.json gets generated path, query, header and body values (NUL and other
// control characters, %00, huge strings, odd unicode, numbers where strings go, deeply nested JSON,
// prototype keys, year-0 and year-9999 times), half of them with valid credentials. Nothing may answer
// 5xx (a 5xx pages operators and reports to Sentry), and every 4xx is problem+json. The seed is fixed,
// so a failure replays exactly; its request is printed.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, buildTestApp, createTenantViaApi, type TestApp } from '../../test/support/app.ts';

const SEED = 20_261_129;
const RUNS_PER_OPERATION = 20;

// --- the document, as far as the fuzzer reads it ------------------------------------------------------

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}
interface Operation {
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}
interface Target {
  method: string;
  path: string;
  op: Operation;
}

function targetsOf(doc: Document): Target[] {
  const methods = new Set(['get', 'put', 'post', 'patch', 'delete']);
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.has(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

/** A plausible value for a schema (its example, default, first enum value, …), so that one hostile field sits among valid ones. */
function sample(schema: Schema | undefined, doc: Document, depth = 0): unknown {
  if (!schema || depth > 6) return undefined;
  if (schema.$ref) return sample(doc.components?.schemas?.[schema.$ref.split('/').pop()!], doc, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (variants) return sample(variants.find((v) => v.type !== 'null') ?? variants[0], doc, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, sample(s, doc, depth + 1)]).filter(([, v]) => v !== undefined));
    case 'array':
      return [sample(schema.items, doc, depth + 1)].filter((v) => v !== undefined);
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'string':
      return 'x';
    default:
      return undefined;
  }
}

// --- hostile values -------------------------------------------------------------------------------

const HOSTILE_TIMES = [
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59-23:59',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-29T24:00:00Z',
  '2026-11-29T12:00:00+99:99',
];
const HOSTILE_TEXT = [
  '\u0000',
  'a\u0000b',
  'evt_\u0000',
  'ten_\u0000',
  'hub_pk_\u0000',
  'hub_sk_\u0000',
  '%00',
  '\u0001\u0002\u001b[31m',
  '\r\n\r\nX-Injected: 1',
  '\t',
  '\u007f\u0085\u009f',
  '\ud800',
  'x\udfffy',
  '\u202eevil',
  '🙂👩‍👩‍👧',
  'ﬀ\u0301',
  '../../etc/passwd',
  '%',
  '%zz',
  '%c0%ae',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '${jndi:ldap://x/a}',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  '',
  ' ',
];

/** A string an attacker would try: a known troublemaker, generated text (any code unit), or a huge one. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TIMES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'x'.repeat(n)) },
);

/** JSON text inserted as is (deep nesting, prototype keys), where a value goes. */
class RawJson {
  constructor(readonly text: string) {}
}

const deepJson = fc
  .tuple(fc.integer({ min: 200, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) => new RawJson(arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
const prototypeKeys = fc.constantFrom(
  new RawJson('{"__proto__":{"isAdmin":true}}'),
  new RawJson('{"constructor":{"prototype":{"isAdmin":true}}}'),
  new RawJson('{"toString":"x","valueOf":1,"hasOwnProperty":null}'),
);

/** A JSON value where another was expected: a hostile string, a number, the wrong type, deep nesting, prototype keys. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, true, false, null) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: prototypeKeys },
);

function toJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Replaces one value somewhere in `base` (a path of keys chosen by `picks`) with `replacement`. */
function mutate(base: unknown, picks: number[], replacement: unknown): unknown {
  if (picks.length === 0 || !base || typeof base !== 'object' || base instanceof RawJson) return replacement;
  const keys = Object.keys(base);
  if (keys.length === 0) return replacement;
  const key = keys[picks[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(base) ? ([...base] as unknown as Record<string, unknown>) : { ...base };
  copy[key] = picks.length === 1 ? replacement : mutate(copy[key], picks.slice(1), replacement);
  return copy;
}

/** Percent-encodes any string, a lone surrogate included (as the three bytes WTF-8 gives it; encodeURIComponent throws). */
function encode(value: string): string {
  return value.replace(/[\s\S]/gu, (ch) => {
    if (ch.length === 2 || !/[\ud800-\udfff]/.test(ch)) return encodeURIComponent(ch);
    const c = ch.charCodeAt(0);
    return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  });
}

/** Header values travel as latin-1 without CR, LF or NUL (Node refuses the rest before any route runs). */
const sendable = (value: string) => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '').slice(0, 8_000);

// --- requests -------------------------------------------------------------------------------------

interface Credentials {
  secretKey: string;
  publicKey: string;
}
interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  remoteAddress: string;
}

/** Headers every route may meet, whatever the document says. */
const HEADERS = ['content-type', 'accept-language', 'origin', 'x-request-id', 'x-hub-public-key', 'stripe-signature', 'x-hotmart-hottok', 'cookie', 'x-forwarded-for'];
const CONTENT_TYPES = ['text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'a/b/c', 'application/json\u00ff'];
const RAW_PATH_VALUES = ['%00', 'evt_%00', 'ten_%00', '%', '%zz', '%c0%ae', '..', '%2e%2e', 'x%0d%0aX-Injected:%201', ''];
const PROTOTYPE_QUERY_NAMES = ['__proto__', 'constructor', 'constructor[prototype][isAdmin]', '__proto__[isAdmin]', 'tenant', '\u0000'];

/**
 * What to make hostile in one request: `slot` picks the place (a path or query parameter, an extra
 * query parameter, a header, a body field, the whole body), `picks` the field inside the body.
 */
const hostility = fc.record({
  slot: fc.nat(),
  value: hostileValue,
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  raw: fc.constantFrom(...RAW_PATH_VALUES),
  rawPath: fc.boolean(),
  repeat: fc.boolean(),
  name: fc.constantFrom(...PROTOTYPE_QUERY_NAMES),
  contentType: fc.constantFrom(...CONTENT_TYPES),
  huge: fc.integer({ min: 256 * 1024 - 16, max: 300 * 1024 }),
});
type Hostility = typeof hostility extends fc.Arbitrary<infer H> ? H : never;

function requestFor(target: Target, doc: Document, credentials: Credentials): fc.Arbitrary<FuzzRequest> {
  const params = target.op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const scheme = Object.keys(target.op.security?.[0] ?? {})[0];
  const hasBody = target.op.requestBody !== undefined;
  const media = target.op.requestBody?.content?.['application/json'];
  // Parameters weigh more than headers: they are what reaches the database.
  const slots = [
    ...pathParams.flatMap((p) => Array.from({ length: 6 }, () => ({ kind: 'path' as const, name: p.name }))),
    ...queryParams.flatMap((p) => Array.from({ length: 2 }, () => ({ kind: 'query' as const, name: p.name }))),
    { kind: 'extra-query' as const, name: '' },
    ...HEADERS.map((name) => ({ kind: 'header' as const, name })),
    ...(hasBody ? [{ kind: 'body-field' as const, name: '' }, { kind: 'body-field' as const, name: '' }, { kind: 'body' as const, name: '' }] : [{ kind: 'body' as const, name: '' }]),
  ];

  return fc
    .record({
      hostilities: fc.array(hostility, { minLength: 1, maxLength: 3 }),
      // Half the cases carry valid credentials; most of the rest none, a few a hostile Authorization.
      credential: fc.constantFrom('valid', 'valid', 'valid', 'valid', 'valid', 'none', 'none', 'none', 'none', 'hostile'),
      credentialValue: hostileString,
      keyInHeader: fc.boolean(),
      optionalQuery: fc.array(fc.boolean(), { minLength: queryParams.length, maxLength: queryParams.length }),
      remoteAddress: fc.ipV4(),
    })
    .map((g) => {
      const valid = (p: Parameter) => String(p.example ?? sample(p.schema, doc) ?? 'x');
      const path = new Map(pathParams.map((p) => [p.name, encode(valid(p))]));
      const query = new Map<string, string[]>();
      queryParams.forEach((p, i) => {
        if (p.required || g.optionalQuery[i]) query.set(p.name, [valid(p)]);
      });
      const extraQuery: Array<[string, string]> = [];
      const headers: Record<string, string> = {};
      let body: unknown = hasBody ? (media?.example ?? sample(media?.schema, doc)) : undefined;
      let rawBody: string | undefined;

      for (const h of g.hostilities as Hostility[]) {
        const slot = slots[h.slot % slots.length]!;
        const text = typeof h.value === 'string' ? h.value : toJson(h.value);
        switch (slot.kind) {
          case 'path':
            path.set(slot.name, h.rawPath ? h.raw : encode(text.slice(0, 300)));
            break;
          case 'query':
            query.set(slot.name, h.repeat ? [...(query.get(slot.name) ?? ['x']), text] : [text]);
            break;
          case 'extra-query':
            extraQuery.push([h.name, text]);
            break;
          case 'header':
            headers[slot.name] = sendable(slot.name === 'content-type' && h.repeat ? h.contentType : text);
            break;
          case 'body-field':
            body = mutate(body, h.picks, h.value);
            break;
          case 'body':
            rawBody = h.repeat ? JSON.stringify({ big: 'x'.repeat(h.huge) }) : text;
            break;
        }
      }

      if (scheme === 'publicKey' && body && typeof body === 'object' && !Array.isArray(body) && !(body instanceof RawJson)) {
        const { publicKey: _example, ...rest } = body as Record<string, unknown>;
        body = g.credential === 'valid' && !g.keyInHeader ? { publicKey: credentials.publicKey, ...rest } : rest;
      }
      if (g.credential === 'valid') {
        if (scheme === 'secretKey') headers.authorization = `Bearer ${credentials.secretKey}`;
        if (scheme === 'adminToken') headers.authorization = `Bearer ${ADMIN_TOKEN}`;
        if (scheme === 'publicKey' && g.keyInHeader) headers['x-hub-public-key'] = credentials.publicKey;
      } else if (g.credential === 'hostile') {
        headers.authorization = sendable(`Bearer ${g.credentialValue}`);
      }

      let url = target.path;
      for (const [name, value] of path) url = url.replace(`{${name}}`, value);
      const pairs = [...[...query].flatMap(([name, values]) => values.map((v) => [name, v] as const)), ...extraQuery];
      if (pairs.length) url += `?${pairs.map(([name, v]) => `${encode(name)}=${encode(v)}`).join('&')}`;
      const payload = rawBody ?? (body === undefined ? undefined : toJson(body));
      if (payload !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
      return { method: target.method, url, headers, payload, remoteAddress: g.remoteAddress };
    });
}

const seedOf = (name: string) => [...name].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 1_000_003, 0);

const show = (r: FuzzRequest) =>
  JSON.stringify({ ...r, payload: r.payload && r.payload.length > 400 ? `${r.payload.slice(0, 400)}… (${r.payload.length} chars)` : r.payload }).slice(0, 2_000);

describe('every operation of the OpenAPI document under hostile input', () => {
  let t: TestApp;
  let doc: Document;
  beforeAll(async () => {
    // Meta checks (connecting Meta, its test event) get a refused connection at once, never the internet.
    t = await buildTestApp({ config: { metaGraphUrl: 'http://127.0.0.1:9' } });
    doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as Document;
  });
  afterAll(async () => {
    await t.close();
  });

  const check = async (request: FuzzRequest) => {
    const res = await t.app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: request.headers,
      remoteAddress: request.remoteAddress,
      ...(request.payload !== undefined ? { payload: request.payload } : {}),
    });
    if (res.statusCode >= 500) throw new Error(`answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    if (res.statusCode >= 400) {
      if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
        throw new Error(`answered ${res.statusCode} as ${String(res.headers['content-type'])}, not problem+json: ${res.body.slice(0, 300)}`);
      }
      const problem = res.json() as { type?: unknown; status?: unknown };
      if (problem.status !== res.statusCode || typeof problem.type !== 'string') throw new Error(`a problem body that does not match its status: ${res.body.slice(0, 300)}`);
    }
  };

  it('answers no 5xx and only problem+json 4xx, for every operation', async () => {
    const targets = targetsOf(doc);
    expect(targets.length).toBeGreaterThanOrEqual(25);
    const failures: string[] = [];
    for (const target of targets) {
      // A tenant per operation: one operation's effects (a rotated key) never blunt another's cases.
      const tenant = await createTenantViaApi(t.app, `Fuzz ${target.method} ${target.path}`);
      const details = await fc.check(fc.asyncProperty(requestFor(target, doc, tenant), check), {
        // Per operation, from its name: adding a route changes no other operation's cases.
        seed: SEED + seedOf(`${target.method} ${target.path}`),
        numRuns: RUNS_PER_OPERATION,
        endOnFailure: true,
      });
      if (details.failed) {
        failures.push(`${target.method} ${target.path}: ${String(details.errorInstance)}\n  request: ${show(details.counterexample![0])}`);
      }
    }
    expect(failures.join('\n')).toBe('');
  }, 240_000);

  it.each([
    ['GET', '/api/v1/events/%00'],
    ['GET', '/api/v1/events/evt_%00'],
    ['POST', '/api/v1/replay/%00'],
    ['POST', '/api/v1/dead-letters/%00/redrive'],
    ['GET', '/api/v1/events?from=0000-01-01T00:00:00Z'],
    ['GET', '/api/v1/events?to=9999-12-31T23:59:59-23:59'],
    ['GET', '/api/v1/stats?from=0000-01-01T00:00:00Z'],
    ['GET', '/api/v1/stats?to=2026-02-30T00:00:00Z'],
    ['GET', '/api/v1/reconciliation?from=0000-01-01T00:00:00Z&to=0000-01-05T00:00:00Z'],
    ['POST', '/api/v1/webhooks/hotmart?tenant=%00'],
    ['POST', '/api/v1/webhooks/hotmart?tenant=ten_x%00'],
  ])('refuses the reported case %s %s with a 400', async (method, url) => {
    const tenant = await createTenantViaApi(t.app, 'Reported cases');
    const res = await t.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${tenant.secretKey}` }, payload: method === 'POST' ? '{}' : undefined });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it.each([
    ['a malformed %-escape', '/api/v1/events/%zz', 400],
    ['a path parameter over the router limit', `/api/v1/events/evt_${'0'.repeat(300)}`, 414],
  ])('answers problem+json to %s, refused before any route', async (_what, url, status) => {
    const res = await t.app.inject({ url });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status });
  });

  it.each([
    ['a NUL in the body', (key: string) => ({ payload: { publicKey: `${key}\u0000`, url: 'https://lp.example.com/' } })],
    ['a NUL-like key in the header', (key: string) => ({ headers: { 'x-hub-public-key': `${key}%00` }, payload: { url: 'https://lp.example.com/' } })],
  ])('answers 401 to a public key with %s', async (_what, build) => {
    const tenant = await createTenantViaApi(t.app, 'Public key cases');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/track/click', ...build(tenant.publicKey) });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});
