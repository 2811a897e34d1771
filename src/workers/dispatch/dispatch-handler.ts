// The capi-dispatch handler: one job per CAPI event. A claimed batch is grouped per tenant (a tenant
// has one Meta connection, so one pixel); each group is loaded, checked, sent in requests of up to
// Meta's limit, and its outcome written in one transaction. Jobs of events that are done, failed or
// parked are acknowledged; jobs of events to retry are re-scheduled for their next attempt.
// Parked (`waiting`) events have no job: the resume loop (resume-waiting-events.ts) gives them a new
// one when their connection is healthy again, so a bad token never burns retries.
import type { ClaimedJob } from '../../queue/queue.ts';
import { jobCatalog } from '../../queue/job-catalog.ts';
import { getConnection, markConnectionWorking } from '../../store/connections.ts';
import {
  flagMetaTokenRefused,
  loadDispatchableCapiEvents,
  recordDispatchRound,
  type CapiEventUpdate,
  type DispatchableCapiEvent,
} from '../../store/capi-events.ts';
import type { NewDispatchAttempt } from '../../store/dispatch-attempts.ts';
import { MAX_EVENTS_PER_REQUEST, sendEvents, type MetaServerEvent, type SendResult } from '../../domain/meta/index.ts';
import { untracedJobs, type JobHandler, type JobOutcome, type JobTracing } from '../queue-runner.ts';
import { decideEventOutcome, type EventDecision } from './decide-event-outcome.ts';
import type { DispatchWorkerDeps } from './dispatch-worker-deps.ts';
import { readMetaTarget, type MetaTarget } from './meta-target.ts';
import { checkStillSendable } from './check-still-sendable.ts';
import { chunk, sendIsolatingRejects, type SentRequest } from './send-isolating-rejects.ts';
import { traceMetaSend } from './trace-meta-send.ts';

const spec = jobCatalog['capi-dispatch'];

export function createDispatchHandler(deps: DispatchWorkerDeps): JobHandler {
  return {
    queue: 'capi-dispatch',
    async handle(jobs, tracing = untracedJobs) {
      const outcomes: JobOutcome[] = jobs.map(() => ({ kind: 'ok' }));
      const groups = new Map<string, Map<string, number[]>>();
      jobs.forEach((job, index) => {
        const parsed = spec.payload.safeParse(job.payload);
        if (!parsed.success) {
          outcomes[index] = { kind: 'dead_letter', reason: `invalid capi-dispatch payload: ${parsed.error.message.slice(0, 500)}` };
          return;
        }
        const { tenantId, capiEventId } = parsed.data;
        const byEvent = groups.get(tenantId) ?? new Map<string, number[]>();
        groups.set(tenantId, byEvent);
        byEvent.set(capiEventId, [...(byEvent.get(capiEventId) ?? []), index]);
      });
      await Promise.all(
        [...groups].map(async ([tenantId, byEvent]) => {
          try {
            const jobOutcomes = await dispatchTenantGroup(tenantId, byEvent, jobs, deps, tracing);
            for (const [capiEventId, outcome] of jobOutcomes) {
              for (const index of byEvent.get(capiEventId) ?? []) outcomes[index] = outcome;
            }
          } catch (err) {
            // One tenant's trouble (a database blip mid-round) does not hold back the others. Its
            // jobs run again; an event that reached Meta but was not recorded is re-sent with the
            // same event_id, which Meta deduplicates.
            deps.logger?.error({ err, tenantId, events: byEvent.size }, 'dispatch round failed for a tenant; its jobs will run again');
            for (const indexes of byEvent.values()) {
              for (const index of indexes) outcomes[index] = { kind: 'retry', afterMs: groupRetryMs(jobs[index]?.attempts ?? 0, deps.rng), reason: String((err as Error)?.message ?? err) };
            }
          }
        }),
      );
      return outcomes;
    },
  };
}

function groupRetryMs(attempt: number, rng: () => number): number {
  const ceiling = Math.min(60_000, 1_000 * 2 ** attempt);
  return ceiling / 2 + rng() * (ceiling / 2);
}

interface Round {
  updates: CapiEventUpdate[];
  attempts: NewDispatchAttempt[];
  jobOutcomes: Map<string, JobOutcome>;
}

