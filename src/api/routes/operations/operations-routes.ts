// Operations: the event list, one event's whole story, replay, stats, and dead-lettered work.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { requireTenant, tenantOf } from '../../plugins/auth.ts';
import { problems } from '../../problem.ts';
import { jsonResponse, problemResponse, problemResponses, secretKeyAuth } from '../../schemas.ts';
import { decodeCursor, eventExists, listEvents, loadEventStory, loadStats } from '../../../store/operations.ts';
import { newId } from '../../../lib/ids.ts';
import { presentStory, summarize } from './present-event.ts';
import { loadEventEvidence } from '../../../evidence/index.ts';
import {
  deadLetterQuery,
  deadLetters,
  eventIdParams,
  eventPage,
  eventQuery,
  eventStory,
  redriveParams,
  redriven,
  redriveQuery,
  replayAccepted,
  replayParams,
  stats,
  statsQuery,
} from './operations-schemas.ts';

const badQueue = problemResponse(400, "An unknown queue or limit: the problem's `errors` name it", {
  errors: [{ path: 'queue', message: 'Invalid option: expected one of "ingest-events"|"capi-dispatch"' }],
});
const noSuchEvent = problemResponse(404, "No event with this id for this tenant (another tenant's events included)", { detail: 'No such event.' });
const badEventId = (param: string) =>
  problemResponse(400, "Not an event id (`evt_` and 32 hex digits): the problem's `errors` name it", {
    errors: [{ path: param, message: 'expected an id like evt_01a22739f7407569b52c79239cf6bc45' }],
  });

