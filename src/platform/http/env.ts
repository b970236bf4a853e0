import type { Clock } from '../clock.ts';
import type { Ctx } from '../context.ts';
import type { Database, Tx } from '../db/database.ts';
import type { Actor } from '../db/tenant.ts';
import type { Fairness } from '../fairness.ts';
import type { Logger } from '../log.ts';
import type { SecretBox } from '../secrets.ts';
import type { RateLimits } from './rate-limit.ts';

/** Who is calling, as established by the authentication middleware. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'session'; userId: string; email: string; sessionId: string }
  | { kind: 'api_key'; apiKeyId: string; workspaceId: string; readOnly: boolean };

/** The caller's standing in the workspace of the request: see app.workspace_rank(). */
export const Rank = { readOnly: 0, member: 1, admin: 2, owner: 3, system: 4 } as const;

export interface AppVariables {
  requestId: string;
  log: Logger;
  principal: Principal;
  /** Set by the tenant transaction middleware. */
  actor: Actor;
  tx: Tx;
  rank: number | null;
  ctx: Ctx;
  /**
   * The workspace a route takes from somewhere other than the X-Workspace-Id header (a browser's
   * EventSource cannot send headers); the header wins when both are given.
   */
  requestedWorkspace: string | undefined;
  /** The application's rate-limit counters. */
  limits: RateLimits;
  /** The caller's address: the socket peer, or X-Forwarded-For behind a trusted proxy. */
  clientAddress: string;
}

export interface AppEnv {
  Variables: AppVariables;
}

export interface HttpDeps {
  db: Database;
  log: Logger;
  clock: Clock;
  /** Encrypts integration secrets at rest. */
  secrets: SecretBox;
}

import type { MiddlewareHandler } from 'hono';

/** What every module's routes are built with. */
export interface RouteDeps extends HttpDeps {
  /** The tenant transaction for a caller with at least `minRank` in the request's workspace. */
  inWorkspace(minRank: number): MiddlewareHandler<AppEnv>[];
  /** The tenant transaction for any caller, signed in or not (public endpoints). */
  asCaller(): MiddlewareHandler<AppEnv>[];
  /**
   * Like inWorkspace, but the actor and rank are checked in a short transaction and the
   * handler opens its own (c.var.ctx is not set): for handlers that wait on something slow.
   */
  inWorkspaceUnbound(minRank: number): MiddlewareHandler<AppEnv>[];
  /** The per-workspace limits of this process (turns, anonymous endpoints, the model's timeout). */
  fairness: Fairness;
  /**
   * A place among the anonymous requests of the workspace named by X-Workspace-Id, waited for
   * before any connection is taken (503 busy with Retry-After when none comes); signed-in callers pass.
   */
  anonymousPlace: MiddlewareHandler<AppEnv>;
  /** Refuses anonymous callers with 401. */
  signedIn: MiddlewareHandler<AppEnv>;
  publicUrl?: string | undefined;
}
