import type { Clock } from './clock.ts';
import { AppError } from './errors.ts';
import type { Tx } from './db/database.ts';
import type { Actor } from './db/tenant.ts';
import type { Logger } from './log.ts';

/** What every service function receives first: the transaction it runs in and who asks. */
export interface Ctx {
  tx: Tx;
  actor: Actor;
  clock: Clock;
  log: Logger;
}

/** The workspace the context acts in; a request without one is told how to choose. */
export function workspaceIdOf(ctx: Pick<Ctx, 'actor'>): string {
  const ws = 'workspaceId' in ctx.actor ? ctx.actor.workspaceId : undefined;
  if (!ws) throw new AppError('workspace.required', 'invalid', 'choose a workspace with the X-Workspace-Id header');
  return ws;
}
