import type { RouteDeps } from '../../platform/http/env.ts';
import { createRouter } from '../../platform/http/router.ts';

export function conversationsRoutes(_deps: RouteDeps) {
  const r = createRouter();
  return r;
}
