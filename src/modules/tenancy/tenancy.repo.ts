// Workspaces, their members, invitations and API keys: every query tenancy makes on them.
// (The auth schema's users, sessions and pending sign-ups are in auth.repo.ts.)
import type { Updateable } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { Workspaces } from '../../platform/db/schema.ts';

// Workspaces ------------------------------------------------------------------------------

export async function createWorkspaceRow(
  tx: Tx,
  w: { id: string; name: string; slug: string; timeZone: string; locale: string; currency: string; country: string; template: string | null },
) {
  await tx.query('select app.create_workspace($1, $2, $3, $4, $5, $6, $7, $8)', [
    w.id,
    w.name,
    w.slug,
    w.timeZone,
    w.locale,
    w.currency,
    w.country,
    w.template,
  ]);
}

export async function findWorkspace(tx: Tx, workspaceId: string) {
  return tx.db.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).executeTakeFirst();
}

export async function findWorkspaceBySlug(tx: Tx, slug: string) {
  return tx.db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findWorkspaceCountry(tx: Tx, workspaceId: string): Promise<string | undefined> {
  const row = await tx.db.selectFrom('workspaces').select('country').where('id', '=', workspaceId).executeTakeFirst();
  return row?.country;
}

export async function updateWorkspaceRow(tx: Tx, workspaceId: string, set: Updateable<Workspaces>) {
  return tx.db.updateTable('workspaces').set(set).where('id', '=', workspaceId).returningAll().executeTakeFirst();
}

/** Whether a row was deleted. */
export async function deleteWorkspaceRow(tx: Tx, workspaceId: string): Promise<boolean> {
  const res = await tx.db.deleteFrom('workspaces').where('id', '=', workspaceId).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

/** The workspaces the transaction's user belongs to (app.my_workspace_ids(), under their claims). */
export async function myWorkspaceIds(tx: Tx): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>('select app.my_workspace_ids() as id');
  return rows.map((r) => r.id);
}

// Members ---------------------------------------------------------------------------------

/** A user's workspaces with their role in each, by name. */
export async function listMemberships(tx: Tx, userId: string) {
  return tx.db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name', 'w.slug', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('w.name')
    .execute();
}

export async function listMembers(tx: Tx, workspaceId: string) {
  return tx.db
    .selectFrom('workspace_members as m')
    .leftJoin('auth.users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.full_name as name', 'm.role', 'm.created_at'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.created_at')
    .execute();
}

export async function findMemberRole(tx: Tx, workspaceId: string, userId: string): Promise<string | undefined> {
  const row = await tx.db.selectFrom('workspace_members').select('role').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst();
  return row?.role;
}

/** Whether someone with this email is a member already. */
export async function isMemberByEmail(tx: Tx, workspaceId: string, email: string): Promise<boolean> {
  const row = await tx.db
    .selectFrom('workspace_members as m')
    .innerJoin('auth.users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.workspace_id', '=', workspaceId)
    .where('u.email', '=', email)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the member was there to change. */
export async function setMemberRole(tx: Tx, workspaceId: string, userId: string, role: 'owner' | 'admin' | 'member'): Promise<boolean> {
  const res = await tx.db.updateTable('workspace_members').set({ role }).where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Whether a row was deleted (row-level security keeps others' rows from a member). */
export async function deleteMember(tx: Tx, workspaceId: string, userId: string): Promise<boolean> {
  const res = await tx.db.deleteFrom('workspace_members').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

// Invitations -----------------------------------------------------------------------------

export async function insertInvitation(
  tx: Tx,
  inv: { id: string; workspaceId: string; email: string; role: 'admin' | 'member'; tokenHash: string; invitedBy: string | null; expiresAt: Date },
) {
  return tx.db
    .insertInto('invitations')
    .values({
      id: inv.id,
      workspace_id: inv.workspaceId,
      email: inv.email,
      role: inv.role,
      token_hash: inv.tokenHash,
      invited_by: inv.invitedBy,
      expires_at: inv.expiresAt,
    })
    .returning(['id', 'email', 'role', 'created_at', 'expires_at'])
    .executeTakeFirstOrThrow();
}

export async function listInvitations(tx: Tx, workspaceId: string) {
  return tx.db
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Whether an unused invitation was revoked. */
export async function revokeInvitation(tx: Tx, workspaceId: string, id: string, now: Date): Promise<boolean> {
  const res = await tx.db
    .updateTable('invitations')
    .set({ revoked_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Whether a live invitation with this token was sent to this email. */
export async function isLiveInvitationFor(tx: Tx, tokenHash: string, email: string, now: Date): Promise<boolean> {
  const row = await tx.db
    .selectFrom('invitations')
    .select('id')
    .where('token_hash', '=', tokenHash)
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}

/** app.accept_invitation: raises P0002 unknown, P0003 used, P0004 expired, 42501 another email. */
export async function acceptInvitation(tx: Tx, tokenHash: string) {
  const { rows } = await tx.query<{ workspace_id: string; role: string }>('select * from app.accept_invitation($1)', [tokenHash]);
  return rows[0]!;
}

// API keys --------------------------------------------------------------------------------

export async function insertApiKey(
  tx: Tx,
  key: { id: string; workspaceId: string; name: string; prefix: string; keyHash: string; readOnly: boolean; createdBy: string | null },
) {
  return tx.db
    .insertInto('api_keys')
    .values({
      id: key.id,
      workspace_id: key.workspaceId,
      name: key.name,
      prefix: key.prefix,
      key_hash: key.keyHash,
      read_only: key.readOnly,
      created_by: key.createdBy,
    })
    .returning(['id', 'name', 'prefix', 'read_only', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function listApiKeys(tx: Tx, workspaceId: string) {
  return tx.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'read_only', 'created_at', 'last_used_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Whether a live key was revoked. */
export async function revokeApiKey(tx: Tx, workspaceId: string, id: string, now: Date): Promise<boolean> {
  const res = await tx.db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** The live key with this hash, stamped as used now. */
export async function useApiKey(tx: Tx, keyHash: string, now: Date) {
  return tx.db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .returning(['id', 'workspace_id', 'read_only'])
    .executeTakeFirst();
}
