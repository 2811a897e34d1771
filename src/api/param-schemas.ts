// What callers put in paths, query strings and key headers: ids, keys, times, cursors and short text.
// Every route builds its params and querystring from these, so a value PostgreSQL cannot take is
// refused at the edge with a 400 that names the field, never answered 500 (which would page an
// operator): text cannot hold a NUL (SQLSTATE 22021), and a year-0 or year-9999 time fails in the
// database (22008, 22009). Descriptions and examples are added where each route uses a schema
// (`.meta()` on the outermost wrapper, schemas.ts says why); a pattern always gets an example there.
import { z } from 'zod';
import type { IdPrefix } from '../lib/ids.ts';
import { ACCEPTED_TIME_RANGE_MESSAGE, isAcceptedTime } from '../lib/accepted-time-range.ts';
import { PUBLIC_KEY_PREFIX } from '../domain/tenancy/api-keys.ts';

// C0 controls (NUL, tab, newline, escape, …), DEL and C1 controls: none belongs in an id, a key, a
// filter or a name, and PostgreSQL text cannot hold NUL at all. A lone UTF-16 surrogate has no UTF-8
// form, so it cannot reach the database either.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text without control characters or unpaired surrogates. */
export function isPlainText(value: string): boolean {
  return !CONTROL_CHARACTER.test(value) && !LONE_SURROGATE.test(value);
}

/** Free text from a path, a query or a short body field: at most `max` characters, no control characters. */
export const plainText = (max: number) =>
  z.string().max(max).refine(isPlainText, { message: 'must not contain control characters (NUL, tab, newline, …) or unpaired surrogates' });

/** An id the hub made (src/lib/ids.ts): its prefix, "_", and a UUIDv7 as 32 lowercase hex digits. */
export function hubId(prefixes: readonly [IdPrefix, ...IdPrefix[]], example: string) {
  const pattern = new RegExp(`^(?:${prefixes.join('|')})_[0-9a-f]{32}$`);
  return z.string().regex(pattern, `expected an id like ${example}`);
}

export const tenantIdParam = hubId(['ten'], 'ten_01a18cae5e0075af8bc0f3eea62dcf0d');
export const eventIdParam = hubId(['evt'], 'evt_01a22739f7407569b52c79239cf6bc45');
/** A job keeps its id across retries and dead-lettering: `job_…` on the database queue, `obx_…` (its outbox row) on SQS. */
export const jobIdParam = hubId(['job', 'obx'], 'job_01a22739fb2879498cb33219d13fa8aa');

// src/domain/tenancy/api-keys.ts: the prefix and base64url random bytes (16 for a public key).
const PUBLIC_KEY = new RegExp(`^${PUBLIC_KEY_PREFIX}[A-Za-z0-9_-]{1,121}$`);

/** Could this be a public key? Only such a value is looked up; anything else is an unknown key. */
export function isPublicKeyShape(value: string): boolean {
  return PUBLIC_KEY.test(value);
}

/** An RFC 3339 time with its offset, from 2000-01-01 to 2100-01-01 (src/lib/accepted-time-range.ts). */
export const apiTime = z.iso
  .datetime({ offset: true, message: 'expected an RFC 3339 time like 2026-11-29T12:00:00Z' })
  .refine((value) => isAcceptedTime(new Date(value)), { message: ACCEPTED_TIME_RANGE_MESSAGE });

/** A list's `nextCursor`, given back as it came: base64url, so never anything PostgreSQL would refuse. */
export const pageCursor = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'expected the nextCursor of a previous page');
