// Route groups beyond the platform basics. Adding a group = one import and one line here.
import type { RouteFactory } from '../app.ts';
import { trackingRoutes } from './tracking/tracking-routes.ts';
import { pixelRoutes } from './pixel/pixel-routes.ts';

export const extraRoutes: RouteFactory[] = [
  trackingRoutes,
  pixelRoutes,
];
