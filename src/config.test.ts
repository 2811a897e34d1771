// Guards the configuration rules: defaults, one clear error per bad variable, secrets parsed right.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';

describe('parseConfig', () => {
  it('has working defaults for the embedded mode', () => {
    const r = parseConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      port: 8080,
      databaseUrl: undefined,
      dataDir: './.hub',
      metaGraphUrl: 'https://graph.facebook.com',
      trustedProxies: [],
      logLevel: 'info',
      queue: 'db',
    });
  });

  it.each([
    [{ HUB_PORT: 'abc' }, 'HUB_PORT', 'port number'],
    [{ HUB_PORT: '70000' }, 'HUB_PORT', 'port number'],
    [{ HUB_DATABASE_URL: 'mysql://x' }, 'HUB_DATABASE_URL', 'postgres://'],
    [{ HUB_DATABASE_URL: 'postgres://localhost/hub' }, 'HUB_ENCRYPTION_KEY', 'required when HUB_DATABASE_URL'],
    [{ HUB_DATABASE_URL: 'postgres://localhost/hub', HUB_ENCRYPTION_KEY: 'ab'.repeat(32) }, 'HUB_PUBLIC_URL', 'required when HUB_DATABASE_URL'],
    [{ HUB_PUBLIC_URL: 'javascript:alert(1)' }, 'HUB_PUBLIC_URL', 'http(s) URL'],
    [{ HUB_ENCRYPTION_KEY: 'short' }, 'HUB_ENCRYPTION_KEY', '32 bytes'],
    [{ HUB_ADMIN_TOKEN: 'tiny' }, 'HUB_ADMIN_TOKEN', '16 characters'],
    [{ HUB_META_GRAPH_URL: 'not a url' }, 'HUB_META_GRAPH_URL', 'URL'],
    [{ HUB_TRUSTED_PROXIES: '10.0.0.0/8,banana' }, 'HUB_TRUSTED_PROXIES', 'banana'],
    [{ HUB_LOG_LEVEL: 'loud' }, 'HUB_LOG_LEVEL', 'expected one of'],
    [{ HUB_QUEUE: 'kafka' }, 'HUB_QUEUE', 'db or sqs'],
    [{ HUB_METRICS_PORT: 'nine' }, 'HUB_METRICS_PORT', 'port number'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT', 'URL'],
    [{ SENTRY_DSN: 'not a dsn' }, 'SENTRY_DSN', 'DSN'],
    [{ HUB_ALERT_WEBHOOK_URL: 'hooks.slack.com/services/x' }, 'HUB_ALERT_WEBHOOK_URL', 'URL'],
    [{ HUB_ALERT_WEBHOOK_URL: 'ftp://example.com/hook' }, 'HUB_ALERT_WEBHOOK_URL', 'URL'],
    [{ HUB_ALERT_INTERVAL_MS: '500' }, 'HUB_ALERT_INTERVAL_MS', 'at least 1000'],
    [{ HUB_ALERT_INTERVAL_MS: 'often' }, 'HUB_ALERT_INTERVAL_MS', 'milliseconds'],
  ])('rejects %o naming %s', (env, variable, fragment) => {
    const r = parseConfig(env);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]?.variable).toBe(variable);
    expect(r.errors[0]?.message).toContain(fragment);
  });

  it('leaves tracing, error reporting and the worker metrics port off unless set', () => {
    const off = parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '', SENTRY_DSN: '', HUB_METRICS_PORT: '' });
    expect(off.ok && [off.config.otelEndpoint, off.config.sentryDsn, off.config.metricsPort]).toEqual([undefined, undefined, undefined]);
    const on = parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', SENTRY_DSN: 'https://key@o1.ingest.sentry.io/2', HUB_METRICS_PORT: '9464' });
    expect(on.ok && [on.config.otelEndpoint, on.config.sentryDsn, on.config.metricsPort]).toEqual(['http://collector:4318', 'https://key@o1.ingest.sentry.io/2', 9464]);
  });

  it('evaluates alerts every minute with no fallback webhook unless set', () => {
    const off = parseConfig({ HUB_ALERT_WEBHOOK_URL: '' });
    expect(off.ok && [off.config.alertWebhookUrl, off.config.alertIntervalMs]).toEqual([undefined, 60_000]);
    const on = parseConfig({ HUB_ALERT_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/x', HUB_ALERT_INTERVAL_MS: '15000' });
    expect(on.ok && [on.config.alertWebhookUrl, on.config.alertIntervalMs]).toEqual(['https://hooks.slack.com/services/T0/B0/x', 15_000]);
  });

  it('runs on PostgreSQL only with a public URL (never the Host header), and embedded mode without one', () => {
    const postgres = { HUB_DATABASE_URL: 'postgres://localhost/hub', HUB_ENCRYPTION_KEY: 'ab'.repeat(32) };
    const r = parseConfig({ ...postgres, HUB_PUBLIC_URL: 'https://hub.example.com/' });
    expect(r.ok && [r.config.databaseUrl, r.config.publicUrl]).toEqual(['postgres://localhost/hub', 'https://hub.example.com']);
    expect(parseConfig({ ...postgres, HUB_PUBLIC_URL: '' }).ok).toBe(false);
    const embedded = parseConfig({});
    expect(embedded.ok && embedded.config.publicUrl).toBeUndefined();
  });

  it('accepts keys in hex and base64, proxies as IPs and CIDRs', () => {
    const hex = 'ab'.repeat(32);
    const r = parseConfig({ HUB_ENCRYPTION_KEY: hex, HUB_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1' });
    expect(r.ok && r.config.encryptionKey?.length).toBe(32);
    expect(r.ok && r.config.trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    const b64 = parseConfig({ HUB_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') });
    expect(b64.ok && b64.config.encryptionKey?.length).toBe(32);
  });
});

describe('the hub command with bad configuration', () => {
  it('exits 2 with one line naming the variable, never a stack trace', () => {
    const run = spawnSync(process.execPath, ['bin/hub.mjs', 'start'], {
      env: { ...process.env, HUB_PORT: 'eighty', HUB_DATA_DIR: '/tmp/never-used' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('hub: invalid configuration: HUB_PORT: expected a port number 0-65535');
    expect(run.stderr).not.toContain('    at ');
  });
});
