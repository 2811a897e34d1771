// Guards how /pixel.js is served: the built snippet, cacheable for a day with background revalidation,
// an ETag answered with 304, gzip when the browser takes it.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/support/app.ts';
import { buildPixel } from '../../../../pixel/build-pixel.ts';
import { PIXEL_CACHE_CONTROL } from './pixel-routes.ts';

describe('GET /pixel.js', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ kind: 'postgres' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves the built pixel with long cache headers and an ETag', async () => {
    const built = await buildPixel();
    const res = await t.app.inject({ url: '/pixel.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe(PIXEL_CACHE_CONTROL);
    expect(res.headers.etag).toBe(built.etag);
    expect(res.body).toBe(built.code);
  });

  it('answers 304 to a matching If-None-Match (weak or in a list), 200 otherwise', async () => {
    const { etag } = await buildPixel();
    for (const ifNoneMatch of [etag, `W/${etag}`, `"old", ${etag}`, '*']) {
      const res = await t.app.inject({ url: '/pixel.js', headers: { 'if-none-match': ifNoneMatch } });
      expect(res.statusCode).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.etag).toBe(etag);
    }
    expect((await t.app.inject({ url: '/pixel.js', headers: { 'if-none-match': '"stale"' } })).statusCode).toBe(200);
  });

  it('sends gzip with its own ETag when accepted', async () => {
    const built = await buildPixel();
    const res = await t.app.inject({ url: '/pixel.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toContain('Accept-Encoding');
    expect(res.headers.etag).not.toBe(built.etag);
    expect(gunzipSync(res.rawPayload).toString('utf8')).toBe(built.code);
    const again = await t.app.inject({ url: '/pixel.js', headers: { 'accept-encoding': 'gzip', 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });
});
