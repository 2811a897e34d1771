// One test event to the tenant's pixel with a test event code (the one given, else the connection's),
// so the seller sees it arrive in Events Manager → Test events, and Meta's answer back. The only
// place the hub sends a test code: live events never carry one (workers/dispatch/meta-target.ts).
// Meta does not drop test events ("They flow into Events Manager and are used for targeting and ads
// measurement purposes", docs/meta-connection.md), so the default is a PageView, a Purchase is
// worth R$ 0,00, and the event is marked system_generated: it did not happen in a browser.
// Sent through the same path as live events (buildServerEvent → sendEvents).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { OperationContext } from '../context.ts';
import { nowOf } from '../context.ts';
import { fail, fieldErrors, ok, type Outcome } from '../outcome.ts';
import type { Message } from '../../i18n/index.ts';
import { DEFAULT_GRAPH_API_VERSION, buildServerEvent, sendEvents, type SendResult } from '../../domain/meta/index.ts';
import { findTenant } from '../../store/tenants.ts';
import { getConnection, markConnectionWorking, openMetaConnection } from '../../store/connections.ts';
import { META_CHECK_TIMEOUT_MS } from './connect-meta.ts';
import { TEST_EVENT_NAMES, type TestEventName } from './test-event-names.ts';

export { TEST_EVENT_NAMES, type TestEventName } from './test-event-names.ts';


export const metaTestInput = z.object({
  testEventCode: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe("Test code from Events Manager → your pixel → Test events (default: the connection's)")
    .meta({ example: 'TEST12345' }),
  eventName: z.enum(TEST_EVENT_NAMES).optional().describe('Which event to send (default PageView; a test Purchase is worth 0.00 BRL)').meta({ example: 'PageView' }),
});
export type MetaTestInput = z.input<typeof metaTestInput>;

export interface MetaTestResult {
  /** accepted: Meta took it; refused: Meta said no (token, pixel or event); no_answer: timeout, network, Meta down. */
  result: 'accepted' | 'refused' | 'no_answer';
  pixelId: string;
  testEventCode: string;
  eventName: TestEventName;
  eventId: string;
  httpStatus: number | null;
  eventsReceived: number | null;
  fbtraceId: string | null;
  messages: string[];
  error: { code: number | null; subcode: number | null; message: string | null } | null;
  summary: Message;
  fix: Message | null;
}

export async function sendMetaTestEventOperation(ctx: OperationContext, tenantId: string, input: unknown): Promise<Outcome<MetaTestResult>> {
  const parsed = metaTestInput.safeParse(input ?? {});
  if (!parsed.success) return fail('invalid', 'validation-error', 'problem.validation', undefined, fieldErrors(parsed.error.issues));
  if (!(await findTenant(ctx.store.db, tenantId))) return fail('not_found', 'not-found', 'problem.noSuchTenant');

  const connection = await getConnection(ctx.store.db, tenantId, 'meta');
  if (!connection) return fail('conflict', 'meta-not-connected', 'meta.notConnected');
  const opened = openMetaConnection(ctx.box, connection);
  if (!opened.ok) return fail('conflict', 'meta-connection-unreadable', 'meta.tokenUnreadable', { problem: opened.problem });
  const target = opened.value;
  const testEventCode = parsed.data.testEventCode ?? target.testEventCode;
  if (!testEventCode) return fail('invalid', 'test-event-code-required', 'meta.testCodeRequired');

  const eventName = parsed.data.eventName ?? 'PageView';
  const now = nowOf(ctx);
  const eventId = `hub-test-${randomUUID()}`;
  const built = buildServerEvent(
    {
      eventName,
      eventTime: now,
      eventId,
      actionSource: 'system_generated',
      // Hashed like any external_id; names the tenant so the seller can tell it from real traffic.
      user: { externalId: `hub-test-event:${tenantId}` },
      custom: eventName === 'Purchase' ? { value: '0.00', currency: 'BRL' } : null,
    },
    now,
  );
  // The event is the hub's own; failing to build it is a bug, not the seller's input.
  if (!built.ok) throw new Error(`the hub's test event could not be built: ${built.reason}`);

  const graphUrl = ctx.config.metaGraphUrl;
  const sent = await sendEvents({
    graphUrl,
    apiVersion: target.graphApiVersion ?? DEFAULT_GRAPH_API_VERSION,
    pixelId: target.pixelId,
    accessToken: target.accessToken,
    testEventCode,
    events: [built.event],
    timeoutMs: META_CHECK_TIMEOUT_MS,
    ...(ctx.fetch ? { fetchImpl: ctx.fetch } : {}),
  });
  // Meta's yes proves the stored token works, whatever the earlier check could not tell.
  if (sent.outcome.kind === 'ok') await markConnectionWorking(ctx.store.db, tenantId, 'meta', target.secretCiphertext, ['unverified', 'unhealthy']);
  ctx.logger?.info({ tenantId, pixelId: target.pixelId, outcome: sent.outcome.kind, httpStatus: sent.httpStatus, fbtraceId: sent.fbtraceId }, 'Meta test event sent');

  return ok({
    ...judge(sent, { eventName, eventId, testEventCode, graphUrl }),
    pixelId: target.pixelId,
    testEventCode,
    eventName,
    eventId,
    httpStatus: sent.httpStatus,
    eventsReceived: sent.outcome.kind === 'ok' ? sent.outcome.eventsReceived : null,
    fbtraceId: sent.fbtraceId,
    messages: sent.messages ?? [],
    error: sent.outcome.kind === 'ok' || sent.httpStatus === null ? null : { code: sent.errorCode, subcode: sent.errorSubcode, message: sent.errorMessage },
  });
}

function judge(
  sent: SendResult,
  facts: { eventName: string; eventId: string; testEventCode: string; graphUrl: string },
): Pick<MetaTestResult, 'result' | 'summary' | 'fix'> {
  const outcome = sent.outcome;
  switch (outcome.kind) {
    case 'ok':
      return {
        result: 'accepted',
        summary: { key: 'meta.testAccepted', params: { eventsReceived: outcome.eventsReceived, eventName: facts.eventName, eventId: facts.eventId, testEventCode: facts.testEventCode } },
        fix: null,
      };
    case 'invalid_token':
      return { result: 'refused', summary: { key: 'meta.testTokenRefused', params: { detail: outcome.reason } }, fix: { key: 'meta.testTokenRefusedFix' } };
    case 'invalid_data':
      return { result: 'refused', summary: { key: 'meta.testEventRefused', params: { detail: outcome.reason } }, fix: { key: 'meta.testEventRefusedFix' } };
    case 'retry':
      return {
        result: 'no_answer',
        summary: { key: 'meta.testNoAnswer', params: { detail: outcome.reason } },
        fix: { key: 'meta.testNoAnswerFix', params: { graphUrl: facts.graphUrl } },
      };
  }
}
