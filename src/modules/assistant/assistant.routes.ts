import { createRouter } from '../../platform/http/router.ts';
import { assistantConfigRoutes } from './assistant-config.routes.ts';
import { assistantModelRoutes, type ModelRouteDeps } from './assistant-models.routes.ts';

/** The assistant's HTTP surface: its configuration and its model mode. */
export function assistantRoutes(deps: ModelRouteDeps) {
  const r = createRouter();
  r.route('/', assistantConfigRoutes(deps));
  r.route('/', assistantModelRoutes(deps));
  return r;
}
