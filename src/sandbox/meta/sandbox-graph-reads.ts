// The sandbox's answers to the two Graph reads behind alerts and quality (docs/meta-connection.md):
//
// GET /{version}/debug_token?input_token=…&access_token=… — `{"data": {app_id, type, application,
//   data_access_expires_at, expires_at, is_valid, issued_at, scopes, user_id}}`, `expires_at` in Unix
//   seconds and 0 for a token that never expires (Graph's debug_token reference). A token expires when
//   listed in `tokenExpiresAt`, or when its name says so (`…expires-in-3d…`: three days from the
//   sandbox's clock); others never do. The asking token is judged first, as Graph does (a broken one
//   gets its 190/200 error); `debugTokenRequiresAppToken` makes a token asking about itself get the
//   code 100 that Meta has been reported to answer for system-user tokens, and an app token
//   (`<app id>|<secret>`) may ask about any token, a broken one answered `is_valid: false`.
//
// GET /{version}/dataset_quality?dataset_id=…&fields=… — `{"web": [{event_name, event_match_quality:
//   {composite_score, match_key_feedback: [{identifier, coverage: {percentage}}]}}]}` per event name
//   (Dataset Quality API). Given per pixel in `datasetQuality`, or made up from the events the sandbox
//   accepted: each match key's coverage is counted; the score is the sandbox's own weighting of
//   that coverage (Meta does not publish its formula), so tests see it move with what was sent.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxError } from './meta-error-body.ts';
import { invalidParameter, newTraceId } from './meta-error-body.ts';
import type { SandboxRecorder } from './sandbox-recorder.ts';
import { objectNotVisible, type TokenJudge } from './sandbox-tokens.ts';

export interface GraphReadOptions {
  /** Unix seconds each token expires at; 0 = never. Tokens named `…expires-in-<N>d…` expire N days from now. */
  tokenExpiresAt?: Readonly<Record<string, number>>;
  /** A token asking about itself is refused with code 100, as reported for system-user tokens. */
  debugTokenRequiresAppToken?: boolean;
  /** The `web` array answered for a pixel, as Meta sends it; otherwise derived from the accepted events. */
  datasetQuality?: Readonly<Record<string, readonly Record<string, unknown>[]>>;
}

interface GraphReadContext {
  options: GraphReadOptions;
  tokens: TokenJudge;
  recorder: SandboxRecorder;
  knownPixelIds: ReadonlySet<string> | null;
  now: () => number;
  sendError(reply: FastifyReply, error: SandboxError): FastifyReply;
}

const APP_TOKEN = /^\d+\|.+$/;
const EXPIRES_IN_DAYS = /expires-in-(\d{1,4})d/;

/** user_data key → Meta's match key name in match_key_feedback (fbc/fbp as named by integrators: [derived]). */
const MATCH_KEYS: ReadonlyArray<readonly [string, string, number]> = [
  ['em', 'email', 3],
  ['ph', 'phone', 2],
  ['external_id', 'external_id', 1],
  ['client_ip_address', 'ip_address', 1],
  ['client_user_agent', 'user_agent', 0.5],
  ['fbc', 'fbc', 1.5],
  ['fbp', 'fbp', 1],
  ['fn', 'first_name', 0.25],
  ['ln', 'last_name', 0.25],
  ['ct', 'city', 0.1],
  ['st', 'state', 0.1],
  ['zp', 'zip', 0.2],
  ['country', 'country', 0.1],
];

