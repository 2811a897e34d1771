// Opens Redis, which shares rate limits and hot caches across API processes (HUB_REDIS_URL). The client
// connects on first use, reconnects forever with a capped backoff (Redis coming back heals the process
// without a restart), and fails a command fast while Redis is away, so callers fall back to their
// in-process behaviour instead of hanging a request.
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Logger } from './logger.ts';

export type { Redis };

export interface RedisClientOptions {
  logger?: Logger;
  /** Shown in Redis's CLIENT LIST, to tell the hub's connections apart. */
  name?: string;
  /** Prepended to every key, e.g. 'hub:rate:'. */
  keyPrefix?: string;
}

/** The client for HUB_REDIS_URL, or undefined when Redis is not configured (in-process mode). */
export function redisFromConfig(config: Pick<Config, 'redisUrl'>, options: RedisClientOptions = {}): Redis | undefined {
  return config.redisUrl ? createRedis(config.redisUrl, options) : undefined;
}

export function createRedis(url: string, options: RedisClientOptions = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: options.name ?? 'hub',
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    connectTimeout: 2_000,
    // The hub sends only short commands (no blocking pops), so a reply slower than this means trouble.
    commandTimeout: 2_000,
    // A command waits for at most one reconnect, then fails; the client keeps reconnecting in the background.
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(5_000, 100 * 2 ** Math.min(times, 6)),
  });
  let lastWarning = 0;
  redis.on('error', (err) => {
    // ioredis repeats the error on every reconnect attempt; one line every 30 s is enough.
    if (Date.now() - lastWarning < 30_000) return;
    lastWarning = Date.now();
    options.logger?.warn({ err }, 'Redis unavailable; reconnecting');
  });
  return redis;
}

/** Closes gracefully (pending replies first), or at once when Redis is unreachable. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'wait' || redis.status === 'end') {
    redis.disconnect();
    return;
  }
  // quit() answers on Redis's OK; the socket closes a moment later: wait for that too (bounded).
  const ended = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    redis.once('end', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  await redis.quit().catch(() => redis.disconnect());
  await ended;
}
