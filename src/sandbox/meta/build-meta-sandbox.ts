// A local stand-in for Graph API's POST /{version}/{pixel_id}/events, for tests, benchmarks and
// `hub demo`: it validates like Meta documents, answers in Meta's formats, records what it
// accepted, and fails on purpose when asked to. Control endpoints under /_sandbox let another
// process read what arrived and change the faults.
// Built as an app, not listened on: startMetaSandbox adds the listener.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { META_MAX_EVENT_AGE_MS, MAX_FUTURE_SKEW_MS } from '../../domain/meta/index.ts';
import { invalidParameter, metaErrorBody, newTraceId, type SandboxError } from './meta-error-body.ts';
import { FAULT_MODES, NO_FAULTS, createFaultInjector, invalidTokenError, type SandboxFaults } from './sandbox-faults.ts';
import { createSandboxRecorder, type SandboxRecorder } from './sandbox-recorder.ts';
import { validateEventBatch } from './validate-event-batch.ts';

export interface MetaSandboxOptions {
  /** Tokens answered with 190. Tokens starting with "invalid" are always refused too. */
  invalidTokens?: readonly string[];
  /** When set, any other pixel id is answered as Meta does for an object the token cannot see. */
  knownPixelIds?: readonly string[];
  faults?: SandboxFaults;
  /** Clock in ms, for the event_time window; defaults to Date.now. */
  now?: () => number;
  /** How long a "timeout" fault holds a request before dropping the connection. */
  hangMs?: number;
  /** Retry-After sent with throttling faults. */
  throttleRetryAfterSeconds?: number;
  /** How far in the future event_time may be; Meta's tolerance is undocumented. */
  maxFutureSeconds?: number;
  logger?: boolean;
  bodyLimit?: number;
}

export interface MetaSandbox {
  app: FastifyInstance;
  recorder: SandboxRecorder;
  setFaults(faults: SandboxFaults): void;
}

const faultsSchema = z.object({
  rate: z.number().min(0).max(1),
  modes: z.array(z.enum(FAULT_MODES)),
  seed: z.number().int().optional(),
});

const DEFAULT_HANG_MS = 10_000;
const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024; // 1,000 full events fit with room to spare

export function buildMetaSandbox(options: MetaSandboxOptions = {}): MetaSandbox {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT });
  const recorder = createSandboxRecorder();
  const now = options.now ?? Date.now;
  const throttleRetryAfterSeconds = options.throttleRetryAfterSeconds ?? 1;
  const invalidTokens = new Set(options.invalidTokens ?? []);
  const knownPixelIds = options.knownPixelIds ? new Set(options.knownPixelIds) : null;
  let injector = createFaultInjector(options.faults ?? NO_FAULTS, throttleRetryAfterSeconds);
  const hanging = new Set<{ timer: NodeJS.Timeout; reply: FastifyReply }>();

  const sendError = (reply: FastifyReply, error: SandboxError, retryAfterSeconds?: number): FastifyReply => {
    const traceId = newTraceId();
    reply.code(error.status).header('x-fb-trace-id', traceId);
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
    return reply.send(metaErrorBody(error, traceId));
  };

  app.post<{ Params: { version: string; pixelId: string }; Querystring: { access_token?: string } }>(
    '/:version/:pixelId/events',
    async (request, reply) => {
      const fault = injector.decide();
      if (fault.kind === 'hang') {
        recorder.countRequest('faulted');
        // Hold the request without answering, then drop the connection, as a stalled Graph edge
        // looks to a client; the client's own timeout should fire first.
        reply.hijack();
        const entry = {
          reply,
          timer: setTimeout(() => {
            hanging.delete(entry);
            reply.raw.destroy();
          }, options.hangMs ?? DEFAULT_HANG_MS),
        };
        hanging.add(entry);
        reply.raw.on('close', () => {
          clearTimeout(entry.timer);
          hanging.delete(entry);
        });
        return reply;
      }
      if (fault.kind === 'error') {
        recorder.countRequest('faulted');
        return sendError(reply, fault.error, fault.retryAfterSeconds);
      }

      const body = request.body as Record<string, unknown> | undefined;
      const token = typeof body?.access_token === 'string' && body.access_token ? body.access_token : request.query.access_token;
      if (!token) {
        recorder.countRequest('rejected');
        // What Graph answers when no token is given at all.
        return sendError(reply, { status: 400, code: 104, type: 'OAuthException', message: 'An access token is required to request this resource.' });
      }
      if (invalidTokens.has(token) || token.startsWith('invalid')) {
        recorder.countRequest('rejected');
        return sendError(reply, invalidTokenError('Invalid OAuth access token - Cannot parse access token'));
      }
      const { pixelId } = request.params;
      if (knownPixelIds && !knownPixelIds.has(pixelId)) {
        recorder.countRequest('rejected');
        // Graph's answer for an object the token cannot see (code 100, subcode 33).
        return sendError(reply, {
          status: 400,
          code: 100,
          subcode: 33,
          type: 'GraphMethodException',
          message: `Unsupported post request. Object with ID '${pixelId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        });
      }

      const nowMs = now();
      const check = validateEventBatch(body, {
        nowMs,
        maxAgeSeconds: META_MAX_EVENT_AGE_MS / 1000,
        maxFutureSeconds: options.maxFutureSeconds ?? MAX_FUTURE_SKEW_MS / 1000,
      });
      if (!check.ok) {
        recorder.countRequest('rejected');
        return sendError(reply, check.error);
      }

      recorder.countRequest('accepted');
      recorder.record(
        check.events.map((event) => ({ ...event, pixelId, testEventCode: check.testEventCode })),
        new Date(nowMs),
      );
      const traceId = newTraceId();
      return reply.header('x-fb-trace-id', traceId).send({ events_received: check.events.length, messages: [], fbtrace_id: traceId });
    },
  );

  app.get<{ Querystring: { event_id?: string; pixel_id?: string } }>('/_sandbox/events', async (request) => {
    const filter = {
      ...(request.query.event_id ? { eventId: request.query.event_id } : {}),
      ...(request.query.pixel_id ? { pixelId: request.query.pixel_id } : {}),
    };
    return recorder.events(filter).map((event) => ({ ...event, receivedAt: event.receivedAt.toISOString() }));
  });

  app.get('/_sandbox/stats', async () => recorder.stats());

  app.post('/_sandbox/faults', async (request, reply) => {
    const parsed = faultsSchema.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: 'faults must be {rate: 0..1, modes: [...], seed?: int}', issues: parsed.error.issues });
    injector = createFaultInjector(parsed.data, throttleRetryAfterSeconds);
    return { faults: injector.faults };
  });

  app.delete('/_sandbox/events', async (_request, reply) => {
    recorder.clear();
    return reply.code(204).send();
  });

  // Malformed JSON and oversized bodies get Meta's error shape, so clients see one format.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) return sendError(reply, { status, code: 1, message: 'An unknown error occurred', isTransient: true });
    return sendError(reply, { ...invalidParameter(error.message), status });
  });

  // Release requests held by "timeout" faults, or close() would wait for them.
  app.addHook('preClose', async () => {
    for (const entry of hanging) {
      clearTimeout(entry.timer);
      entry.reply.raw.destroy();
    }
    hanging.clear();
  });

  return {
    app,
    recorder,
    setFaults(faults) {
      injector = createFaultInjector(faults, throttleRetryAfterSeconds);
    },
  };
}
