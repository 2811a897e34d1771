// Guards what a pixel read means: only Meta answering the pixel's own id is "readable"; a token Meta
// refuses is told apart from a permission or pixel problem, and from no verdict at all (timeouts,
// outages, garbage); the token never leaves in a message.
import { describe, expect, it } from 'vitest';
import { classifyPixelRead, readPixel, type PixelRead } from './read-pixel.ts';

const PIXEL = '1234567890';
const graphError = (code: number, extra: Record<string, unknown> = {}) => ({
  error: { message: `(#${code}) something`, type: 'OAuthException', code, fbtrace_id: 'AbCdEf12345', ...extra },
});

describe('classifyPixelRead', () => {
  // Bodies as Graph sends them; codes per the Graph error-handling guide (docs/meta-connection.md).
  it.each<[string, number, unknown, Pick<PixelRead, 'kind'> & { reason?: string; pixelName?: string | null }]>([
    ['the pixel with its name', 200, { id: PIXEL, name: 'Acme Cursos — Pixel' }, { kind: 'readable', pixelName: 'Acme Cursos — Pixel' }],
    ['the pixel without a name', 200, { id: PIXEL }, { kind: 'readable', pixelName: null }],
    ['another object', 200, { id: '999' }, { kind: 'no_answer', reason: 'unexpected_answer' }],
    ['a 200 that is not JSON (a proxy page)', 200, null, { kind: 'no_answer', reason: 'unexpected_answer' }],
    ['an array', 200, [PIXEL], { kind: 'no_answer', reason: 'unexpected_answer' }],
    [
      'an expired session (190/463)',
      400,
      graphError(190, { error_subcode: 463, message: 'Error validating access token: Session has expired on Friday, 27-Nov-26.' }),
      { kind: 'refused', reason: 'token_expired' },
    ],
    ['an unparsable token (190)', 400, graphError(190, { message: 'Invalid OAuth access token - Cannot parse access token' }), { kind: 'refused', reason: 'token_invalid' }],
    ['a password change (190/460)', 400, graphError(190, { error_subcode: 460 }), { kind: 'refused', reason: 'token_invalid' }],
    ['no token (104)', 400, graphError(104), { kind: 'refused', reason: 'token_invalid' }],
    ['a missing permission (200)', 403, graphError(200, { message: '(#200) Missing Permission' }), { kind: 'refused', reason: 'no_permission' }],
    ['a denied permission (10)', 400, graphError(10), { kind: 'refused', reason: 'no_permission' }],
    ['another permission code (294)', 400, graphError(294), { kind: 'refused', reason: 'no_permission' }],
    ['an object the token cannot see (100/33)', 400, graphError(100, { error_subcode: 33, type: 'GraphMethodException' }), { kind: 'refused', reason: 'pixel_not_found' }],
    ['an alias that does not exist (803)', 404, graphError(803), { kind: 'refused', reason: 'pixel_not_found' }],
    ['another invalid parameter (100)', 400, graphError(100), { kind: 'no_answer', reason: 'unexpected_answer' }],
    ['throttling (4)', 400, graphError(4), { kind: 'no_answer', reason: 'meta_unavailable' }],
    ['a business use case limit (80004)', 400, graphError(80004), { kind: 'no_answer', reason: 'meta_unavailable' }],
    ['a service error (2)', 503, graphError(2, { is_transient: true }), { kind: 'no_answer', reason: 'meta_unavailable' }],
    ['a 502 from a load balancer', 502, null, { kind: 'no_answer', reason: 'meta_unavailable' }],
    ['a 429 without a body', 429, null, { kind: 'no_answer', reason: 'meta_unavailable' }],
    ['a 404 page', 404, null, { kind: 'no_answer', reason: 'unexpected_answer' }],
    ['an error object that is not Graph\'s', 400, { error: 'bad' }, { kind: 'no_answer', reason: 'unexpected_answer' }],
  ])('%s', (_label, status, body, expected) => {
    expect(classifyPixelRead(status, body, PIXEL)).toMatchObject(expected);
  });

  it('keeps what Meta said for support: status, code, subcode, message and trace id', () => {
    const read = classifyPixelRead(400, graphError(190, { error_subcode: 463, message: 'Session has expired' }), PIXEL);
    expect(read.answer).toEqual({ httpStatus: 400, code: 190, subcode: 463, message: 'Session has expired', fbtraceId: 'AbCdEf12345' });
    expect(classifyPixelRead(200, { id: PIXEL }, PIXEL, 'trace-from-header').answer.fbtraceId).toBe('trace-from-header');
  });

  it('cuts an overlong pixel name', () => {
    const read = classifyPixelRead(200, { id: PIXEL, name: 'x'.repeat(1_000) }, PIXEL);
    expect(read.kind === 'readable' && read.pixelName?.length).toBe(200);
  });
});

describe('readPixel', () => {
  const params = { graphUrl: 'https://graph.example/', apiVersion: 'v24.0', pixelId: PIXEL, accessToken: 'EAAB-secret-token', timeoutMs: 1_000 };

  it('reads the pixel node with id and name, the token in the query', async () => {
    const urls: string[] = [];
    const fetchImpl = (async (url: string | URL) => {
      urls.push(String(url));
      return new Response(JSON.stringify({ id: PIXEL, name: 'Pixel' }), { status: 200, headers: { 'x-fb-trace-id': 'T1' } });
    }) as typeof fetch;
    const read = await readPixel({ ...params, fetchImpl });
    expect(read).toMatchObject({ kind: 'readable', pixelName: 'Pixel', answer: { httpStatus: 200, fbtraceId: 'T1' } });
    const url = new URL(urls[0]!);
    expect(url.origin + url.pathname).toBe(`https://graph.example/v24.0/${PIXEL}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ fields: 'id,name', access_token: 'EAAB-secret-token' });
  });

  it('reports a timeout as no verdict', async () => {
    const fetchImpl = (async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }) as typeof fetch;
    expect(await readPixel({ ...params, fetchImpl })).toMatchObject({
      kind: 'no_answer',
      reason: 'timeout',
      answer: { httpStatus: null, code: null, message: 'no answer within 1000 ms' },
    });
  });

  it('reports a refused connection as a network error, with its code', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    }) as typeof fetch;
    expect(await readPixel({ ...params, fetchImpl })).toMatchObject({ kind: 'no_answer', reason: 'network', answer: { message: 'fetch failed: ECONNREFUSED' } });
  });

  it('reports a body that stalls past the timeout as a timeout', async () => {
    const fetchImpl = (async () =>
      ({
        status: 200,
        headers: new Headers(),
        text: async () => {
          throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
        },
      }) as unknown as Response) as typeof fetch;
    expect(await readPixel({ ...params, fetchImpl })).toMatchObject({ kind: 'no_answer', reason: 'timeout' });
  });

  it('never lets the token out in a message, even when an answer echoes it', async () => {
    const echo = (async () =>
      new Response(JSON.stringify({ error: { message: 'bad token EAAB-secret-token', code: 190 } }), { status: 400 })) as typeof fetch;
    const refused = await readPixel({ ...params, fetchImpl: echo });
    expect(refused).toMatchObject({ kind: 'refused', reason: 'token_invalid', answer: { message: 'bad token [redacted]' } });
    const failing = (async () => {
      throw new Error('proxy refused https://graph.example/?access_token=EAAB-secret-token');
    }) as typeof fetch;
    expect(JSON.stringify(await readPixel({ ...params, fetchImpl: failing }))).not.toContain('EAAB-secret-token');
  });
});