/** Dispatches one tenant's events; returns the job outcome per CAPI event id (absent = ok). */
async function dispatchTenantGroup(
  tenantId: string,
  byEvent: Map<string, number[]>,
  jobs: ClaimedJob[],
  deps: DispatchWorkerDeps,
  tracing: JobTracing,
): Promise<Map<string, JobOutcome>> {
  const { db } = deps.store;
  const events = await loadDispatchableCapiEvents(db, tenantId, [...byEvent.keys()]);
  const round: Round = { updates: [], attempts: [], jobOutcomes: new Map() };
  if (events.length === 0) return round.jobOutcomes;

  const connection = await getConnection(db, tenantId, 'meta');
  const target = readMetaTarget(connection, deps.box);
  if (!target.ok) {
    if (target.flagConnection && connection) await flagMetaTokenRefused(db, tenantId, connection.secret_ciphertext, target.reason);
    for (const event of events) park(round, event, 'waiting', target.reason);
    await recordDispatchRound(db, tenantId, round);
    if (target.flagConnection || !connection) deps.logger?.warn({ tenantId, events: events.length, reason: target.reason }, 'CAPI events waiting for the Meta connection');
    return round.jobOutcomes;
  }

  const now = deps.now();
  const sendable: { event: DispatchableCapiEvent; serverEvent: MetaServerEvent }[] = [];
  for (const event of events) {
    const checked = checkStillSendable(event, now);
    if (checked.ok) sendable.push({ event, serverEvent: checked.serverEvent });
    else park(round, event, 'not_sendable', checked.reason);
  }

  const requests: SentRequest<(typeof sendable)[number]>[] = [];
  for (const part of chunk(sendable, MAX_EVENTS_PER_REQUEST)) {
    requests.push(
      ...(await sendIsolatingRejects(
        part,
        (items) =>
          traceMetaSend(
            () => items.flatMap((i) => (byEvent.get(i.event.id) ?? []).map((index) => tracing.contextOf(jobs[index]!))),
            { pixelId: target.value.pixelId, events: items.length },
            () => send(target.value, items.map((i) => i.serverEvent), deps),
          ),
        deps.now,
      )),
    );
  }
  for (const request of requests) {
    const { outcome, errorCode } = request.result;
    deps.metrics?.dispatch.inc({ outcome: outcome.kind, code: errorCode === null ? '' : String(errorCode) });
  }

  await settleSentEvents(round, tenantId, requests, byEvent, jobs, target.value, deps);
  await recordDispatchRound(db, tenantId, round);
  // An unverified connection (saved while its token could not be checked) is proven by Meta's yes.
  if (target.value.health === 'unverified' && requests.some((r) => r.result.outcome.kind === 'ok')) {
    if (await markConnectionWorking(db, tenantId, 'meta', target.value.secretCiphertext, ['unverified'])) {
      deps.logger?.info({ tenantId, pixelId: target.value.pixelId }, 'Meta accepted events with an unverified token; the connection is healthy');
    }
  }
  return round.jobOutcomes;
}