export function registerGraphReads(app: FastifyInstance, ctx: GraphReadContext): void {
  const expiresAt = (token: string): number => {
    const listed = ctx.options.tokenExpiresAt?.[token];
    if (listed !== undefined) return listed;
    const days = EXPIRES_IN_DAYS.exec(token);
    return days ? Math.floor(ctx.now() / 1000) + Number(days[1]) * 86_400 : 0;
  };

  const debugToken = async (request: { query: { input_token?: string; access_token?: string } }, reply: FastifyReply) => {
    ctx.recorder.countRead();
    const { input_token: input, access_token: asking } = request.query;
    const isAppToken = asking !== undefined && APP_TOKEN.test(asking);
    if (!isAppToken) {
      const refusal = ctx.tokens.refusal(asking, ctx.now());
      if (refusal) return ctx.sendError(reply, refusal);
    }
    if (!input) return ctx.sendError(reply, invalidParameter('The parameter input_token is required'));
    if (!isAppToken && ctx.options.debugTokenRequiresAppToken) {
      return ctx.sendError(reply, {
        status: 400,
        code: 100,
        type: 'OAuthException',
        message: '(#100) You must provide an app access token, or a user access token that is an owner or developer of the app',
      });
    }
    const nowSeconds = Math.floor(ctx.now() / 1000);
    const base = {
      app_id: '100000000000001',
      type: 'SYSTEM_USER',
      application: 'Sandbox Conversions API app',
      data_access_expires_at: 0,
      issued_at: nowSeconds - 86_400,
      user_id: '100000000000002',
    };
    const inputRefusal = ctx.tokens.refusal(input, ctx.now());
    const data = inputRefusal
      ? { ...base, expires_at: 0, is_valid: false, scopes: [], error: { code: inputRefusal.code, message: inputRefusal.message, ...(inputRefusal.subcode ? { subcode: inputRefusal.subcode } : {}) } }
      : { ...base, expires_at: expiresAt(input), is_valid: true, scopes: ['ads_management', 'business_management'] };
    return reply.header('x-fb-trace-id', newTraceId()).send({ data });
  };
  app.get<{ Querystring: { input_token?: string; access_token?: string } }>('/debug_token', debugToken);
  app.get<{ Params: { version: string }; Querystring: { input_token?: string; access_token?: string } }>('/:version/debug_token', debugToken);

  const datasetQuality = async (request: { query: { dataset_id?: string; access_token?: string } }, reply: FastifyReply) => {
    ctx.recorder.countRead();
    const refusal = ctx.tokens.refusal(request.query.access_token, ctx.now());
    if (refusal) return ctx.sendError(reply, refusal);
    const pixelId = request.query.dataset_id;
    if (!pixelId || !/^\d+$/.test(pixelId)) return ctx.sendError(reply, invalidParameter('The parameter dataset_id is required and must be a dataset (pixel) id'));
    if (ctx.knownPixelIds && !ctx.knownPixelIds.has(pixelId)) return ctx.sendError(reply, objectNotVisible(pixelId, 'get'));
    const web = ctx.options.datasetQuality?.[pixelId] ?? deriveQuality(ctx.recorder, pixelId);
    return reply.header('x-fb-trace-id', newTraceId()).send({ web });
  };
  app.get<{ Querystring: { dataset_id?: string; access_token?: string } }>('/dataset_quality', datasetQuality);
  app.get<{ Params: { version: string }; Querystring: { dataset_id?: string; access_token?: string } }>('/:version/dataset_quality', datasetQuality);
}

function deriveQuality(recorder: SandboxRecorder, pixelId: string): Array<Record<string, unknown>> {
  const byName = new Map<string, Array<Record<string, unknown>>>();
  for (const recorded of recorder.events({ pixelId })) {
    // Test events are not in a dataset's quality figures.
    if (recorded.testEventCode) continue;
    const userData = recorded.event.user_data;
    const list = byName.get(recorded.eventName) ?? [];
    list.push(typeof userData === 'object' && userData !== null ? (userData as Record<string, unknown>) : {});
    byName.set(recorded.eventName, list);
  }
  return [...byName].map(([eventName, users]) => {
    const feedback = MATCH_KEYS.map(([key, identifier, weight]) => {
      const share = users.filter((u) => u[key] !== undefined && u[key] !== null && u[key] !== '').length / users.length;
      return { identifier, weight, share };
    }).filter((k) => k.share > 0);
    const score = Math.min(10, feedback.reduce((sum, k) => sum + k.weight * k.share, 0));
    return {
      event_name: eventName,
      event_match_quality: {
        composite_score: Math.round(score * 10) / 10,
        match_key_feedback: feedback.map((k) => ({ identifier: k.identifier, coverage: { percentage: Math.round(k.share * 1000) / 10 } })),
      },
    };
  });
}
