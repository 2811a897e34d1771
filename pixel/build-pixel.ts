// Builds the browser snippet served at GET /pixel.js: one dependency-free IIFE, minified, ES2017.
// Built once per process and kept in memory; the API serves `code` with `etag`.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface BuiltPixel {
  code: string;
  /** Strong ETag, quoted as the header wants it: a hash of the exact bytes of `code`. */
  etag: string;
  /** Size of `code` gzipped at level 9 — the budget is under 4 KiB. */
  gzipBytes: number;
}

const ENTRY = fileURLToPath(new URL('./src/main.ts', import.meta.url));

let cached: Promise<BuiltPixel> | undefined;

export function buildPixel(): Promise<BuiltPixel> {
  cached ??= compile().catch((error: unknown) => {
    cached = undefined; // a failed build is not cached: the next request tries again
    throw error;
  });
  return cached;
}

async function compile(): Promise<BuiltPixel> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2017',
    platform: 'browser',
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the pixel');
  const code = output.text;
  const hash = createHash('sha256').update(code).digest('base64url');
  return { code, etag: `"${hash}"`, gzipBytes: gzipSync(code, { level: 9 }).length };
}
