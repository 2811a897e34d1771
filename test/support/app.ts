// Builds the real app on a fresh database with logs captured in memory (so tests can prove what is
// never logged).
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import type { AppDeps } from '../../src/api/deps.ts';
import { testConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { createSecretBox } from '../../src/lib/secret-box.ts';
import { createDbQueue } from '../../src/queue/db-queue.ts';
import { createIngestWriter } from '../../src/api/ingest/ingest-writer.ts';
import { createDbEvidenceStore } from '../../src/evidence/index.ts';
import { createTestStore, type StoreKind, type TestStore } from './databases.ts';

export interface TestApp {
  app: FastifyInstance;
  store: TestStore;
  deps: AppDeps;
  logs: string[];
  close(): Promise<void>;
}

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

export async function buildTestApp(
  options: { kind?: StoreKind; config?: Partial<Config>; store?: TestStore; extendDeps?: (deps: AppDeps) => AppDeps } = {},
): Promise<TestApp> {
  const store = options.store ?? (await createTestStore(options.kind ?? 'pglite'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const config = testConfig({ adminToken: ADMIN_TOKEN, logLevel: 'trace', ...options.config });
  const queue = createDbQueue(store.db);
  let deps: AppDeps = {
    config,
    store,
    box: createSecretBox(config.encryptionKey!),
    queue,
    evidence: createDbEvidenceStore(),
    ingest: createIngestWriter(store, queue),
    metrics: createMetrics(),
    logger: createLogger(config.logLevel, sink),
    lifecycle: { draining: false },
  };
  if (options.extendDeps) deps = options.extendDeps(deps);
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    store,
    deps,
    logs,
    async close() {
      await app.close();
      if (!options.store) await store.dispose();
    },
  };
}

export async function createTenantViaApi(app: FastifyInstance, name = 'Acme Cursos') {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/tenants',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { name },
  });
  if (res.statusCode !== 201) throw new Error(`tenant creation failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; name: string; secretKey: string; publicKey: string };
}

export function bearer(key: string) {
  return { authorization: `Bearer ${key}` };
}