/** Decides each sent event's fate from its last request and writes one attempt row per request. */
async function settleSentEvents(
  round: Round,
  tenantId: string,
  requests: SentRequest<{ event: DispatchableCapiEvent }>[],
  byEvent: Map<string, number[]>,
  jobs: ClaimedJob[],
  target: MetaTarget,
  deps: DispatchWorkerDeps,
): Promise<void> {
  const perEvent = new Map<string, { event: DispatchableCapiEvent; requests: SentRequest<unknown>[] }>();
  for (const request of requests) {
    for (const { event } of request.items) {
      const entry = perEvent.get(event.id) ?? { event, requests: [] };
      entry.requests.push(request);
      perEvent.set(event.id, entry);
    }
  }

  // A refused token parks the events, unless the operator replaced it while we were sending.
  const refused = requests.find((r) => r.result.outcome.kind === 'invalid_token');
  let tokenReplaced = false;
  if (refused && refused.result.outcome.kind === 'invalid_token') {
    const reason = refused.result.outcome.reason;
    tokenReplaced = !(await flagMetaTokenRefused(deps.store.db, tenantId, target.secretCiphertext, reason));
    deps.logger?.warn({ tenantId, pixelId: target.pixelId, tokenReplaced }, 'Meta refused the access token; the connection is marked unhealthy and its events wait');
  }

  const now = deps.now();
  for (const { event, requests: eventRequests } of perEvent.values()) {
    const last = eventRequests[eventRequests.length - 1]!;
    const firstThisRound = eventRequests[0]!.attemptedAt;
    let outcome = last.result.outcome;
    if (outcome.kind === 'invalid_token' && tokenReplaced) outcome = { kind: 'retry', reason: 'the Meta token was replaced while a request was in flight' };
    const claims = Math.max(...(byEvent.get(event.id) ?? [0]).map((index) => (jobs[index]?.attempts ?? 0) + 1));
    const decision = decideEventOutcome({
      outcome,
      attempt: claims,
      firstAttemptAt: event.firstAttemptAt ?? firstThisRound,
      now,
      rng: deps.rng,
      policy: deps.retryPolicy,
    });
    for (const request of eventRequests) {
      round.attempts.push(attemptRow(tenantId, event.id, request, request === last && decision.status === 'pending' ? decision.nextAttemptAt : null, eventRequests.length > 1 && request !== last));
    }
    round.updates.push(updateFor(event, decision, eventRequests.length, firstThisRound));
    if (decision.status === 'pending') {
      round.jobOutcomes.set(event.id, { kind: 'retry', afterMs: decision.retryInMs, reason: decision.lastError });
    }
    if (decision.status === 'failed') deps.logger?.warn({ tenantId, capiEventId: event.id, reason: decision.lastError }, 'CAPI event failed');
  }
}

/** A live send: never with a test event code (meta-target.ts says why). */
function send(target: MetaTarget, events: MetaServerEvent[], deps: DispatchWorkerDeps): Promise<SendResult> {
  return sendEvents({
    graphUrl: deps.graphUrl,
    apiVersion: target.apiVersion,
    pixelId: target.pixelId,
    accessToken: target.accessToken,
    events,
    timeoutMs: deps.requestTimeoutMs,
    ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}),
  });
}

/** An event that leaves the round without a request: parked waiting, or no longer sendable. */
function park(round: Round, event: DispatchableCapiEvent, status: 'waiting' | 'not_sendable', reason: string): void {
  round.updates.push({
    id: event.id,
    sourceEventId: event.sourceEventId,
    status,
    requests: 0,
    attemptedAt: null,
    nextAttemptAt: null,
    lastError: reason,
    sentAt: null,
  });
}

function updateFor(event: DispatchableCapiEvent, decision: EventDecision, requests: number, attemptedAt: Date): CapiEventUpdate {
  const base = { id: event.id, sourceEventId: event.sourceEventId, requests, attemptedAt };
  switch (decision.status) {
    case 'sent':
      return { ...base, status: 'sent', nextAttemptAt: null, lastError: null, sentAt: decision.sentAt };
    case 'pending':
      return { ...base, status: 'pending', nextAttemptAt: decision.nextAttemptAt, lastError: decision.lastError, sentAt: null };
    case 'failed':
    case 'waiting':
      return { ...base, status: decision.status, nextAttemptAt: null, lastError: decision.lastError, sentAt: null };
  }
}

function attemptRow(
  tenantId: string,
  capiEventId: string,
  request: SentRequest<unknown>,
  nextRetryAt: Date | null,
  splitAfterwards: boolean,
): NewDispatchAttempt {
  const { result } = request;
  // The classified reason names Meta's code, title, message and trace id; the bare message is often
  // just "(#100) Invalid parameter".
  const reason = result.outcome.kind === 'ok' ? null : result.outcome.reason || result.errorMessage;
  const message =
    splitAfterwards && reason
      ? `a batch of ${request.items.length} was rejected; sent again in halves to find the bad event: ${reason}`
      : reason;
  return {
    tenantId,
    capiEventId,
    attemptedAt: request.attemptedAt,
    outcome: result.outcome.kind,
    httpStatus: result.httpStatus,
    eventsReceived: result.outcome.kind === 'ok' ? result.outcome.eventsReceived : null,
    fbtraceId: result.fbtraceId,
    errorCode: result.errorCode,
    errorSubcode: result.errorSubcode,
    errorMessage: message,
    durationMs: result.durationMs,
    nextRetryAt,
  };
}
