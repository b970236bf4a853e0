import { createMiddleware } from 'hono/factory';
import type { Places } from '../fairness.ts';
import type { AppEnv } from './env.ts';

/**
 * Anonymous requests of one workspace (named by X-Workspace-Id) take a place in `gate`
 * before they take a database connection, so visitors of one business cannot hold every
 * connection; a request without a place in time is answered 503 busy with Retry-After.
 */
export function anonymousPlace(gate: Places) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.var.principal.kind !== 'anonymous') return next();
    const key = (c.req.header('x-workspace-id') ?? '').toLowerCase();
    await gate.run(`anon:${key}`, 'this business has too many visitors being served at once', () => next());
  });
}
