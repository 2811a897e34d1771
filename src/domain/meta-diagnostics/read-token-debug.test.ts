// Guards what the hub makes of Meta's debug_token answers: an expiry (or "never"), a token Meta calls
// invalid, Meta declining to describe a token to itself (not an alarm), and no verdict at all.
// Bodies as Graph's debug_token reference and access-token debugging guide show them.
import { describe, expect, it } from 'vitest';
import { classifyTokenDebug, readTokenDebug } from './read-token-debug.ts';
import type { GraphGetResult } from './graph-get.ts';
import { parseMetaError } from '../meta/index.ts';

const answer = (status: number, body: unknown): GraphGetResult => {
  const error = parseMetaError(body);
  return {
    kind: 'answer',
    status,
    body,
    error,
    answer: { httpStatus: status, code: error?.code ?? null, subcode: error?.subcode ?? null, message: error?.message ?? null, fbtraceId: null },
  };
};

describe('classifyTokenDebug', () => {
  it.each([
    [
      'a token with an expiry',
      answer(200, { data: { app_id: '1', type: 'USER', application: 'App', data_access_expires_at: 1576687825, expires_at: 1570820400, is_valid: true, scopes: ['ads_management'], user_id: '2' } }),
      { kind: 'valid', expiresAt: new Date(1570820400 * 1000), dataAccessExpiresAt: new Date(1576687825 * 1000), tokenType: 'USER' },
    ],
    ['a token that never expires (expires_at 0)', answer(200, { data: { type: 'SYSTEM_USER', expires_at: 0, is_valid: true } }), { kind: 'valid', expiresAt: null, tokenType: 'SYSTEM_USER' }],
    [
      'an input token Meta calls invalid',
      answer(200, { data: { is_valid: false, expires_at: 1570820400, error: { code: 190, subcode: 463, message: 'Session has expired on Friday, 27-Nov-26 10:00:00 PST.' } } }),
      { kind: 'invalid', reason: 'Session has expired on Friday, 27-Nov-26 10:00:00 PST.' },
    ],
    ['the asking token refused (190)', answer(400, { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 } }), { kind: 'invalid' }],
    [
      'a token that may not describe itself (100)',
      answer(400, { error: { message: '(#100) You must provide an app access token, or a user access token that is an owner or developer of the app', type: 'OAuthException', code: 100 } }),
      { kind: 'not_available' },
    ],
    ['a permission error', answer(403, { error: { message: '(#200) Missing Permission', code: 200 } }), { kind: 'not_available' }],
    ['throttling', answer(400, { error: { message: '(#4) Application request limit reached', code: 4 } }), { kind: 'no_answer' }],
    ['a 200 without data', answer(200, { hello: 'proxy' }), { kind: 'no_answer' }],
    ['a 502 page', answer(502, null), { kind: 'no_answer' }],
  ])('%s', (_label, result, expected) => {
    expect(classifyTokenDebug(result)).toMatchObject(expected);
  });

  it('asks with the token itself, in the query string, and cuts it out of what it reports', async () => {
    const urls: string[] = [];
    const fetchImpl = (async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ error: { message: 'bad token EAAB-secret-token', code: 190 } }), { status: 400 });
    }) as unknown as typeof fetch;
    const read = await readTokenDebug({ graphUrl: 'https://graph.example/', apiVersion: 'v24.0', accessToken: 'EAAB-secret-token', timeoutMs: 1000, fetchImpl });
    expect(urls).toEqual(['https://graph.example/v24.0/debug_token?input_token=EAAB-secret-token&access_token=EAAB-secret-token']);
    expect(read).toMatchObject({ kind: 'invalid', reason: 'bad token [redacted]' });
  });

  it('reports a timeout as no answer', async () => {
    const fetchImpl = (async (_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    const read = await readTokenDebug({ graphUrl: 'https://graph.example', apiVersion: 'v24.0', accessToken: 'EAAB-slow-token', timeoutMs: 20, fetchImpl });
    expect(read).toMatchObject({ kind: 'no_answer', answer: { httpStatus: null, message: 'no answer within 20 ms' } });
  });
});
