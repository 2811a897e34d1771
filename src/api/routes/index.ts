// Route groups beyond the platform basics. Adding a group = one import and one line here.
import type { RouteFactory } from '../app.ts';

export const extraRoutes: RouteFactory[] = [];
