// The operations a machine operator runs from the CLI. Each has a zod input schema and runs either
// in the running server (over the admin channel, src/admin/) or, when no server runs, in the CLI's own
// process — the same function both ways, so the two can never differ.
import { z } from 'zod';
import type { OperationContext } from './context.ts';
import type { Outcome } from './outcome.ts';
import { createTenantOperation, listTenantsOperation, rotateKeyInput, rotateKeyOperation } from './tenants/tenant-operations.ts';
import { getTenantSettingsOperation, patchTenantSettingsOperation } from './tenants/tenant-settings.ts';
import { replayProgressOperation, replayRangeOperation } from './replay/replay-range.ts';
import { saveFunnelOperation } from './funnels/save-funnel.ts';
import { getMappingOperation, putMappingOperation } from './mapping/mapping-operations.ts';
import { reconcileOperation, reconcileQuery } from './reconciliation/reconcile.ts';
import { metaTestInput, sendMetaTestEventOperation } from './meta/send-test-event.ts';

/** What the operator's side knows that the store does not: the hub's public address. */
export interface CatalogContext extends OperationContext {
  baseUrl: string;
}

interface CatalogEntry<S extends z.ZodType> {
  input: S;
  run(ctx: CatalogContext, input: z.output<S>): Promise<Outcome<unknown>>;
}

const entry = <S extends z.ZodType>(input: S, run: CatalogEntry<S>['run']): CatalogEntry<S> => ({ input, run });

const tenantId = z.string().min(1).max(100);

export const operationCatalog = {
  'tenant.create': entry(z.object({ name: z.string() }), (ctx, input) => createTenantOperation(ctx, input)),
  'tenant.list': entry(z.object({}), (ctx) => listTenantsOperation(ctx)),
  'tenant.rotateKey': entry(rotateKeyInput.extend({ tenantId }), (ctx, { tenantId: id, ...input }) => rotateKeyOperation(ctx, id, input)),
  'tenant.settings.get': entry(z.object({ tenantId }), (ctx, input) => getTenantSettingsOperation(ctx, input.tenantId)),
  'tenant.settings.patch': entry(z.object({ tenantId, patch: z.unknown() }), (ctx, input) =>
    patchTenantSettingsOperation(ctx, input.tenantId, input.patch),
  ),
  'replay.start': entry(
    z.object({
      tenantId,
      mode: z.enum(['replay', 'reprocess']),
      from: z.string().optional(),
      to: z.string().optional(),
      gateway: z.string().max(40).optional(),
    }),
    (ctx, input) => replayRangeOperation(ctx, input),
  ),
  'replay.progress': entry(z.object({ replayId: z.string().min(1).max(100) }), (ctx, input) => replayProgressOperation(ctx, input.replayId)),
  reconcile: entry(reconcileQuery.extend({ tenantId }), (ctx, { tenantId: id, ...input }) => reconcileOperation(ctx, id, input)),
  'funnel.save': entry(z.object({ tenantId, slug: z.string(), origins: z.array(z.string()), checkoutHosts: z.array(z.string()).optional() }), (ctx, { tenantId: id, ...input }) =>
    saveFunnelOperation(ctx, id, input),
  ),
  'mapping.get': entry(z.object({ tenantId }), (ctx, input) => getMappingOperation(ctx, input.tenantId)),
  'mapping.put': entry(z.object({ tenantId, mapping: z.unknown() }), (ctx, input) => putMappingOperation(ctx, input.tenantId, input.mapping)),
  'meta.test': entry(metaTestInput.extend({ tenantId }), (ctx, { tenantId: id, ...input }) => sendMetaTestEventOperation(ctx, id, input)),
} satisfies Record<string, CatalogEntry<z.ZodType>>;

export type OperationName = keyof typeof operationCatalog;
export type OperationInput<N extends OperationName> = z.input<(typeof operationCatalog)[N]['input']>;

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operationCatalog, name);
}

/** Validates the input and runs the operation. Input errors are a failure, never a throw. */
export async function runCatalogOperation(ctx: CatalogContext, name: string, input: unknown): Promise<Outcome<unknown>> {
  if (!isOperationName(name)) {
    return { ok: false, failure: { kind: 'not_found', slug: 'not-found', message: { key: 'problem.noSuchRoute' } } };
  }
  const op = operationCatalog[name] as CatalogEntry<z.ZodType>;
  const parsed = op.input.safeParse(input ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      failure: {
        kind: 'invalid',
        slug: 'validation-error',
        message: { key: 'problem.validation' },
        errors: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      },
    };
  }
  return op.run(ctx, parsed.data);
}
