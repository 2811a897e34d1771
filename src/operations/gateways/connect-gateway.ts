// Connecting a gateway: the body checked against the gateway module's own connection schema, its secret
// sealed at rest, and the webhook URL the seller pastes in the gateway — with a warning when that URL is
// local, because the gateway could never reach it. Nothing here names a gateway: each module says what
// its connection takes and seals (src/domain/gateways/<gateway>/index.ts, `connection`).
import type { OperationContext } from '../context.ts';
import { fail, fieldErrors, ok, type Outcome } from '../outcome.ts';
import { gatewayRegistry } from '../../domain/gateways/gateway-registry.ts';
import type { GatewayConnection, GatewayName } from '../../domain/gateways/types.ts';
import type { Message } from '../../i18n/index.ts';
import { upsertConnection } from '../../store/connections.ts';
import { findTenant } from '../../store/tenants.ts';
import { localUrlWarning, webhookUrl } from '../tenants/describe-tenant.ts';

export interface ConnectedGateway {
  kind: GatewayName;
  configured: true;
  hint: string;
  webhookUrl: string;
  warning: Message | null;
}

export async function connectGatewayOperation(
  ctx: OperationContext & { baseUrl: string },
  tenantId: string,
  gateway: GatewayName,
  body: unknown,
): Promise<Outcome<ConnectedGateway>> {
  // Every module's connection, seen through what they have in common: a schema and what it seals.
  const connection: GatewayConnection<unknown> = gatewayRegistry[gateway].connection;
  const parsed = connection.body.safeParse(body);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error.issues);
    return fail('invalid', 'validation-error', 'problem.validation', undefined, errors);
  }
  if (!(await findTenant(ctx.store.db, tenantId))) return fail('not_found', 'not-found', 'problem.noSuchTenant');
  const { secret, hintOf } = connection.secretOf(parsed.data);
  const conn = await upsertConnection(ctx.store.db, ctx.box, tenantId, { kind: gateway, settings: {}, secret: secret as Record<string, unknown>, hintOf });
  return ok({
    kind: gateway,
    configured: true,
    hint: conn.secret_hint,
    webhookUrl: webhookUrl(ctx.baseUrl, gateway, tenantId),
    warning: localUrlWarning(ctx.baseUrl) ?? null,
  });
}
