// Guards how Meta's Dataset Quality answers are read: the documented example body (EMQ per event with
// match key coverage and diagnostics), fields left out, refusals, and no answer.
import { describe, expect, it } from 'vitest';
import { classifyDatasetQuality, DATASET_QUALITY_FIELDS, readDatasetQuality } from './read-dataset-quality.ts';
import type { GraphGetResult } from './graph-get.ts';
import { parseMetaError } from '../meta/index.ts';

const answer = (status: number, body: unknown): GraphGetResult => {
  const error = parseMetaError(body);
  return {
    kind: 'answer',
    status,
    body,
    error,
    answer: { httpStatus: status, code: error?.code ?? null, subcode: error?.subcode ?? null, message: error?.message ?? null, fbtraceId: null },
  };
};

// The example response on Meta's Dataset Quality API page (EMQ, then EMQ diagnostics, event coverage).
const documented = {
  web: [
    {
      event_match_quality: {
        composite_score: 6.2,
        match_key_feedback: [
          { identifier: 'user_agent', coverage: { percentage: 100 } },
          { identifier: 'external_id', coverage: { percentage: 100 } },
        ],
      },
      event_name: 'pLTVPurchase',
    },
    {
      event_match_quality: {
        composite_score: 7.2,
        match_key_feedback: [{ identifier: 'email', coverage: { percentage: 100 } }, { identifier: 'ip_address', coverage: { percentage: 99.9 } }],
        diagnostics: [
          {
            name: 'Server sending mismatched IP addresses',
            description: 'Your server is sending client IP addresses that do not match those from Meta Pixel.',
            solution: 'In your server payload, send the client_ip_address retrieved from customer interactions.',
            percentage: 61.5,
            affected_event_count: 19567,
            total_event_count: 31830,
          },
        ],
      },
      event_coverage: { percentage: 34.1, goal_percentage: 75 },
      data_freshness: { upload_frequency: 'real_time' },
      event_name: 'Purchase',
    },
  ],
};

describe('classifyDatasetQuality', () => {
  it("reads Meta's documented example", () => {
    const read = classifyDatasetQuality(answer(200, documented));
    expect(read.kind).toBe('available');
    if (read.kind !== 'available') return;
    expect(read.events).toEqual([
      {
        eventName: 'pLTVPurchase',
        matchQuality: 6.2,
        matchKeys: [{ identifier: 'user_agent', coveragePercent: 100 }, { identifier: 'external_id', coveragePercent: 100 }],
        diagnostics: [],
        eventCoveragePercent: null,
        uploadFrequency: null,
      },
      {
        eventName: 'Purchase',
        matchQuality: 7.2,
        matchKeys: [{ identifier: 'email', coveragePercent: 100 }, { identifier: 'ip_address', coveragePercent: 99.9 }],
        diagnostics: [
          {
            name: 'Server sending mismatched IP addresses',
            description: 'Your server is sending client IP addresses that do not match those from Meta Pixel.',
            solution: 'In your server payload, send the client_ip_address retrieved from customer interactions.',
            percentage: 61.5,
            affectedEventCount: 19567,
            totalEventCount: 31830,
          },
        ],
        eventCoveragePercent: 34.1,
        uploadFrequency: 'real_time',
      },
    ]);
  });

  it.each([
    ['an empty dataset', answer(200, { web: [] }), 'available'],
    ['no web field at all', answer(200, {}), 'available'],
    ['a body that is not Graph', answer(200, { web: 'nope' }), 'no_answer'],
    ['an expired token', answer(400, { error: { message: 'Error validating access token', code: 190, error_subcode: 463 } }), 'refused'],
    ['missing ads_read', answer(403, { error: { message: '(#200) Missing Permission', code: 200 } }), 'refused'],
    ['a dataset the token cannot see', answer(400, { error: { message: 'Unsupported get request.', code: 100, error_subcode: 33 } }), 'refused'],
    ['a temporary error', answer(500, { error: { message: 'An unexpected error has occurred.', code: 2, is_transient: true } }), 'no_answer'],
  ])('%s → %s', (_label, result, kind) => {
    expect(classifyDatasetQuality(result).kind).toBe(kind);
  });

  it('skips entries without an event name and never invents a score', () => {
    const read = classifyDatasetQuality(answer(200, { web: [{ event_match_quality: { composite_score: 9 } }, { event_name: 'Lead' }] }));
    expect(read).toMatchObject({ kind: 'available', events: [{ eventName: 'Lead', matchQuality: null, matchKeys: [], diagnostics: [] }] });
  });

  it('asks for the dataset with the documented parameters', async () => {
    const urls: URL[] = [];
    const fetchImpl = (async (url: string) => {
      urls.push(new URL(url));
      return new Response(JSON.stringify(documented), { status: 200 });
    }) as unknown as typeof fetch;
    await readDatasetQuality({ graphUrl: 'https://graph.example', apiVersion: 'v24.0', pixelId: '1234567890', accessToken: 'EAAB', timeoutMs: 1000, fetchImpl });
    expect(urls[0]!.pathname).toBe('/v24.0/dataset_quality');
    expect(Object.fromEntries(urls[0]!.searchParams)).toEqual({ dataset_id: '1234567890', fields: DATASET_QUALITY_FIELDS, access_token: 'EAAB' });
  });
});
