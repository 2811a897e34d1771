// Meta Conversions API: build server events from hub conversions, send them, classify the
// answer, and schedule retries. Pure apart from send-events (which takes its fetch as an option).
export { MAX_EVENTS_PER_REQUEST, DEFAULT_GRAPH_API_VERSION, DEFAULT_GRAPH_URL, META_MAX_EVENT_AGE_MS, MAX_SENDABLE_EVENT_AGE_MS, MAX_FUTURE_SKEW_MS, RECOMMENDED_REQUEST_TIMEOUT_MS } from './constants.ts';
export { ACTION_SOURCES, isActionSource, type ActionSource } from './action-sources.ts';
export type { CapiEventInput, CapiUserInput, CapiCustomInput, MetaServerEvent, MetaUserData, MetaCustomData } from './types.ts';
export { buildServerEvent, type BuildServerEventResult } from './build-server-event.ts';
export { HASHED_USER_DATA_KEYS, hasEnoughCustomerInformation } from './customer-information-rules.ts';
export { classifyMetaResponse, classifyMetaError, type MetaErrorClass, type MetaOutcome, type MetaResponseInput } from './classify-meta-response.ts';
export { parseMetaError, type MetaErrorDetails } from './parse-meta-error.ts';
export { nextRetryAt, DEFAULT_RETRY_POLICY, type RetryPolicy, type NextRetryOptions } from './retry-schedule.ts';
export { seededRandom } from './seeded-random.ts';
export { sendEvents, type SendEventsParams, type SendResult } from './send-events.ts';
export { readPixel, classifyPixelRead, type ReadPixelParams, type PixelRead, type PixelRefusal, type PixelNoAnswer, type MetaAnswer } from './read-pixel.ts';
