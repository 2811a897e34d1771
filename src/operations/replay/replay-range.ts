// Replay (re-match, re-dispatch) or reprocess (re-normalize stored webhook bodies, then match and
// dispatch) a range of a tenant's events. Meta event_ids stay the same, so Meta deduplicates.
import { nowOf, type OperationContext } from '../context.ts';
import { fail, ok, type Outcome } from '../outcome.ts';
import { newId } from '../../lib/ids.ts';
import { countQueuedForReplay, countReplayable, replayablePage, skippedConversionsBefore, type ReplayFilter } from '../../store/replays.ts';
import { readStoredMapping } from '../../store/mappings.ts';
import { mappingKindOf, resolveMapping } from '../../domain/mapping/index.ts';
import { MAX_SENDABLE_EVENT_AGE_MS } from '../../domain/meta/constants.ts';
import type { ConversionKind } from '../../domain/gateways/types.ts';
import { findTenant } from '../../store/tenants.ts';

export type ReplayMode = 'replay' | 'reprocess';

export interface ReplayRangeInput {
  tenantId: string;
  mode: ReplayMode;
  /** RFC 3339 bounds on received_at: [from, to). */
  from?: string;
  to?: string;
  gateway?: string;
}

export interface ReplayStarted {
  replayId: string;
  queued: number;
  /**
   * Conversions the mapping in force would now send but an earlier one left unsent, and that are past
   * Meta's 7 days: the replay marks them not_sendable instead (docs/conversions.md).
   */
  tooOld: number;
}

const PAGE = 500;

export async function replayRangeOperation(
  ctx: OperationContext,
  input: ReplayRangeInput,
  onProgress?: (queued: number, total: number) => void,
): Promise<Outcome<ReplayStarted>> {
  const from = parseTime(input.from);
  const to = parseTime(input.to);
  if (from === null) return fail('invalid', 'validation-error', 'cli.notATime', { name: 'from' });
  if (to === null) return fail('invalid', 'validation-error', 'cli.notATime', { name: 'to' });
  if (!(await findTenant(ctx.store.db, input.tenantId))) return fail('not_found', 'not-found', 'cli.unknownTenant', { id: input.tenantId });
  const filter: ReplayFilter = {
    tenantId: input.tenantId,
    from,
    to,
    gateway: input.gateway,
    types: input.mode === 'reprocess' ? ['webhook'] : undefined,
    includeUnprocessable: input.mode === 'reprocess',
  };
  const total = await countReplayable(ctx.store.db, filter);
  const replayId = newId('rpl');
  let after: string | null = null;
  let queued = 0;
  onProgress?.(0, total);
  for (;;) {
    const ids = await replayablePage(ctx.store.db, filter, after, PAGE);
    if (ids.length === 0) break;
    await ctx.store.db.transaction().execute((trx) =>
      ctx.queue.enqueue(
        trx,
        'ingest-events',
        ids.map((eventId) => ({ tenantId: input.tenantId, payload: { eventId, tenantId: input.tenantId, replayId } })),
      ),
    );
    queued += ids.length;
    after = ids[ids.length - 1]!;
    onProgress?.(queued, total);
  }
  const mapping = resolveMapping(await readStoredMapping(ctx.store.db, input.tenantId));
  const old = await skippedConversionsBefore(ctx.store.db, filter, new Date(nowOf(ctx).getTime() - MAX_SENDABLE_EVENT_AGE_MS));
  const tooOld = old.filter((c) => mapping.meta[mappingKindOf(c.kind as ConversionKind)].event !== null).length;
  return ok({ replayId, queued, tooOld });
}

/** How many of a replay's jobs are still waiting for a worker. */
export async function replayProgressOperation(ctx: OperationContext, replayId: string): Promise<Outcome<{ left: number }>> {
  return ok({ left: await countQueuedForReplay(ctx.store.db, replayId) });
}

/** undefined: no bound; null: not a time. */
function parseTime(value: string | undefined): Date | undefined | null {
  if (value === undefined) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
