// GET /api/v1/alerts: a tenant's alerts, newest first, open or resolved, each with its title and what
// was found in the reader's language (the caller says the messages; describe-alert.ts has them).
import { z } from 'zod';
import type { Message } from '../../i18n/index.ts';
import type { OperationContext } from '../context.ts';
import { fail, fieldErrors, ok, type Outcome } from '../outcome.ts';
import { decodeAlertCursor, listAlerts } from '../../store/alerts.ts';
import type { AlertDetails } from '../../domain/alerts/index.ts';
import { alertBody, alertTitle } from './describe-alert.ts';

export const alertListQuery = z.object({
  state: z.enum(['open', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export type AlertListQuery = z.input<typeof alertListQuery>;

export interface AlertView {
  id: string;
  rule: string;
  subject: string;
  state: 'open' | 'resolved';
  title: Message | null;
  message: Message | null;
  openedAt: string;
  resolvedAt: string | null;
  lastEvaluatedAt: string;
  notifiedAt: string | null;
  details: AlertDetails;
}

export async function listAlertsOperation(
  ctx: OperationContext,
  tenantId: string,
  query: unknown,
): Promise<Outcome<{ data: AlertView[]; nextCursor: string | null }>> {
  const parsed = alertListQuery.safeParse(query);
  if (!parsed.success) return fail('invalid', 'validation-error', 'problem.validation', undefined, fieldErrors(parsed.error.issues));
  const { state, limit, cursor: rawCursor } = parsed.data;
  const cursor = rawCursor ? decodeAlertCursor(rawCursor) : null;
  if (rawCursor && !cursor) return fail('invalid', 'invalid-cursor', 'problem.invalidCursor');
  const page = await listAlerts(ctx.store.db, tenantId, { state }, limit, cursor);
  return ok({
    data: page.rows.map((a) => ({
      id: a.id,
      rule: a.rule,
      subject: a.subject,
      state: a.state,
      title: alertTitle(a.rule),
      message: alertBody(a.rule, a.details),
      openedAt: a.openedAt.toISOString(),
      resolvedAt: a.resolvedAt?.toISOString() ?? null,
      lastEvaluatedAt: a.lastEvaluatedAt.toISOString(),
      notifiedAt: a.notifiedAt?.toISOString() ?? null,
      details: a.details,
    })),
    nextCursor: page.nextCursor,
  });
}
