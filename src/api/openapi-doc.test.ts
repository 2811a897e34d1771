// Guards /docs as a reader meets it: every operation summarized in plain English and tagged, every
// response named, every field described, and no sample that swagger-ui would invent from a regex.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.ts';

/**
 * TEMPORARY. Routes whose owners are adding their descriptions and examples right now (issue 13,
 * point 7): src/api/routes/{tenants,connections,funnels,tracking,pixel}. Operations under these
 * path prefixes are not checked yet. The lead empties this list once they finish; do not add to it.
 */
const NOT_YET_DESCRIBED: readonly string[] = [
];

type Json = Record<string, unknown>;
type Schema = Json & {
  $ref?: string;
  type?: string | string[];
  description?: string;
  pattern?: string;
  example?: unknown;
  examples?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
interface Parameter {
  name: string;
  in: string;
  description?: string;
  example?: unknown;
  examples?: unknown;
  schema?: Schema;
}
interface Media {
  schema?: Schema;
  example?: unknown;
  examples?: unknown;
}
interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { description?: string; content?: Record<string, Media> }>;
}
interface Document {
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** Plain-English rules for a summary: the line a reader scans in the operation list. */
function summaryProblems(summary: string): string[] {
  const problems: string[] = [];
  if (!/^[A-Z]/.test(summary)) problems.push('starts with a capital letter');
  if (summary.length > 80) problems.push('is at most 80 characters (say more in the description)');
  if (/[.:;,]$/.test(summary.trim())) problems.push('does not end with punctuation');
  if (/\ba [aeio]/i.test(summary)) problems.push('says "an" before a vowel ("an initiate checkout")');
  if (/\ban [bcdfgjklmnpqrstvwxz][a-z]/.test(summary)) problems.push('says "a" before a consonant');
  if (/\b[a-z]+_[a-z_]+\b/.test(summary)) problems.push('has words, not identifiers (initiate_checkout → initiate checkout)');
  if (/ {2}/.test(summary)) problems.push('has single spaces');
  if (/\b(\w+) \1\b/i.test(summary)) problems.push('has no repeated word');
  return problems;
}

function isExempt(path: string): boolean {
  return NOT_YET_DESCRIBED.some((prefix) => path.startsWith(prefix));
}

function hasExample(node: { example?: unknown; examples?: unknown }): boolean {
  return node.example !== undefined || (Array.isArray(node.examples) ? node.examples.length > 0 : node.examples !== undefined);
}

/** Walks one schema, collecting what a reader of /docs would miss. */
function schemaFindings(doc: Document, schema: Schema | undefined, where: string, covered: boolean, seen: Set<string>): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const found: string[] = [];
  let node = schema;
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (seen.has(name)) return [];
    seen = new Set([...seen, name]);
    node = doc.components?.schemas?.[name] ?? {};
  }
  covered ||= hasExample(node) || hasExample(schema);
  if (node.pattern !== undefined && !covered) found.push(`${where}: a string with a pattern and no example (swagger-ui would invent one from the regex)`);
  for (const [name, property] of Object.entries(node.properties ?? {})) {
    const target = property.$ref ? doc.components?.schemas?.[property.$ref.replace('#/components/schemas/', '')] : undefined;
    if (!property.description && !target?.description) found.push(`${where}.${name}: no description`);
    found.push(...schemaFindings(doc, property, `${where}.${name}`, covered, seen));
  }
  if (node.items) found.push(...schemaFindings(doc, node.items, `${where}[]`, covered, seen));
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    found.push(...schemaFindings(doc, node.additionalProperties, `${where}{}`, covered, seen));
  }
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) {
    found.push(...schemaFindings(doc, branch, where, covered, seen));
  }
  return found;
}

