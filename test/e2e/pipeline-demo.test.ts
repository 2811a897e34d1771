// Guards the first-run promise: `hub demo` shows a click and a signed Hotmart purchase reaching the
// Meta sandbox with nothing configured, and leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('hub demo', () => {
  it('runs the whole flow on a temporary database and ends with "received by Meta sandbox"', () => {
    const run = spawnSync(process.execPath, ['bin/hub.mjs', 'demo', '--timeout', '60'], {
      env: { ...process.env, HUB_LOG_LEVEL: 'warn', HUB_DATABASE_URL: '', HUB_LOCALE: 'en' },
      encoding: 'utf8',
      timeout: 150_000,
    });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/matched\s+passthrough/);
    expect(run.stdout).toMatch(/attempt\s+HTTP 200, events_received 1/);
    expect(run.stdout).toMatch(/received by Meta sandbox: Purchase event_id \S+, value 197 BRL, fbc fb\.1\.\d+\.IwAR/);
    // The connection's test code goes on the test event only; the Purchase above went live without it.
    expect(run.stdout).toMatch(/test event: POST \/api\/v1\/connections\/meta\/test → accepted, PageView with test code TEST-DEMO/);
    const dataDir = /embedded database in (\S+)/.exec(run.stdout)?.[1];
    expect(dataDir && existsSync(dataDir)).toBe(false);
  }, 180_000);
});
