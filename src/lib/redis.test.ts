// Guards the Redis client the API processes share limits through, against the Redis server on this
// machine: it connects only when used, two clients see one state, and a Redis that is down fails a
// command quickly instead of hanging the request that asked.
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeRedis, createRedis, redisFromConfig } from './redis.ts';

const REDIS_URL = process.env.HUB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('redis client', () => {
  it('is absent without HUB_REDIS_URL', () => {
    expect(redisFromConfig({ redisUrl: undefined })).toBeUndefined();
  });

  it('connects on first use and shares state between clients (as between API processes)', async () => {
    const keyPrefix = `hub:test:${randomBytes(4).toString('hex')}:`;
    const a = createRedis(REDIS_URL, { keyPrefix, name: 'hub-test-a' });
    const b = redisFromConfig({ redisUrl: REDIS_URL }, { keyPrefix, name: 'hub-test-b' })!;
    try {
      expect(a.status).toBe('wait');
      expect(await a.incr('limit')).toBe(1);
      expect(await b.incr('limit')).toBe(2);
      expect(a.status).toBe('ready');
      await a.del('limit');
    } finally {
      await closeRedis(a);
      await closeRedis(b);
    }
    expect(a.status).toBe('end');
  });

  it('fails a command within seconds while Redis is unreachable, and closes cleanly', async () => {
    const redis = createRedis(`redis://127.0.0.1:${await closedPort()}`);
    try {
      const started = Date.now();
      await expect(redis.get('k')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await closeRedis(redis);
    }
  });

  it('closes a client that never connected', async () => {
    const redis = createRedis(REDIS_URL);
    await closeRedis(redis);
    expect(redis.status).toBe('end');
  });
});
