// The one typed configuration. Parsed once at boot (src/bin); nothing else reads process.env.
import { isIP } from 'node:net';
import { z } from 'zod';
import { LOCALES, type Locale } from './i18n/locale.ts';


const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
  message: 'expected one of fatal, error, warn, info, debug, trace, silent',
});

/** A 32-byte key given as 64 hex characters or base64. */
const encryptionKey = z
  .string()
  .transform((v, ctx) => {
    const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
    if (key.length !== 32) {
      ctx.addIssue({ code: 'custom', message: 'expected 32 bytes as 64 hex characters or base64' });
      return z.NEVER;
    }
    return key;
  });

/** Comma-separated IPs or CIDRs (e.g. "10.0.0.0/8,127.0.0.1"). */
const proxyList = z.string().transform((v, ctx) => {
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    const [addr, bits] = item.split('/');
    const family = isIP(addr ?? '');
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!family || !bitsOk) {
      ctx.addIssue({ code: 'custom', message: `expected IPs or CIDRs separated by commas, got "${item}"` });
      return z.NEVER;
    }
  }
  return items;
});

const databaseUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'expected a postgres:// URL' });

export const configSchema = z
  .object({
    HUB_PORT: z.coerce.number({ message: 'expected a port number 0-65535' }).int().min(0).max(65535, 'expected a port number 0-65535').default(8080),
    HUB_HOST: z.string().default('0.0.0.0'),
    HUB_DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), databaseUrl.optional()),
    HUB_DATA_DIR: z.string().min(1).default('./.hub'),
    HUB_ADMIN_TOKEN: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().min(16, 'expected at least 16 characters').optional(),
    ),
    HUB_ENCRYPTION_KEY: z.preprocess((v) => (v === '' ? undefined : v), encryptionKey.optional()),
    HUB_META_GRAPH_URL: z.url({ message: 'expected an http(s) URL' }).default('https://graph.facebook.com'),
    HUB_PUBLIC_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional()),
    HUB_TRUSTED_PROXIES: proxyList.default([]),
    HUB_LOG_LEVEL: logLevel.default('info'),
    HUB_LOCALE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(LOCALES, { message: 'expected pt-BR or en' }).default('en')),
    HUB_QUEUE: z.enum(['db', 'sqs'], { message: 'expected db or sqs' }).default('db'),
    HUB_EVIDENCE: z.enum(['db', 's3'], { message: 'expected db or s3' }).default('db'),
    // AWS region, credentials and endpoints (AWS_REGION, AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_S3, …) are read by
    // the AWS SDK itself from its standard variables; only the hub's own names live here.
    HUB_SQS_QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{0,40}$/, 'expected up to 40 letters, digits, hyphens or underscores')
      .default('hub-'),
    HUB_S3_BUCKET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(3, 'expected an S3 bucket name').optional()),
    HUB_S3_PREFIX: z.string().default(''),
    HUB_S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], { message: 'expected true or false' }).default('false'),
    HUB_REDIS_URL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().refine((v) => /^rediss?:\/\//.test(v), { message: 'expected a redis:// URL' }).optional(),
    ),
    HUB_RATE_LIMIT_PER_MINUTE: z.coerce.number({ message: 'expected a positive whole number' }).int().positive().default(600),
    HUB_WEBHOOK_REJECTION_RETENTION_DAYS: z.coerce.number({ message: 'expected a whole number of days (at least 1)' }).int().min(1, 'expected a whole number of days (at least 1)').default(30),
    HUB_SHUTDOWN_TIMEOUT_MS: z.coerce.number({ message: 'expected milliseconds' }).int().positive().default(10_000),
    HUB_METRICS_PORT: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.coerce.number({ message: 'expected a port number 0-65535' }).int().min(0).max(65535, 'expected a port number 0-65535').optional(),
    ),
    // Tenant alerts (docs/operations.md): the webhook for tenants without their own, how often to evaluate.
    HUB_ALERT_WEBHOOK_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional()),
    HUB_ALERT_INTERVAL_MS: z.coerce.number({ message: 'expected milliseconds (at least 1000)' }).int().min(1000, 'expected milliseconds (at least 1000)').default(60_000),
    // The standard OpenTelemetry and Sentry names, so existing deployment tooling sets them as usual.
    OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional()),
    SENTRY_DSN: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/, message: 'expected a Sentry DSN URL' }).optional()),
  })
  .superRefine((c, ctx) => {
    // A key file only works on one machine; a shared database needs a shared key.
    if (c.HUB_DATABASE_URL && !c.HUB_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['HUB_ENCRYPTION_KEY'],
        message: 'required when HUB_DATABASE_URL is set (32 bytes as 64 hex characters or base64; e.g. `openssl rand -hex 32`)',
      });
    }
    // Webhook URLs and pixel tags are built from it; without it they would come from each request's Host
    // header, which any client sets. Embedded mode may go without (a local trial): README, "Deploying".
    if (c.HUB_DATABASE_URL && !c.HUB_PUBLIC_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['HUB_PUBLIC_URL'],
        message: 'required when HUB_DATABASE_URL is set: the public https:// address gateways and browsers reach the hub at (e.g. https://hub.example.com)',
      });
    }
    if (c.HUB_EVIDENCE === 's3' && !c.HUB_S3_BUCKET) {
      ctx.addIssue({ code: 'custom', path: ['HUB_S3_BUCKET'], message: 'required when HUB_EVIDENCE=s3' });
    }
  });

