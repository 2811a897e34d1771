// GET /api/v1/tenant: everything a seller needs to see about their own tenant in one answer — keys'
// public half, the pixel tag to paste, funnels, connections (never secrets), webhook URLs, and what
// needs their attention (a local hub address, refused origins).
import type { OperationContext } from '../context.ts';
import { fail, ok, type Outcome } from '../outcome.ts';
import { findTenant } from '../../store/tenants.ts';
import { listConnections } from '../../store/connections.ts';
import { listFunnels } from '../../store/funnels.ts';
import { listRefusedOrigins } from '../../store/refused-origins.ts';
import { isGatewayName } from '../../domain/gateways/gateway-registry.ts';
import type { Message } from '../../i18n/index.ts';
import { isLocalUrl, pixelTag } from './pixel-tag.ts';

export interface TenantView {
  id: string;
  name: string;
  publicKey: string;
  createdAt: string;
  pixelTag: string;
  funnels: Array<{ slug: string; origins: string[]; checkoutHosts: string[] }>;
  connections: Array<{
    kind: string;
    configured: true;
    hint: string;
    health: string;
    healthReason: string | null;
    settings: Record<string, unknown>;
    webhookUrl: string | null;
    updatedAt: string;
  }>;
  refusedOrigins: Array<{ origin: string; count: number; lastSeenAt: string }>;
  /** Things to fix, each a message in the reader's language. */
  warnings: Message[];
}

export function webhookUrl(baseUrl: string, gateway: string, tenantId: string): string {
  return `${baseUrl}/api/v1/webhooks/${gateway}?tenant=${tenantId}`;
}

/** The warning a local base URL deserves wherever a webhook URL is handed out. */
export function localUrlWarning(baseUrl: string): Message | undefined {
  return isLocalUrl(baseUrl) ? { key: 'hints.localWebhookUrl', params: { url: baseUrl } } : undefined;
}

export async function describeTenantOperation(ctx: OperationContext, tenantId: string, baseUrl: string): Promise<Outcome<TenantView>> {
  const tenant = await findTenant(ctx.store.db, tenantId);
  if (!tenant) return fail('not_found', 'not-found', 'problem.noSuchTenant');
  const [funnels, connections, refused] = await Promise.all([
    listFunnels(ctx.store.db, tenant.id),
    listConnections(ctx.store.db, tenant.id),
    listRefusedOrigins(ctx.store.db, tenant.id),
  ]);
  const hasGateway = connections.some((c) => isGatewayName(c.kind));
  const local = localUrlWarning(baseUrl);
  return ok({
    id: tenant.id,
    name: tenant.name,
    publicKey: tenant.public_key,
    createdAt: tenant.created_at.toISOString(),
    pixelTag: pixelTag(baseUrl, tenant.public_key),
    funnels: funnels.map((f) => ({ slug: f.slug, origins: f.origins, checkoutHosts: f.checkout_hosts })),
    connections: connections.map((c) => ({
      kind: c.kind,
      configured: true as const,
      hint: c.secret_hint,
      health: c.health,
      healthReason: c.health_reason,
      settings: c.settings,
      webhookUrl: isGatewayName(c.kind) ? webhookUrl(baseUrl, c.kind, tenant.id) : null,
      updatedAt: c.updated_at.toISOString(),
    })),
    refusedOrigins: refused.map((r) => ({ origin: r.origin, count: r.count, lastSeenAt: r.lastSeenAt.toISOString() })),
    warnings: hasGateway && local ? [local] : [],
  });
}
