// Guards time conversion: gateway clocks in ms, s and zone-less São Paulo wall-clock -> UTC.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochToRfc3339, isoWithZoneToRfc3339, localTimeToRfc3339 } from './timestamps.ts';

describe('localTimeToRfc3339 in America/Sao_Paulo', () => {
  it.each([
    ['2025-04-03 05:09', '2025-04-03T08:09:00.000Z'], // UTC-3 since Brazil dropped DST in 2019
    ['2025-12-31 23:30', '2026-01-01T02:30:00.000Z'],
    ['2025-04-03 05:09:07', '2025-04-03T08:09:07.000Z'],
    ['2018-01-15 10:00', '2018-01-15T12:00:00.000Z'], // summer time 2017-10-15..2018-02-18: UTC-2
    ['2018-07-15 10:00', '2018-07-15T13:00:00.000Z'],
    ['03/04/2025 05:09', undefined],
    ['2025-04-03', undefined],
    ['', undefined],
  ])('%j -> %s', (local, expected) => {
    expect(localTimeToRfc3339(local, 'America/Sao_Paulo')).toBe(expected);
  });

  it('inverts the zone formatting for any minute since 2020', () => {
    const format = new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/Sao_Paulo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2020, 0, 1) / 60_000, max: Date.UTC(2035, 0, 1) / 60_000 }), (minute) => {
      const instant = new Date(minute * 60_000);
      expect(localTimeToRfc3339(format.format(instant), 'America/Sao_Paulo')).toBe(instant.toISOString());
    }));
  });
});

describe('epochToRfc3339 and isoWithZoneToRfc3339', () => {
  it.each([
    [1511783346000, 'ms', '2017-11-27T11:49:06.000Z'],
    [1679493231, 's', '2023-03-22T13:53:51.000Z'],
    [0, 's', undefined],
    [undefined, 'ms', undefined],
    [8.64e15 + 1, 'ms', undefined],
  ] as const)('%s %s -> %s', (value, unit, expected) => {
    expect(epochToRfc3339(value, unit)).toBe(expected);
  });

  it.each([
    ['2025-03-30T05:09:32.747Z', '2025-03-30T05:09:32.747Z'],
    ['2025-03-30T02:09:32-03:00', '2025-03-30T05:09:32.000Z'],
    ['2025-03-30 05:09', undefined], // no zone: not guessed here
  ])('%s -> %s', (value, expected) => {
    expect(isoWithZoneToRfc3339(value)).toBe(expected);
  });
});
