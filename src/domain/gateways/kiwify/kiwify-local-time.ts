// Kiwify writes created_at / approved_date / refunded_at as "YYYY-MM-DD HH:mm" with no zone.
// The zone is not documented [unconfirmed, protocols.md §3]; Kiwify is a Brazilian platform and
// its panel shows Brasília time, so the values are read as America/Sao_Paulo wall-clock time.
// ISO strings with a zone (Subscription.start_date "…Z") are taken as they are.
import { isoWithZoneToRfc3339, localTimeToRfc3339 } from '../shared/timestamps.ts';

export const KIWIFY_TIME_ZONE = 'America/Sao_Paulo';

export function kiwifyTimeToRfc3339(value: string | undefined): string | undefined {
  return isoWithZoneToRfc3339(value) ?? localTimeToRfc3339(value, KIWIFY_TIME_ZONE);
}