type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  adminToken: string | undefined;
  encryptionKey: Buffer | undefined;
  metaGraphUrl: string;
  publicUrl: string | undefined;
  trustedProxies: string[];
  logLevel: z.infer<typeof logLevel>;
  /** The language of API error details when the request has no Accept-Language, and of the CLI. */
  locale: Locale;
  queue: 'db' | 'sqs';
  evidence: 'db' | 's3';
  sqsQueuePrefix: string;
  s3Bucket: string | undefined;
  /** Key prefix inside the bucket, '' or ending in '/'. */
  s3Prefix: string;
  s3ForcePathStyle: boolean;
  redisUrl: string | undefined;
  rateLimitPerMinute: number;
  /** How long rows of webhook_rejections are kept (deleted by the API processes, in batches). */
  webhookRejectionRetentionDays: number;
  shutdownTimeoutMs: number;
  /** Where every process (API and workers) serves /metrics; never on the API port. Unset: not served. */
  metricsPort: number | undefined;
  /** OTLP/HTTP base URL; traces are exported to `<otelEndpoint>/v1/traces` when set. */
  otelEndpoint: string | undefined;
  /** Errors go to Sentry when set. */
  sentryDsn: string | undefined;
  /** Where alerts go for tenants without their own alert webhook (tenant settings `alertWebhookUrl`). */
  alertWebhookUrl: string | undefined;
  /** How often the workers evaluate the alert rules. */
  alertIntervalMs: number;
}

export interface ConfigError {
  variable: string;
  message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: ConfigError[] };

export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      })),
    };
  }
  return { ok: true, config: toConfig(parsed.data) };
}

function toConfig(raw: RawConfig): Config {
  return {
    port: raw.HUB_PORT,
    host: raw.HUB_HOST,
    databaseUrl: raw.HUB_DATABASE_URL,
    dataDir: raw.HUB_DATA_DIR,
    adminToken: raw.HUB_ADMIN_TOKEN,
    encryptionKey: raw.HUB_ENCRYPTION_KEY,
    metaGraphUrl: raw.HUB_META_GRAPH_URL.replace(/\/+$/, ''),
    publicUrl: raw.HUB_PUBLIC_URL?.replace(/\/+$/, ''),
    trustedProxies: raw.HUB_TRUSTED_PROXIES,
    logLevel: raw.HUB_LOG_LEVEL,
    locale: raw.HUB_LOCALE,
    queue: raw.HUB_QUEUE,
    evidence: raw.HUB_EVIDENCE,
    sqsQueuePrefix: raw.HUB_SQS_QUEUE_PREFIX,
    s3Bucket: raw.HUB_S3_BUCKET,
    s3Prefix: raw.HUB_S3_PREFIX.replace(/^\/+/, '').replace(/([^/])$/, '$1/'),
    s3ForcePathStyle: raw.HUB_S3_FORCE_PATH_STYLE === 'true',
    redisUrl: raw.HUB_REDIS_URL,
    rateLimitPerMinute: raw.HUB_RATE_LIMIT_PER_MINUTE,
    webhookRejectionRetentionDays: raw.HUB_WEBHOOK_REJECTION_RETENTION_DAYS,
    shutdownTimeoutMs: raw.HUB_SHUTDOWN_TIMEOUT_MS,
    metricsPort: raw.HUB_METRICS_PORT,
    otelEndpoint: raw.OTEL_EXPORTER_OTLP_ENDPOINT,
    sentryDsn: raw.SENTRY_DSN,
    alertWebhookUrl: raw.HUB_ALERT_WEBHOOK_URL,
    alertIntervalMs: raw.HUB_ALERT_INTERVAL_MS,
  };
}

/** Config for tests and tools: defaults plus overrides, without reading the environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const result = parseConfig({});
  if (!result.ok) throw new Error('default config must parse');
  return { ...result.config, encryptionKey: Buffer.alloc(32, 7), ...overrides };
}
