// The configuration the pipeline benchmark's child processes run with: the bench database and Meta
// sandbox, the queue driver from HUB_QUEUE (db or sqs), no rate limit in the way.
import { testConfig, type Config } from '../../src/config.ts';

export function benchConfig(): Config {
  const databaseUrl = process.env.HUB_BENCH_DATABASE_URL;
  if (!databaseUrl) throw new Error('HUB_BENCH_DATABASE_URL is required');
  return testConfig({
    databaseUrl,
    logLevel: 'warn',
    rateLimitPerMinute: 1_000_000_000,
    metaGraphUrl: process.env.HUB_BENCH_GRAPH_URL ?? 'http://127.0.0.1:9',
    queue: process.env.HUB_QUEUE === 'sqs' ? 'sqs' : 'db',
    sqsQueuePrefix: process.env.HUB_SQS_QUEUE_PREFIX ?? 'bench-',
  });
}
