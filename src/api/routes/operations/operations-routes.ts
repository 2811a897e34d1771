// Operations: the event list, one event's whole story, replay, stats, and dead-lettered work.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import { requireTenant, tenantOf } from '../../plugins/auth.ts';
import { problems } from '../../problem.ts';
import { errorResponses, secretKeyAuth } from '../../schemas.ts';
import { decodeCursor, eventExists, listEvents, loadEventStory, loadStats } from '../../../store/operations.ts';
import { newId } from '../../../lib/ids.ts';
import { QUEUE_NAMES } from '../../../queue/queue.ts';
import { presentStory, summarize } from './present-event.ts';
import { loadEventEvidence } from '../../../evidence/index.ts';

const eventTypes = z.enum(['click', 'pageview', 'initiate_checkout', 'webhook']);
const eventStatuses = z.enum(['received', 'processed', 'matched', 'unmatched', 'dispatched', 'failed', 'unprocessable', 'rejected']);
const isoTime = z.iso.datetime({ offset: true });

const eventItem = z.object({
  id: z.string(),
  type: eventTypes,
  gateway: z.string().nullable(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  status: eventStatuses,
  flags: z.array(z.string()),
  summary: z.string(),
});

export function operationsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preHandler', requireTenant(deps.store.db));

    app.get(
      '/api/v1/events',
      {
        schema: {
          summary: 'Ingested events, newest first',
          tags: ['operations'],
          security: secretKeyAuth,
          querystring: z.object({
            type: eventTypes.optional(),
            status: eventStatuses.optional(),
            gateway: z.enum(['hotmart', 'kiwify', 'stripe']).optional(),
            from: isoTime.optional(),
            to: isoTime.optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
            cursor: z.string().max(200).optional(),
          }),
          response: { 200: z.object({ data: z.array(eventItem), nextCursor: z.string().nullable() }), ...errorResponses },
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
          summary: "One event's whole story: raw (PII masked) → normalized → conversion → match → CAPI events → attempts",
          tags: ['operations'],
          security: secretKeyAuth,
          params: z.object({ id: z.string().max(100) }),
          response: { 200: z.record(z.string(), z.unknown()), ...errorResponses },
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
          summary: 'Re-run matching and dispatch for an event (same Meta event_id, so Meta deduplicates)',
          tags: ['operations'],
          security: secretKeyAuth,
          params: z.object({ eventId: z.string().max(100) }),
          response: { 202: z.object({ replayId: z.string() }), ...errorResponses },
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
          summary: 'Counts per status, match rate, dispatch success rate, webhook-to-Meta latency',
          tags: ['operations'],
          security: secretKeyAuth,
          querystring: z.object({ from: isoTime.optional(), to: isoTime.optional() }),
          response: { 200: z.record(z.string(), z.unknown()), ...errorResponses },
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
          summary: 'Work that failed every retry, with its last error',
          tags: ['operations'],
          security: secretKeyAuth,
          querystring: z.object({ queue: z.enum(QUEUE_NAMES as [string, ...string[]]).default('ingest-events'), limit: z.coerce.number().int().min(1).max(500).default(50) }),
          response: { 200: z.object({ data: z.array(z.record(z.string(), z.unknown())) }), ...errorResponses },
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
          tags: ['operations'],
          security: secretKeyAuth,
          params: z.object({ jobId: z.string().max(100) }),
          querystring: z.object({ queue: z.enum(QUEUE_NAMES as [string, ...string[]]).default('ingest-events') }),
          response: { 202: z.object({ redriven: z.literal(true) }), ...errorResponses },
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
