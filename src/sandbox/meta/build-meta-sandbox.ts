// A local stand-in for Graph API's POST /{version}/{pixel_id}/events and GET /{version}/{pixel_id}
// (the read that checks a token when Meta is connected), with GET /{version}/debug_token and
// /{version}/dataset_quality (token expiry, dataset quality), for tests, benchmarks and `hub demo`: it
// validates like Meta documents, answers in Meta's formats, records what it accepted, and fails on
// purpose when asked to — broken tokens by name or list (sandbox-tokens.ts), random faults by rate.
// Control endpoints under /_sandbox let another process read what arrived and change the faults.
// Built as an app, not listened on: startMetaSandbox adds the listener.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { META_MAX_EVENT_AGE_MS, MAX_FUTURE_SKEW_MS } from '../../domain/meta/index.ts';
import { invalidParameter, metaErrorBody, newTraceId, type SandboxError } from './meta-error-body.ts';
import { FAULT_MODES, NO_FAULTS, createFaultInjector, type FaultDecision, type SandboxFaults } from './sandbox-faults.ts';
import { createSandboxRecorder, type SandboxRecorder } from './sandbox-recorder.ts';
import { createTokenJudge, objectNotVisible, type SandboxTokenLists } from './sandbox-tokens.ts';
import { validateEventBatch } from './validate-event-batch.ts';
import { registerGraphReads, type GraphReadOptions } from './sandbox-graph-reads.ts';

export interface MetaSandboxOptions extends SandboxTokenLists, GraphReadOptions {
  /** When set, any other pixel id is answered as Meta does for an object the token cannot see. */
  knownPixelIds?: readonly string[];
  /** Names the pixel read answers (default "Sandbox pixel <id>"). */
  pixelNames?: Readonly<Record<string, string>>;
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
  const tokens = createTokenJudge(options);
  const knownPixelIds = options.knownPixelIds ? new Set(options.knownPixelIds) : null;
  let injector = createFaultInjector(options.faults ?? NO_FAULTS, throttleRetryAfterSeconds);
  const hanging = new Set<{ timer: NodeJS.Timeout; reply: FastifyReply }>();

  const sendError = (reply: FastifyReply, error: SandboxError, retryAfterSeconds?: number): FastifyReply => {
    const traceId = newTraceId();
    reply.code(error.status).header('x-fb-trace-id', traceId);
    if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
    return reply.send(metaErrorBody(error, traceId));
  };

  /** Holds the request without answering, then drops the connection, as a stalled Graph edge looks to a client. */
  const hang = (reply: FastifyReply): FastifyReply => {
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
  };
  /** The injected fault's answer, or null when there is none. */
  const injectFault = (fault: FaultDecision, reply: FastifyReply): FastifyReply | null => {
    if (fault.kind === 'hang') return hang(reply);
    if (fault.kind === 'error') return sendError(reply, fault.error, fault.retryAfterSeconds);
    return null;
  };

  // The pixel (dataset) node: {id, name}, what the hub reads to check a token and a pixel id. Faults
  // are for event requests only (their seeded sequence stays the same whatever is read); a read
  // that fails on purpose is a broken token by name (sandbox-tokens.ts) or an unknown pixel.
  app.get<{ Params: { version: string; pixelId: string }; Querystring: { access_token?: string; fields?: string } }>(
    '/:version/:pixelId',
    async (request, reply) => {
      recorder.countRead();
      const refusal = tokens.refusal(request.query.access_token, now());
      if (refusal) return sendError(reply, refusal);
      const { pixelId } = request.params;
      if (!/^\d+$/.test(pixelId)) {
        return sendError(reply, { status: 404, code: 803, message: `(#803) Some of the aliases you requested do not exist: ${pixelId}` });
      }
      if (knownPixelIds && !knownPixelIds.has(pixelId)) return sendError(reply, objectNotVisible(pixelId, 'get'));
      const fields = (request.query.fields ?? 'id').split(',').map((f) => f.trim());
      const name = options.pixelNames?.[pixelId] ?? `Sandbox pixel ${pixelId}`;
      return reply.header('x-fb-trace-id', newTraceId()).send({ id: pixelId, ...(fields.includes('name') ? { name } : {}) });
    },
  );

  app.post<{ Params: { version: string; pixelId: string }; Querystring: { access_token?: string } }>(
    '/:version/:pixelId/events',
    async (request, reply) => {
      const fault = injector.decide();
      if (fault.kind !== 'none') {
        recorder.countRequest('faulted');
        return injectFault(fault, reply) ?? reply;
      }

      const body = request.body as Record<string, unknown> | undefined;
      const token = typeof body?.access_token === 'string' && body.access_token ? body.access_token : request.query.access_token;
      const refusal = tokens.refusal(token, now());
      if (refusal) {
        recorder.countRequest('rejected');
        return sendError(reply, refusal);
      }
      const { pixelId } = request.params;
      if (knownPixelIds && !knownPixelIds.has(pixelId)) {
        recorder.countRequest('rejected');
        return sendError(reply, objectNotVisible(pixelId, 'post'));
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

  // GET /{version}/debug_token and /{version}/dataset_quality: token expiry and dataset quality
  // (sandbox-graph-reads.ts). Reads, like the pixel's: counted in stats().reads, never faulted.
  registerGraphReads(app, { options, tokens, recorder, knownPixelIds, now, sendError });

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
