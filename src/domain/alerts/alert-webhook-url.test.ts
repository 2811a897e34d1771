// Guards where alerts may be posted: https anywhere, http only to this machine, nothing else.
import { describe, expect, it } from 'vitest';
import { isAllowedAlertWebhookUrl, readAlertWebhookUrl } from './alert-webhook-url.ts';

describe('alert webhook URLs', () => {
  it.each([
    ['https://hooks.slack.com/services/T0/B0/x', true],
    ['https://alerts.minhaloja.com.br/hub', true],
    ['http://localhost:9000/hook', true],
    ['http://127.0.0.1:9000/hook', true],
    ['http://[::1]:9000/hook', true],
    ['http://alerts.minhaloja.com.br/hub', false],
    ['http://10.0.0.5/hook', false],
    ['https://user:pass@example.com/hook', false],
    ['ftp://example.com/hook', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedAlertWebhookUrl(url)).toBe(allowed);
  });

  it('reads the tenant setting, ignoring an invalid stored value', () => {
    expect(readAlertWebhookUrl({ alertWebhookUrl: 'https://example.com/h' })).toBe('https://example.com/h');
    expect(readAlertWebhookUrl({ alertWebhookUrl: 'http://example.com/h' })).toBeNull();
    expect(readAlertWebhookUrl({})).toBeNull();
    expect(readAlertWebhookUrl(null)).toBeNull();
  });
});
