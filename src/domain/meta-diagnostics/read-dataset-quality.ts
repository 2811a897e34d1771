// Meta's own view of a dataset's (pixel's) match quality: the Dataset Quality API,
// GET /{version}/dataset_quality?dataset_id={pixel}&fields=web{…}, which gives per web event the
// Event Match Quality score (`event_match_quality.composite_score`, out of 10) with each match key's
// coverage and Meta's diagnostics, the event coverage and the data freshness
// (https://developers.facebook.com/docs/marketing-api/conversions-api/dataset-quality-api; quoted in
// docs/meta-connection.md). A token generated in Events Manager for the Conversions API can read it;
// others need ads_read. Never throws; fields Meta leaves out are null or empty, never invented.
import type { MetaAnswer } from '../meta/index.ts';
import { graphGet, isRecord, type GraphGetResult } from './graph-get.ts';

/** The fields asked for (Graph's field expansion syntax). */
export const DATASET_QUALITY_FIELDS =
  'web{event_name,event_match_quality{composite_score,match_key_feedback{identifier,coverage{percentage}},' +
  'diagnostics{name,description,solution,percentage,affected_event_count,total_event_count}},' +
  'event_coverage{percentage,goal_percentage},data_freshness{upload_frequency}}';

export interface ReadDatasetQualityParams {
  graphUrl: string;
  apiVersion: string;
  pixelId: string;
  accessToken: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

export interface MatchKeyCoverage {
  /** As Meta names it: email, phone, external_id, ip_address, user_agent, … */
  identifier: string;
  coveragePercent: number | null;
}

export interface QualityDiagnostic {
  name: string;
  description: string | null;
  solution: string | null;
  percentage: number | null;
  affectedEventCount: number | null;
  totalEventCount: number | null;
}

export interface EventQuality {
  eventName: string;
  /** Event Match Quality, 0-10; null when Meta gives none for this event. */
  matchQuality: number | null;
  matchKeys: MatchKeyCoverage[];
  diagnostics: QualityDiagnostic[];
  /** Share of the pixel's browser events the Conversions API also sent (7-day average), 0-100. */
  eventCoveragePercent: number | null;
  /** How often Meta receives the event: real_time, hourly, daily, … */
  uploadFrequency: string | null;
}

export type DatasetQualityRead =
  | { kind: 'available'; events: EventQuality[]; answer: MetaAnswer }
  /** Meta refused the question: the token or its permissions (answer says which). */
  | { kind: 'refused'; answer: MetaAnswer }
  | { kind: 'no_answer'; answer: MetaAnswer };

export async function readDatasetQuality(params: ReadDatasetQualityParams): Promise<DatasetQualityRead> {
  const result = await graphGet({
    graphUrl: params.graphUrl,
    apiVersion: params.apiVersion,
    path: 'dataset_quality',
    query: { dataset_id: params.pixelId, fields: DATASET_QUALITY_FIELDS },
    accessToken: params.accessToken,
    timeoutMs: params.timeoutMs,
    ...(params.fetchImpl ? { fetchImpl: params.fetchImpl } : {}),
  });
  return classifyDatasetQuality(result);
}

/** Pure: what an answer to dataset_quality means. Table-tested in read-dataset-quality.test.ts. */
export function classifyDatasetQuality(result: GraphGetResult): DatasetQualityRead {
  if (result.kind === 'no_answer') return { kind: 'no_answer', answer: result.answer };
  const { status, body, error, answer } = result;
  if (status >= 200 && status < 300 && !error) {
    if (!isRecord(body) || (body.web !== undefined && !Array.isArray(body.web))) {
      return { kind: 'no_answer', answer: { ...answer, message: `HTTP ${status} without a web array` } };
    }
    const web = Array.isArray(body.web) ? body.web : [];
    return { kind: 'available', events: web.filter(isRecord).map(eventQualityOf).filter((e): e is EventQuality => e !== null), answer };
  }
  if (!error) return { kind: 'no_answer', answer: { ...answer, message: answer.message ?? `HTTP ${status} without a Graph error` } };
  const { code } = error;
  // Token refused (190, 102, 104), permission (10, 200-299), dataset not visible (100/33, 803).
  if (code === 190 || code === 102 || code === 104 || code === 10 || code === 803 || (code === 100 && error.subcode === 33) || (code !== null && code >= 200 && code <= 299)) {
    return { kind: 'refused', answer };
  }
  return { kind: 'no_answer', answer };
}

function eventQualityOf(entry: Record<string, unknown>): EventQuality | null {
  if (typeof entry.event_name !== 'string' || entry.event_name === '') return null;
  const emq = isRecord(entry.event_match_quality) ? entry.event_match_quality : {};
  const coverage = isRecord(entry.event_coverage) ? entry.event_coverage : {};
  const freshness = isRecord(entry.data_freshness) ? entry.data_freshness : {};
  return {
    eventName: entry.event_name.slice(0, 100),
    matchQuality: numberOrNull(emq.composite_score),
    matchKeys: (Array.isArray(emq.match_key_feedback) ? emq.match_key_feedback : []).filter(isRecord).flatMap((k) =>
      typeof k.identifier === 'string'
        ? [{ identifier: k.identifier.slice(0, 50), coveragePercent: isRecord(k.coverage) ? numberOrNull(k.coverage.percentage) : null }]
        : [],
    ),
    diagnostics: (Array.isArray(emq.diagnostics) ? emq.diagnostics : []).filter(isRecord).flatMap((d) =>
      typeof d.name === 'string'
        ? [
            {
              name: d.name.slice(0, 300),
              description: textOrNull(d.description),
              solution: textOrNull(d.solution),
              percentage: numberOrNull(d.percentage),
              affectedEventCount: numberOrNull(d.affected_event_count),
              totalEventCount: numberOrNull(d.total_event_count),
            },
          ]
        : [],
    ),
    eventCoveragePercent: numberOrNull(coverage.percentage),
    uploadFrequency: typeof freshness.upload_frequency === 'string' ? freshness.upload_frequency.slice(0, 50) : null,
  };
}

function numberOrNull(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  // Graph sends some numbers as strings.
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.slice(0, 1000) : null;
}
