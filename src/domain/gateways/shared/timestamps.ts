// Gateway times -> RFC 3339 UTC strings.

/** Epoch milliseconds (Hotmart) or seconds (Stripe) -> "2017-11-27T11:49:06.000Z". */
export function epochToRfc3339(value: number | undefined, unit: 'ms' | 's'): string | undefined {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return undefined;
  const date = new Date(unit === 's' ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An ISO string with an explicit zone or Z -> normalized UTC; anything else -> undefined. */
export function isoWithZoneToRfc3339(value: string | undefined): string | undefined {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? '0');
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * A zone-less local "YYYY-MM-DD HH:mm[:ss]" read as wall-clock time in `timeZone` -> UTC.
 * Uses the runtime's tz database (Intl), so historical DST rules are honoured (Brazil had DST
 * until 2019).
 */
export function localTimeToRfc3339(value: string | undefined, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const wallClockAsUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? '0'));
  if (Number.isNaN(wallClockAsUtc)) return undefined;
  // Two passes settle the offset even when the first guess lands across a DST change.
  let utc = wallClockAsUtc - zoneOffsetMs(wallClockAsUtc, timeZone);
  utc = wallClockAsUtc - zoneOffsetMs(utc, timeZone);
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
