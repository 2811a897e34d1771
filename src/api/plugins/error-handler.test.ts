// Guards the last line of defence against hostile input: a value the schemas let through but the
// database refuses (SQLSTATE class 22) is answered 400 problem+json, never 500 (which pages operators
// and reports to Sentry), on both drivers; other database failures stay 500.
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, createTestStore, type TestStore } from '../../../test/support/databases.ts';
import { createLogger } from '../../lib/logger.ts';
import { registerErrorHandling, sqlDataException } from './error-handler.ts';

describe('sqlDataException', () => {
  it.each([
    [{ code: '22021' }, '22021'],
    [{ code: '22P05' }, '22P05'],
    [new Error('store failed', { cause: { code: '22008' } }), '22008'],
    [{ code: '23505' }, undefined],
    [{ code: '42P01' }, undefined],
    [{ code: 'FST_ERR_VALIDATION' }, undefined],
    [{ code: '220' }, undefined],
    [new Error('plain'), undefined],
    [null, undefined],
  ])('%o → %s', (error, expected) => {
    expect(sqlDataException(error)).toBe(expected);
  });
});

describe.each(STORE_KINDS)('a database refusal behind a request, on %s', (kind) => {
  let store: TestStore;
  let app: FastifyInstance;
  const logs: string[] = [];

  beforeAll(async () => {
    store = await createTestStore(kind, { migrate: false });
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs.push(chunk.toString());
        cb();
      },
    });
    app = Fastify({ loggerInstance: createLogger('info', sink) as FastifyBaseLogger });
    registerErrorHandling(app, 'en');
    app.get('/text', async (request) => {
      const { v } = request.query as { v: string };
      return (await sql<{ v: string }>`SELECT ${v}::text AS v`.execute(store.db)).rows[0];
    });
    app.get('/time', async (request) => {
      const { v } = request.query as { v: string };
      return (await sql<{ v: Date }>`SELECT ${v}::timestamptz AS v`.execute(store.db)).rows[0];
    });
    app.get('/wrapped', async () => {
      try {
        await sql`SELECT ${'a\u0000b'}::text`.execute(store.db);
      } catch (err) {
        throw new Error('saving the tenant failed', { cause: err });
      }
    });
    app.get('/missing-table', async () => sql`SELECT * FROM no_such_table`.execute(store.db));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.dispose();
  });

  it.each([
    ['a NUL in text (22021)', '/text?v=a%00b'],
    ['a year-0 time (22008)', '/time?v=0000-01-01T00:00:00Z'],
    ['a wrapped data exception', '/wrapped'],
  ])('answers 400 problem+json for %s, logged as a warning', async (_what, url) => {
    logs.length = 0;
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ type: 'https://hub.dev/problems/invalid-value', status: 400 });
    const lines = logs.map((l) => JSON.parse(l) as { level: number; msg: string; sqlState?: string });
    expect(lines.some((l) => l.level === 40 && /^22/.test(l.sqlState ?? ''))).toBe(true);
    expect(lines.some((l) => l.level >= 50)).toBe(false);
  });

  it('still answers 500 for a database failure that is not about the value', async () => {
    const res = await app.inject({ url: '/missing-table' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ type: 'https://hub.dev/problems/internal' });
  });
});
