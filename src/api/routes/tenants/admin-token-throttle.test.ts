// Guards the admin token against guessing: wrong tokens from one address are cut off after 10 in 15
// minutes (429 with Retry-After, even for the right token from there), while the admin at another
// address is never slowed by them.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, buildTestApp, type TestApp } from '../../../../test/support/app.ts';
import { ADMIN_FAILURES_ALLOWED, ADMIN_FAILURE_WINDOW_MS } from '../../plugins/admin-token-guard.ts';

describe('admin token attempts per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const createTenant = (remoteAddress: string, token: string, name = 'Acme Cursos') =>
    t.app.inject({ method: 'POST', url: '/api/v1/tenants', remoteAddress, headers: { authorization: `Bearer ${token}` }, payload: { name } });

  it('answers 429 with Retry-After after 10 wrong tokens from one address, and never slows another address', async () => {
    const guesser = '203.0.113.7';
    for (let i = 0; i < ADMIN_FAILURES_ALLOWED; i++) {
      expect((await createTenant(guesser, `wrong-token-guess-${i}-0123456789`)).statusCode).toBe(401);
    }
    const throttled = await createTenant(guesser, 'wrong-token-guess-x-0123456789');
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['content-type']).toContain('application/problem+json');
    const retryAfter = Number(throttled.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(ADMIN_FAILURE_WINDOW_MS / 1000 - 60);
    expect(retryAfter).toBeLessThanOrEqual(ADMIN_FAILURE_WINDOW_MS / 1000);
    // The right token from the guessing address waits too: otherwise the 429 would not stop guessing.
    expect((await createTenant(guesser, ADMIN_TOKEN)).statusCode).toBe(429);
    // A guess with a body that fails validation is counted all the same (the token is checked first).
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/tenants', remoteAddress: guesser, payload: { name: 42 } })).statusCode).toBe(429);

    // The admin elsewhere is not affected, and right tokens never count as failures.
    for (let i = 0; i < ADMIN_FAILURES_ALLOWED + 2; i++) {
      expect((await createTenant('198.51.100.20', ADMIN_TOKEN, `Tenant ${i}`)).statusCode).toBe(201);
    }
    expect((await createTenant('198.51.100.20', 'one-wrong-token-0123456789')).statusCode).toBe(401);

    // After the window the guessing address may try again.
    const later = Date.now() + ADMIN_FAILURE_WINDOW_MS + 1_000;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    expect((await createTenant(guesser, ADMIN_TOKEN)).statusCode).toBe(201);
  });
});
