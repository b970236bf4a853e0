import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors.ts';
import type { Tx } from '../db/database.ts';
import { assumeWithRank, claimsFor, type Actor } from '../db/tenant.ts';
import type { AppEnv, HttpDeps, Principal } from './env.ts';

/** Thrown inside the transaction to roll it back after the handler produced an error response. */
class RolledBack extends Error {}

/**
 * Picks the actor for a principal, inside the request's transaction: the workspace comes
 * from the key, the X-Workspace-Id header, or the user's only workspace.
 */
export type ResolveActor = (tx: Tx, principal: Principal, requestedWorkspace: string | undefined) => Promise<Actor>;

/**
 * One transaction per request, opened here with the caller's identity so that row-level
 * security applies to everything the handler does. A handler error rolls it back.
 */
function requestedWorkspace(c: { req: { header(name: string): string | undefined }; var: { requestedWorkspace?: string | undefined } }): string | undefined {
  const requested = c.req.header('x-workspace-id') || c.var.requestedWorkspace || undefined;
  if (requested && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(requested)) {
    throw new AppError('workspace.invalid_id', 'invalid', 'X-Workspace-Id must be a workspace id (a UUID)');
  }
  return requested;
}

/**
 * The caller's actor and rank, found in a short transaction that has ended before the
 * handler runs: for handlers that open their own transactions around a long wait (an
 * assistant turn while the model writes), so that the wait holds no connection. c.var.tx and
 * c.var.ctx are not set.
 */
export function tenantActor(deps: HttpDeps, resolveActor: ResolveActor) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const requested = requestedWorkspace(c);
    const { actor, rank } = await deps.db.transaction(async (tx) => {
      const actor = await resolveActor(tx, c.var.principal, requested);
      return { actor, rank: await assumeWithRank(tx, claimsFor(actor)) };
    });
    c.set('actor', actor);
    c.set('rank', rank);
    await next();
  });
}

export function tenantTransaction(deps: HttpDeps, resolveActor: ResolveActor) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const requested = requestedWorkspace(c);
    try {
      await deps.db.transaction(async (tx) => {
        const actor = await resolveActor(tx, c.var.principal, requested);
        const rank = await assumeWithRank(tx, claimsFor(actor));
        c.set('actor', actor);
        c.set('tx', tx);
        c.set('rank', rank);
        c.set('ctx', { tx, actor, clock: deps.clock, log: c.var.log });
        await next();
        if (c.error) throw new RolledBack();
      });
    } catch (e) {
      if (!(e instanceof RolledBack)) throw e;
    }
  });
}

/** Refuses callers below `min` in the request's workspace (403), or outside it (404). */
export function requireRank(min: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const rank = c.var.rank;
    const actor = c.var.actor;
    if (rank === null && actor.kind === 'user' && !actor.workspaceId) {
      throw new AppError('workspace.required', 'invalid', 'you belong to several workspaces (or none): name one with the X-Workspace-Id header');
    }
    if (rank === null) {
      throw new AppError('workspace.not_found', 'not_found', 'no such workspace, or you are not a member of it');
    }
    if (rank < min) {
      const needed = min >= 3 ? 'owner' : min === 2 ? 'admin' : 'member (a read-only key cannot write)';
      throw new AppError('auth.forbidden', 'forbidden', `this needs the ${needed} role in this workspace`, { required: needed });
    }
    await next();
  });
}
