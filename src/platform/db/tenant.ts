import type { Database, Tx } from './database.ts';

/**
 * Who a transaction acts for. The server sets these as `request.jwt.claims` and switches
 * role, the way PostgREST does, so the database's row-level security decides what is
 * visible whatever the application code asks for.
 */
export type Actor =
  /** A staff member (or an end user of the workspace, such as a marketplace customer). */
  | { kind: 'user'; userId: string; email?: string | undefined; workspaceId?: string | undefined }
  /** The server acting for one workspace: webhooks, jobs, the assistant. */
  | { kind: 'system'; workspaceId: string }
  /** A visitor with no account: public events, guest checkout, web chat. */
  | { kind: 'anon'; workspaceId?: string | undefined; guestToken?: string | undefined; sessionId?: string | undefined }
  /** An integration holding a workspace API key. */
  | { kind: 'api_key'; apiKeyId: string; workspaceId: string };

export interface Claims {
  role: 'anon' | 'authenticated';
  sub?: string;
  email?: string;
  workspace_id?: string;
  actor: Actor['kind'];
  api_key_id?: string;
  guest_token?: string;
  session_id?: string;
}

export function claimsFor(actor: Actor): Claims {
  switch (actor.kind) {
    case 'user':
      return {
        role: 'authenticated',
        actor: 'user',
        sub: actor.userId,
        ...(actor.email ? { email: actor.email } : {}),
        ...(actor.workspaceId ? { workspace_id: actor.workspaceId } : {}),
      };
    case 'system':
      return { role: 'authenticated', actor: 'system', workspace_id: actor.workspaceId };
    case 'api_key':
      return { role: 'authenticated', actor: 'api_key', api_key_id: actor.apiKeyId, workspace_id: actor.workspaceId };
    case 'anon':
      return {
        role: 'anon',
        actor: 'anon',
        ...(actor.workspaceId ? { workspace_id: actor.workspaceId } : {}),
        ...(actor.guestToken ? { guest_token: actor.guestToken } : {}),
        ...(actor.sessionId ? { session_id: actor.sessionId } : {}),
      };
  }
}

/**
 * Switches to the actor's role and claims and reads its workspace rank, in one round trip:
 * the select list is evaluated in order, so the rank is computed under the new settings.
 */
export async function assumeWithRank(tx: Tx, claims: Claims): Promise<number | null> {
  const { rows } = await tx.query<{ rank: number | null }>(
    `select set_config('request.jwt.claims', $1, true) as c, set_config('role', $2, true) as r, app.workspace_rank() as rank`,
    [JSON.stringify(claims), claims.role],
  );
  return rows[0]?.rank ?? null;
}

/** Switches the current transaction to `role` with `claims`; both end with the transaction. */
export async function assume(tx: Tx, role: 'anon' | 'authenticated' | 'service_role', claims: object): Promise<void> {
  await tx.query(`select set_config('request.jwt.claims', $1, true), set_config('role', $2, true)`, [
    JSON.stringify(claims),
    role,
  ]);
}

/**
 * The tenant transaction: every request, job and command that touches tenant data runs
 * its work through this, so row-level security applies.
 */
export function withTenant<T>(db: Database, actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const claims = claimsFor(actor);
  return db.transaction(async (tx) => {
    await assume(tx, claims.role, claims);
    return fn(tx);
  });
}

/**
 * For work that spans tenants (cleanup jobs, routing a webhook to its workspace). Runs as
 * `service_role`, whose policies allow everything; keep such transactions small.
 */
export function withServiceRole<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await assume(tx, 'service_role', { role: 'service_role' });
    return fn(tx);
  });
}