function documentFindings(doc: Document): string[] {
  const found: string[] = [];
  const declaredTags = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));
  for (const [path, item] of Object.entries(doc.paths)) {
    if (isExempt(path)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const at = `${method.toUpperCase()} ${path}`;
      if (!op.summary) found.push(`${at}: no summary`);
      else for (const p of summaryProblems(op.summary)) found.push(`${at}: the summary "${op.summary}" ${p}`);
      if (!op.tags?.length) found.push(`${at}: no tags`);
      for (const tag of op.tags ?? []) if (!declaredTags.get(tag)) found.push(`${at}: tag "${tag}" is not declared with a description (openapi-document.ts)`);
      for (const param of op.parameters ?? []) {
        const name = `${at} ${param.in} parameter ${param.name}`;
        if (!param.description) found.push(`${name}: no description`);
        found.push(...schemaFindings(doc, param.schema, name, hasExample(param), new Set()));
      }
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        found.push(...schemaFindings(doc, media.schema, `${at} body (${type})`, hasExample(media), new Set()));
      }
      if (!op.responses || Object.keys(op.responses).length === 0) found.push(`${at}: no responses`);
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!response.description || response.description === 'Default Response') found.push(`${at} ${status}: the response has no name (jsonResponse / problemResponses in schemas.ts)`);
        for (const [type, media] of Object.entries(response.content ?? {})) {
          found.push(...schemaFindings(doc, media.schema, `${at} ${status} (${type})`, hasExample(media), new Set()));
        }
      }
    }
  }
  return found;
}

describe('the OpenAPI document behind /docs', () => {
  let t: TestApp;
  let doc: Document;
  beforeAll(async () => {
    t = await buildTestApp();
    doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as Document;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('describes every operation, response, parameter and field, with examples wherever a regex would be sampled', () => {
    expect(documentFindings(doc)).toEqual([]);
  });

  it('checks every path except the temporary exemptions', () => {
    const checked = Object.keys(doc.paths).filter((p) => !isExempt(p));
    expect(checked).toEqual(expect.arrayContaining(['/readyz', '/api/v1/webhooks/{gateway}', '/api/v1/events', '/api/v1/events/{id}', '/api/v1/stats']));
  });

  it('names error responses and shows a real problem body for each', () => {
    const op = doc.paths['/api/v1/events/{id}']!.get!;
    const notFound = op.responses!['404']!;
    expect(notFound.description).not.toBe('Default Response');
    expect(notFound.content!['application/problem+json']).toMatchObject({
      schema: { $ref: '#/components/schemas/Problem' },
      example: { type: 'https://hub.dev/problems/not-found', status: 404, instance: expect.stringMatching(/^\/api\/v1\/events\/evt_[0-9a-f]{32}$/) },
    });
    expect(doc.components!.schemas!.Problem!.examples).toHaveLength(1);
  });

  it('finds what it is meant to find', () => {
    // The checker itself, on a document with one of each mistake.
    const bad: Document = {
      tags: [{ name: 'ops', description: 'Operations' }],
      paths: {
        '/x/{id}': {
          post: {
            summary: 'Track a initiate_checkout',
            tags: ['ops', 'undeclared'],
            parameters: [{ name: 'id', in: 'path', schema: { type: 'string', pattern: '^v\\d+$' } }],
            requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { a: { type: 'string' } } } } } },
            responses: { '200': { description: 'Default Response' } },
          },
        },
      },
    };
    expect(documentFindings(bad)).toEqual([
      'POST /x/{id}: the summary "Track a initiate_checkout" says "an" before a vowel ("an initiate checkout")',
      'POST /x/{id}: the summary "Track a initiate_checkout" has words, not identifiers (initiate_checkout → initiate checkout)',
      'POST /x/{id}: tag "undeclared" is not declared with a description (openapi-document.ts)',
      'POST /x/{id} path parameter id: no description',
      'POST /x/{id} path parameter id: a string with a pattern and no example (swagger-ui would invent one from the regex)',
      'POST /x/{id} body (application/json).a: no description',
      'POST /x/{id} 200: the response has no name (jsonResponse / problemResponses in schemas.ts)',
    ]);
    expect(summaryProblems('Track an initiate checkout')).toEqual([]);
    expect(summaryProblems('Re-run matching and dispatch for an event')).toEqual([]);
  });
});
