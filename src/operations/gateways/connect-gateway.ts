// Connecting a gateway: its webhook secret sealed at rest, and the webhook URL the seller pastes in
// the gateway — with a warning when that URL is local, because the gateway could never reach it.
import type { OperationContext } from '../context.ts';
import { fail, ok, type Outcome } from '../outcome.ts';
import type { GatewayName } from '../../domain/gateways/types.ts';
import type { Message } from '../../i18n/index.ts';
import { upsertConnection } from '../../store/connections.ts';
import { findTenant } from '../../store/tenants.ts';
import { localUrlWarning, webhookUrl } from '../tenants/describe-tenant.ts';

/** The request body of each gateway, already validated by its schema. */
export type GatewayCredentials = { hotmart: { hottok: string }; kiwify: { token: string }; stripe: { webhookSecret: string | string[] } };

export interface ConnectedGateway {
  kind: GatewayName;
  configured: true;
  hint: string;
  webhookUrl: string;
  warning: Message | null;
}

export async function connectGatewayOperation<G extends GatewayName>(
  ctx: OperationContext & { baseUrl: string },
  tenantId: string,
  gateway: G,
  credentials: GatewayCredentials[G],
): Promise<Outcome<ConnectedGateway>> {
  if (!(await findTenant(ctx.store.db, tenantId))) return fail('not_found', 'not-found', 'problem.noSuchTenant');
  const { secret, hintOf } = sealable(gateway, credentials);
  const conn = await upsertConnection(ctx.store.db, ctx.box, tenantId, { kind: gateway, settings: {}, secret, hintOf });
  return ok({
    kind: gateway,
    configured: true,
    hint: conn.secret_hint,
    webhookUrl: webhookUrl(ctx.baseUrl, gateway, tenantId),
    warning: localUrlWarning(ctx.baseUrl) ?? null,
  });
}

/** What is sealed for each gateway, and which value's last characters are shown as the hint. */
function sealable(gateway: GatewayName, credentials: GatewayCredentials[GatewayName]): { secret: Record<string, unknown>; hintOf: string } {
  switch (gateway) {
    case 'hotmart': {
      const { hottok } = credentials as GatewayCredentials['hotmart'];
      return { secret: { hottok }, hintOf: hottok };
    }
    case 'kiwify': {
      const { token } = credentials as GatewayCredentials['kiwify'];
      return { secret: { token }, hintOf: token };
    }
    case 'stripe': {
      // A list lets the seller rotate: Stripe signs with every secret it has during a roll.
      const webhookSecrets = ([] as string[]).concat((credentials as GatewayCredentials['stripe']).webhookSecret);
      return { secret: { webhookSecrets }, hintOf: webhookSecrets.at(-1) ?? '' };
    }
  }
}
