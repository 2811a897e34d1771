// Risk: the snippet served to every landing page grows past its budget, or stops being one
// self-contained script (an import/require would fail in the browser).
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildPixel } from './build-pixel.ts';

describe('buildPixel', () => {
  it('builds one self-contained, minified script', async () => {
    const { code } = await buildPixel();
    expect(code.length).toBeGreaterThan(1000);
    expect(code).not.toMatch(/\bimport\s*[(\w{*"']|\brequire\s*\(|\bexport\s/);
    expect(code).not.toMatch(/\n./); // minified: one line
    expect(code.startsWith('"use strict";(()=>{')).toBe(true); // an IIFE: no globals but window.hub
  });

  it('stays under 4 KiB gzipped (level 9)', async () => {
    const { code, gzipBytes } = await buildPixel();
    expect(gzipBytes).toBe(gzipSync(code, { level: 9 }).length);
    console.log(`pixel.js: ${code.length} bytes minified, ${gzipBytes} bytes gzipped (budget 4096)`);
    expect(gzipBytes).toBeLessThan(4096);
  });

  it('is built once per process, with a strong ETag of its bytes', async () => {
    const first = await buildPixel();
    expect(await buildPixel()).toBe(first);
    expect(first.etag).toMatch(/^"[\w-]{43}"$/);
  });
});
