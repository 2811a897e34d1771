// What Meta's Graph API says about a seller's connection beyond "can this token send": when the token
// expires (debug_token) and how well the dataset's events match people (dataset_quality). Both take
// their fetch as an option and never throw; docs/meta-connection.md has the sources.
export { readTokenDebug, classifyTokenDebug, type ReadTokenDebugParams, type TokenDebugRead } from './read-token-debug.ts';
export {
  readDatasetQuality,
  classifyDatasetQuality,
  DATASET_QUALITY_FIELDS,
  type DatasetQualityRead,
  type EventQuality,
  type MatchKeyCoverage,
  type QualityDiagnostic,
  type ReadDatasetQualityParams,
} from './read-dataset-quality.ts';
export type { GraphGetResult } from './graph-get.ts';
