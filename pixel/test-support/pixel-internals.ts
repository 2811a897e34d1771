// The pixel's building blocks bundled for the browser and exposed as `window.__hubPixel`, so tests
// can call them in a real page (cookies and the registrable domain only exist in a real browser).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./pixel-internals-entry.ts', import.meta.url));

/** Script text to inject with `page.addScriptTag({ content })`. */
export async function buildPixelInternals(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    target: 'es2017',
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the pixel internals');
  return output.text;
}
