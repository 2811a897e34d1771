// Guards the fbc Meta receives: derived exactly as Meta documents, never from a stale click, never altered.
import { describe, expect, it } from 'vitest';
import { deriveFbc, resolveFbc } from './fbc.ts';

const T = 1_700_000_000_123;

describe('resolveFbc', () => {
  it.each([
    // [case, input, expected]
    ['no fbclid, no fbc', {}, { fbc: null, source: null }],
    ['fbclid only: derived with subdomain index 1 and ms', { fbclid: 'IwAR2F4-dbP0l7' }, { fbc: `fb.1.${T}.IwAR2F4-dbP0l7`, source: 'derived' }],
    ['fbclid keeps its case', { fbclid: 'AbCdEf' }, { fbc: `fb.1.${T}.AbCdEf`, source: 'derived' }],
    ['cookie of the same click is kept', { fbclid: 'AbC', fbc: 'fb.0.1600000000000.AbC' }, { fbc: 'fb.0.1600000000000.AbC', source: 'client' }],
    ['cookie with appendix is kept', { fbclid: 'AbC', fbc: 'fb.1.1600000000000.AbC.AQQCAQAB' }, { fbc: 'fb.1.1600000000000.AbC.AQQCAQAB', source: 'client' }],
    ['cookie of an older click is replaced', { fbclid: 'NEW', fbc: 'fb.1.1600000000000.OLD' }, { fbc: `fb.1.${T}.NEW`, source: 'derived' }],
    ['cookie without fbclid is kept', { fbc: 'fb.1.1600000000000.OLD' }, { fbc: 'fb.1.1600000000000.OLD', source: 'client' }],
    ['malformed fbc is ignored', { fbc: 'garbage' }, { fbc: null, source: null }],
    ['malformed fbc with fbclid is rebuilt', { fbc: 'fb.1.12.x', fbclid: 'x' }, { fbc: `fb.1.${T}.x`, source: 'derived' }],
  ])('%s', (_name, input, expected) => {
    expect(resolveFbc({ ...input, firstSeenMs: T })).toEqual(expected);
  });

  it('uses milliseconds, not seconds', () => {
    expect(deriveFbc('x', T).split('.')[2]).toHaveLength(13);
  });
});
