// Guards the alert promise end to end: while Meta fails every request, a paid sale that is not accepted
// within 15 minutes raises an alert that reaches the tenant's webhook (a local HTTP receiver); once Meta
// recovers and the sale is delivered, the alert resolves and the receiver hears that too. The
// evaluator runs on an injected clock: "15 minutes later" is a pass with the clock moved, not a wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/databases.ts';
import { bearer } from '../support/app.ts';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver.ts';
import { alertsWorkerDeps, runAlertsPass } from '../../src/workers/alerts/index.ts';
import { sale, startPipeline, waitFor, type Pipeline } from './pipeline-harness.ts';

const MIN = 60_000;

describe.each(STORE_KINDS)('alerts on %s: a forced delivery failure', (kind) => {
  let p: Pipeline;
  let receiver: AlertReceiver;
  beforeAll(async () => {
    receiver = await startAlertReceiver();
    p = await startPipeline(kind, { faults: { rate: 1, modes: ['5xx'] } });
  });
  afterAll(async () => {
    await p?.close();
    await receiver?.close();
  });

  it('raises an alert at the webhook and resolves it after Meta recovers', async () => {
    const settings = await p.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: bearer(p.tenant.secretKey), payload: { alertWebhookUrl: receiver.url } });
    expect(settings.statusCode).toBe(200);
    const { store, box, metrics } = p.t.deps;
    let clock = new Date();
    const evaluator = alertsWorkerDeps({ store, box, metrics, graphUrl: p.sandbox.url, now: () => clock });
    const purchase = () =>
      store.db.selectFrom('capi_events').select(['status', 'attempts']).where('tenant_id', '=', p.tenant.id).where('event_name', '=', 'Purchase').executeTakeFirst();

    const click = await p.click('IwARalertsClick1');
    await p.deliver('hotmart', sale('hotmart', 1, click.sck));
    await waitFor('Meta refusing the purchase', async () => ((await purchase())?.attempts ?? 0) >= 2);
    expect((await purchase())!.status).toBe('pending');

    // Within the bound nothing is raised.
    expect(await runAlertsPass(evaluator)).toMatchObject({ evaluated: true, opened: 0 });
    expect(receiver.received).toEqual([]);

    // 16 minutes after the sale arrived, still not at Meta.
    clock = new Date(Date.now() + 16 * MIN);
    expect(await runAlertsPass(evaluator)).toMatchObject({ opened: 1, notified: 1 });
    expect(receiver.received).toHaveLength(1);
    const opened = receiver.received[0] as { text: string; alert: Record<string, unknown> };
    expect(opened.alert).toMatchObject({ rule: 'sale_not_delivered', state: 'open', tenantId: p.tenant.id, subject: 'meta', resolvedAt: null, details: { count: 1, boundMinutes: 15 } });
    expect(opened.text).toMatch(/^🔴 Hub alert — E2E Cursos: paid sales not accepted by Meta in time\./);
    expect(JSON.stringify(opened)).not.toMatch(/buyer\.1@example\.com|99999-8888|Souza/i);
    expect(await metrics.registry.getSingleMetricAsString('hub_alerts_open')).toMatch(/hub_alerts_open\{rule="sale_not_delivered"\} 1/);

    // Another pass while it is still late: the same alert, nothing posted again.
    clock = new Date(clock.getTime() + MIN);
    expect(await runAlertsPass(evaluator)).toMatchObject({ opened: 0, notified: 0 });

    // Meta recovers; the dispatcher's next retry delivers the sale.
    p.sandbox.setFaults({ rate: 0, modes: [] });
    await waitFor('the purchase at Meta', async () => (await purchase())?.status === 'sent');
    expect(p.sandbox.recorder.events().filter((e) => e.eventName === 'Purchase')).toHaveLength(1);

    clock = new Date(clock.getTime() + MIN);
    expect(await runAlertsPass(evaluator)).toMatchObject({ resolved: 1, notified: 1 });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]).toMatchObject({
      text: expect.stringMatching(/^✅ Resolved — E2E Cursos: paid sales not accepted by Meta in time \(open since /),
      alert: { id: opened.alert.id, rule: 'sale_not_delivered', state: 'resolved', resolvedAt: clock.toISOString() },
    });
    expect(await metrics.registry.getSingleMetricAsString('hub_alerts_open')).toMatch(/hub_alerts_open\{rule="sale_not_delivered"\} 0/);

    const listed = await p.app.inject({ method: 'GET', url: '/api/v1/alerts?state=resolved', headers: bearer(p.tenant.secretKey) });
    expect(listed.json().data).toMatchObject([{ id: opened.alert.id, rule: 'sale_not_delivered', state: 'resolved', notifiedAt: clock.toISOString() }]);
  }, 90_000);
});