export function operationsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preHandler', requireTenant(deps.store.db));

    app.get(
      '/api/v1/events',
      {
        schema: {
          summary: 'List ingested events, newest first',
          description: 'Everything the hub took in (tracking calls and gateway webhooks) with where each one is now. Filter by type, status, gateway and time received; page with `nextCursor`.',
          tags: ['operations'],
          security: secretKeyAuth,
          querystring: eventQuery,
          response: {
            200: jsonResponse('A page of events', eventPage),
            400: problemResponse(400, "Invalid filters (the problem's `errors` name them), or a cursor this API did not return (`invalid-cursor`)"),
            ...problemResponses(401),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const cursor = q.cursor ? decodeCursor(q.cursor) : null;
        if (q.cursor && !cursor) throw problems.badRequest('invalid-cursor', 'problem.invalidCursor');
        const page = await listEvents(
          deps.store.db,
          tenantOf(request).id,
          { type: q.type, status: q.status, gateway: q.gateway, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined },
          q.limit,
          cursor,
        );
        return {
          data: page.rows.map((r) => ({
            id: r.id,
            type: r.type,
            gateway: r.gateway,
            occurredAt: r.occurred_at.toISOString(),
            receivedAt: r.received_at.toISOString(),
            status: r.status,
            flags: r.flags,
            summary: summarize(r),
          })),
          nextCursor: page.nextCursor,
        };
      },
    );

    app.get(
      '/api/v1/events/:id',
      {
        schema: {
          summary: "Show an event's whole story",
          description:
            'What arrived (personal data masked), how the hub read it, the conversions it brought, how each was matched to a click and why, and every CAPI event sent to Meta with each attempt (HTTP status, `fbtrace_id`, error, next retry).',
          tags: ['operations'],
          security: secretKeyAuth,
          params: eventIdParams,
          response: {
            200: jsonResponse('The event, from raw delivery to what Meta answered', eventStory),
            400: badEventId('id'),
            ...problemResponses(401),
            404: noSuchEvent,
          },
        },
      },
      async (request) => {
        const story = await loadEventStory(deps.store.db, tenantOf(request).id, request.params.id);
        if (!story) throw problems.notFound('problem.noSuchEvent');
        if (!story.event.raw_body && story.event.evidence_ref) {
          const evidence = await loadEventEvidence(story.event, deps.evidence);
          if (evidence) story.event = { ...story.event, raw_body: evidence.body, raw_headers: evidence.headers };
        }
        return presentStory(story);
      },
    );

    app.post(
      '/api/v1/replay/:eventId',
      {
        schema: {
          summary: 'Replay an event: match and send it to Meta again',
          description:
            "Queues the event for matching and dispatch again, e.g. after fixing a connection or a funnel. Its CAPI events keep their Meta `event_id`, so Meta counts nothing twice. For a range of events: `npx hub replay --tenant ten_… --from … --to …`.",
          tags: ['operations'],
          security: secretKeyAuth,
          params: replayParams,
          response: {
            202: jsonResponse('Queued: the match worker re-runs it shortly', replayAccepted),
            400: badEventId('eventId'),
            ...problemResponses(401),
            404: noSuchEvent,
          },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request);
        const { eventId } = request.params;
        if (!(await eventExists(deps.store.db, tenant.id, eventId))) throw problems.notFound('problem.noSuchEvent');
        const replayId = newId('rpl');
        await deps.store.db.transaction().execute((trx) =>
          deps.queue.enqueue(trx, 'ingest-events', [{ tenantId: tenant.id, payload: { eventId, tenantId: tenant.id, replayId } }]),
        );
        return reply.code(202).send({ replayId });
      },
    );

    app.get(
      '/api/v1/stats',
      {
        schema: {
          summary: 'Show counts, match rate and delivery to Meta for a period',
          description: 'Events per type and status, conversions per match method, CAPI events per status, and how long a sale takes from webhook to Meta (p50, p95). Default period: the last 24 hours.',
          tags: ['operations'],
          security: secretKeyAuth,
          querystring: statsQuery,
          response: {
            200: jsonResponse('The figures of the period', stats),
            ...problemResponses(400, 401),
          },
        },
      },
      async (request) => {
        const to = request.query.to ? new Date(request.query.to) : new Date();
        const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - 24 * 3600_000);
        const s = await loadStats(deps.store.db, tenantOf(request).id, from, to);
        const matchTotal = s.matchRows.reduce((n, r) => n + r.count, 0);
        const matched = s.matchRows.filter((r) => r.method !== 'unmatched').reduce((n, r) => n + r.count, 0);
        const sent = s.dispatch.find((d) => d.status === 'sent')?.count ?? 0;
        const failed = s.dispatch.find((d) => d.status === 'failed')?.count ?? 0;
        return {
          from: from.toISOString(),
          to: to.toISOString(),
          events: s.byStatus,
          matches: Object.fromEntries(s.matchRows.map((r) => [r.method, r.count])),
          matchRate: matchTotal ? matched / matchTotal : null,
          dispatch: Object.fromEntries(s.dispatch.map((d) => [d.status, d.count])),
          dispatchSuccessRate: sent + failed ? sent / (sent + failed) : null,
          webhookToMetaSeconds: { p50: s.latency.p50, p95: s.latency.p95 },
        };
      },
    );

    app.get(
      '/api/v1/dead-letters',
      {
        schema: {
          summary: 'List background jobs that failed every retry',
          description: 'Dead-lettered jobs of one queue with their last error. Fix the cause, then put them back with the redrive endpoint.',
          tags: ['operations'],
          security: secretKeyAuth,
          querystring: deadLetterQuery,
          response: {
            200: jsonResponse('The dead-lettered jobs', deadLetters),
            400: badQueue,
            ...problemResponses(401),
          },
        },
      },
      async (request) => {
        const dead = await deps.queue.listDead(request.query.queue as never, tenantOf(request).id, request.query.limit);
        return { data: dead.map((d) => ({ id: d.id, queue: d.queue, payload: d.payload, attempts: d.attempts, lastError: d.lastError, createdAt: d.createdAt.toISOString() })) };
      },
    );

    app.post(
      '/api/v1/dead-letters/:jobId/redrive',
      {
        schema: {
          summary: 'Put a dead-lettered job back on its queue',
          description: 'The job runs again with its attempts reset.',
          tags: ['operations'],
          security: secretKeyAuth,
          params: redriveParams,
          querystring: redriveQuery,
          response: {
            202: jsonResponse('Back on its queue', redriven),
            400: problemResponse(400, "An unknown queue, or not a job id (`job_` or `obx_` and 32 hex digits): the problem's `errors` name it", {
              errors: [{ path: 'jobId', message: 'expected an id like job_01a22739fb2879498cb33219d13fa8aa' }],
            }),
            ...problemResponses(401),
            404: problemResponse(404, 'No dead-lettered job with this id on this queue for this tenant', { detail: 'No such dead-lettered job.' }),
          },
        },
      },
      async (request, reply) => {
        const ok = await deps.queue.redrive(request.query.queue as never, tenantOf(request).id, request.params.jobId);
        if (!ok) throw problems.notFound('problem.noSuchDeadLetter');
        return reply.code(202).send({ redriven: true as const });
      },
    );
  };
}
