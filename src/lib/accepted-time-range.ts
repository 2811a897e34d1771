// The instants the hub accepts from callers (API queries, CLI and operation inputs): from 2000-01-01 to
// 2100-01-01 UTC. RFC 3339 allows years 0000-9999 and JavaScript dates reach ±275,760 years, but
// PostgreSQL refuses some of them (year 0: "date/time field value out of range", 22008; 9999-12-31 with
// a negative offset: "time zone displacement out of range", 22009), and no sale or click of the hub
// happened, or will happen, outside this range. A time that parses but falls outside it is refused
// where it arrives, naming the field, instead of failing in the database.
export const EARLIEST_ACCEPTED_TIME = new Date('2000-01-01T00:00:00.000Z');
export const LATEST_ACCEPTED_TIME = new Date('2100-01-01T00:00:00.000Z');

export const ACCEPTED_TIME_RANGE_MESSAGE = 'expected a time from 2000-01-01 to 2100-01-01';

/** A valid date within the accepted range (an Invalid Date is not). */
export function isAcceptedTime(date: Date): boolean {
  const ms = date.getTime();
  return ms >= EARLIEST_ACCEPTED_TIME.getTime() && ms <= LATEST_ACCEPTED_TIME.getTime();
}
