// Guards the sandbox's pixel read and broken tokens, which the connection check and its tests stand
// on: it must answer like Graph (the pixel's id and name; 190, 190/463, 200, 100/33, 803 with Graph's
// bodies), refuse the same tokens on the read and on POST /events, and leave faults to event requests.
import { afterEach, describe, expect, it } from 'vitest';
import { buildMetaSandbox, type MetaSandbox, type MetaSandboxOptions } from './build-meta-sandbox.ts';

const NOW_MS = Date.parse('2026-11-29T12:00:00.000Z');
const PIXEL = '1234567890';

let sandbox: MetaSandbox;
afterEach(async () => {
  await sandbox.app.close();
});

function build(options: MetaSandboxOptions = {}): MetaSandbox {
  sandbox = buildMetaSandbox({ now: () => NOW_MS, ...options });
  return sandbox;
}

function read(pixelId: string, token: string | null, fields = 'id,name') {
  const query = new URLSearchParams({ fields, ...(token === null ? {} : { access_token: token }) });
  return sandbox.app.inject({ method: 'GET', url: `/v24.0/${pixelId}?${query}` });
}

function postEvents(token: string) {
  const event = { event_name: 'PageView', event_time: NOW_MS / 1000 - 60, action_source: 'system_generated', user_data: { external_id: ['a'.repeat(64)] } };
  return sandbox.app.inject({ method: 'POST', url: `/v24.0/${PIXEL}/events`, payload: { data: [event], access_token: token } });
}

describe('Meta sandbox pixel read', () => {
  it('answers the pixel id and name for a working token, and counts reads apart from event requests', async () => {
    build({ knownPixelIds: [PIXEL], pixelNames: { [PIXEL]: 'Acme Cursos — Pixel' } });
    const response = await read(PIXEL, 'EAAB-good');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: PIXEL, name: 'Acme Cursos — Pixel' });
    expect(response.headers['x-fb-trace-id']).toMatch(/^\S{11}$/);
    expect((await read(PIXEL, 'EAAB-good', 'id')).json()).toEqual({ id: PIXEL });
    expect(sandbox.recorder.stats()).toMatchObject({ reads: 2, requests: 0 });
  });

  it('names any pixel when no pixel list is given', async () => {
    build();
    expect((await read('5550001112', 'EAAB-good')).json()).toEqual({ id: '5550001112', name: 'Sandbox pixel 5550001112' });
  });

  it.each([
    ['no token', null, 400, { code: 104, type: 'OAuthException' }],
    ['a token named invalid…', 'invalid-token', 400, { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }],
    ['a token named expired…', 'expired-token', 400, { code: 190, error_subcode: 463, message: expect.stringMatching(/^Error validating access token: Session has expired on .+\. The current time is .+\.$/) }],
    ['a token named noperm…', 'noperm-token', 403, { code: 200, message: '(#200) Missing Permission' }],
    ['a listed invalid token', 'EAAB-listed-invalid', 400, { code: 190 }],
    ['a listed expired token', 'EAAB-listed-expired', 400, { code: 190, error_subcode: 463 }],
    ['a listed unpermitted token', 'EAAB-listed-noperm', 403, { code: 200 }],
  ])('refuses %s like Graph, on the read and on POST /events', async (_label, token, status, error) => {
    build({ invalidTokens: ['EAAB-listed-invalid'], expiredTokens: ['EAAB-listed-expired'], unpermittedTokens: ['EAAB-listed-noperm'] });
    const response = await read(PIXEL, token);
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toMatchObject({ ...error, fbtrace_id: response.headers['x-fb-trace-id'] });
    if (token !== null) {
      const posted = await postEvents(token);
      expect(posted.statusCode).toBe(status);
      expect(posted.json().error).toMatchObject(error);
    }
    expect(sandbox.recorder.events()).toEqual([]);
  });

  it('answers 100/33 for a pixel the token cannot see, on the read and on POST /events', async () => {
    build({ knownPixelIds: ['999'] });
    const response = await read(PIXEL, 'EAAB-good');
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 100,
      error_subcode: 33,
      type: 'GraphMethodException',
      message: expect.stringMatching(/^Unsupported get request\. Object with ID '1234567890' does not exist/),
    });
    expect((await postEvents('EAAB-good')).json().error).toMatchObject({ code: 100, error_subcode: 33, message: expect.stringMatching(/^Unsupported post request/) });
  });

  it('answers 803 for an id that is not a number', async () => {
    build();
    const response = await read('my-pixel', 'EAAB-good');
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: 803, message: '(#803) Some of the aliases you requested do not exist: my-pixel' });
  });

  it('leaves faults to event requests: a read works at fault rate 1 and does not shift the seeded sequence', async () => {
    build({ faults: { rate: 1, modes: ['5xx'], seed: 1 } });
    expect((await read(PIXEL, 'EAAB-good')).statusCode).toBe(200);
    expect((await postEvents('EAAB-good')).statusCode).toBeGreaterThanOrEqual(500);
    expect(sandbox.recorder.stats()).toMatchObject({ reads: 1, requests: 1, faulted: 1 });
  });
});
