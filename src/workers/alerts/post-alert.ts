// Posts one alert to a webhook: JSON with a Slack-compatible `text` (what Slack's incoming webhooks
// show) and the alert itself for machines. A 2xx is delivered; anything else, a timeout or a network
// error is not, and the alert stays owed until the next evaluation. Redirects are not followed: the
// configured URL is the only place alerts go.
import type { AlertDetails } from '../../domain/alerts/index.ts';

export interface AlertPayload {
  text: string;
  alert: {
    id: string;
    rule: string;
    state: 'open' | 'resolved';
    tenantId: string;
    subject: string;
    openedAt: string;
    resolvedAt: string | null;
    details: AlertDetails;
  };
}

export type PostOutcome = { ok: true; status: number } | { ok: false; reason: string };

export async function postAlert(
  url: string,
  payload: AlertPayload,
  options: { timeoutMs: number; signal?: AbortSignal; fetchImpl?: typeof fetch },
): Promise<PostOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await (options.fetchImpl ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'hub-alerts/1' },
      body: JSON.stringify(payload),
      redirect: 'manual',
      signal: options.signal ? AbortSignal.any([timeout, options.signal]) : timeout,
    });
    // The answer is not read for anything but its status; drain it so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, reason: `HTTP ${response.status}` };
  } catch (err) {
    const error = err as Error;
    return { ok: false, reason: error.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : `${error.name}: ${error.message}` };
  }
}
