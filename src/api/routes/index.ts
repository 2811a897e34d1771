// Route groups beyond the platform basics. Adding a group = one import and one line here.
import type { RouteFactory } from '../app.ts';
import { trackingRoutes } from './tracking/tracking-routes.ts';
import { pixelRoutes } from './pixel/pixel-routes.ts';
import { webhookRoutes } from './webhooks/webhook-routes.ts';
import { operationsRoutes } from './operations/operations-routes.ts';
import { reconciliationRoutes } from './reconciliation/reconciliation-routes.ts';
import { mappingRoutes } from './mapping/mapping-routes.ts';
import { alertRoutes } from './alerts/alerts-routes.ts';

export const extraRoutes: RouteFactory[] = [
  trackingRoutes,
  pixelRoutes,
  webhookRoutes,
  operationsRoutes,
  reconciliationRoutes,
  mappingRoutes,
  alertRoutes,
];
