// What an operator does with tenants: create, list, rotate keys. Routes, the CLI (directly or over the
// admin channel) and agent tools call these; none of them touches the store for it.
import { z } from 'zod';
import type { OperationContext } from '../context.ts';
import { nowOf } from '../context.ts';
import { fail, fieldErrors, ok, type Outcome } from '../outcome.ts';
import { createTenant, findTenant, listTenants, rotatePublicKey, rotateSecretKey } from '../../store/tenants.ts';

export const tenantNameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters');

export interface CreatedTenantView {
  id: string;
  name: string;
  secretKey: string;
  publicKey: string;
}

export async function createTenantOperation(ctx: OperationContext, input: { name: string }): Promise<Outcome<CreatedTenantView>> {
  const name = tenantNameSchema.safeParse(input.name);
  if (!name.success) return fail('invalid', 'validation-error', 'problem.nameEmpty', undefined, fieldErrors(name.error.issues.map((i) => ({ ...i, path: ['name'] }))));
  const created = await createTenant(ctx.store.db, { name: name.data });
  return ok({ id: created.tenant.id, name: created.tenant.name, secretKey: created.secretKey, publicKey: created.publicKey });
}

export interface TenantListItem {
  id: string;
  name: string;
  publicKey: string;
  createdAt: string;
  activeSecretKeys: number;
}

export async function listTenantsOperation(ctx: OperationContext): Promise<Outcome<TenantListItem[]>> {
  const tenants = await listTenants(ctx.store.db);
  return ok(tenants.map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })));
}

export const rotateKeyInput = z.object({
  kind: z.enum(['secret', 'public']),
  /** How long the previous key keeps working (0: stops now). A week at most. */
  overlapHours: z.number().min(0).max(168).default(24),
});
export type RotateKeyInput = z.input<typeof rotateKeyInput>;

export interface RotatedKey {
  kind: 'secret' | 'public';
  key: string;
  /** When the previous key stops working. */
  previousValidUntil: string;
}

export async function rotateKeyOperation(ctx: OperationContext, tenantId: string, input: RotateKeyInput): Promise<Outcome<RotatedKey>> {
  const parsed = rotateKeyInput.safeParse(input);
  if (!parsed.success) return fail('invalid', 'validation-error', 'problem.validation', undefined, fieldErrors(parsed.error.issues));
  if (!(await findTenant(ctx.store.db, tenantId))) return fail('not_found', 'not-found', 'problem.noSuchTenant');
  const until = new Date(nowOf(ctx).getTime() + parsed.data.overlapHours * 3_600_000);
  const key =
    parsed.data.kind === 'secret'
      ? await rotateSecretKey(ctx.store.db, tenantId, until)
      : await rotatePublicKey(ctx.store.db, tenantId, until);
  return ok({ kind: parsed.data.kind, key, previousValidUntil: until.toISOString() });
}
