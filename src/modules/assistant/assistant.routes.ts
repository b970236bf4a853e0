import type { RouteDeps } from '../../platform/http/env.ts';
import { createRouter } from '../../platform/http/router.ts';
import { assistantConfigRoutes } from './assistant-config.routes.ts';

/** The assistant's HTTP surface: its configuration (and, later, its conversation engine). */
export function assistantRoutes(deps: RouteDeps) {
  const r = createRouter();
  r.route('/', assistantConfigRoutes(deps));
  return r;
}
