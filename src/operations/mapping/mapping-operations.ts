// GET|PUT /api/v1/mapping: what each kind of conversion becomes at each destination. A PUT replaces a
// destination's rules (kinds left out take their defaults) and applies to conversions matched from
// then on; `hub replay` applies it to past ones Meta still accepts (docs/conversions.md).
import type { OperationContext } from '../context.ts';
import { fail, ok, type Outcome } from '../outcome.ts';
import { resolveMapping, validateMapping, type ConversionMapping } from '../../domain/mapping/index.ts';
import { readStoredMapping, writeStoredMapping } from '../../store/mappings.ts';
import { listConnections } from '../../store/connections.ts';
import { findTenant } from '../../store/tenants.ts';
import { getGateway } from '../../domain/gateways/gateway-registry.ts';

export async function getMappingOperation(ctx: OperationContext, tenantId: string): Promise<Outcome<ConversionMapping>> {
  if (!(await findTenant(ctx.store.db, tenantId))) return fail('not_found', 'not-found', 'problem.noSuchTenant');
  return ok(resolveMapping(await readStoredMapping(ctx.store.db, tenantId)));
}

export async function putMappingOperation(ctx: OperationContext, tenantId: string, body: unknown): Promise<Outcome<ConversionMapping>> {
  if (!(await findTenant(ctx.store.db, tenantId))) return fail('not_found', 'not-found', 'problem.noSuchTenant');
  // A `net` value rule needs every connected gateway to state the seller's net.
  const connections = await listConnections(ctx.store.db, tenantId);
  const gatewaysWithoutNet = connections.map((c) => getGateway(c.kind)).flatMap((g) => (g && !g.statesNetValue ? [g.name] : []));
  const checked = validateMapping(body, { gatewaysWithoutNet });
  if (!checked.ok) {
    return fail('invalid', 'validation-error', 'problem.mappingInvalid', { fields: checked.errors.map((e) => e.path).join(', ') }, checked.errors);
  }
  for (const [destination, rules] of Object.entries(checked.value)) {
    await writeStoredMapping(ctx.store.db, tenantId, destination as keyof ConversionMapping, rules ?? {});
  }
  return ok(resolveMapping(await readStoredMapping(ctx.store.db, tenantId)));
}
