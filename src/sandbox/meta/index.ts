// The local Meta Graph API stand-in (POST /{version}/{pixel_id}/events, GET /{version}/{pixel_id},
// GET /{version}/debug_token, GET /{version}/dataset_quality) and its controls.
export { buildMetaSandbox, type MetaSandbox, type MetaSandboxOptions } from './build-meta-sandbox.ts';
export { startMetaSandbox, type RunningMetaSandbox, type StartMetaSandboxOptions } from './start-meta-sandbox.ts';
export { FAULT_MODES, type FaultMode, type SandboxFaults } from './sandbox-faults.ts';
export type { SandboxTokenLists } from './sandbox-tokens.ts';
export type { GraphReadOptions } from './sandbox-graph-reads.ts';
export type { RecordedEvent, SandboxRecorder, SandboxStats, EventFilter } from './sandbox-recorder.ts';
