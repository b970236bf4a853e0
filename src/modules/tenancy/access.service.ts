import { AppError } from '../../platform/errors.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { newId } from '../../platform/ids.ts';
import { API_KEY_PREFIX } from './auth.service.ts';
import { newSecret, sha256 } from './secrets.ts';

const INVITATION_DAYS = 7;

const notFound = (what: string) => new AppError(`${what}.not_found`, 'not_found', `no such ${what.replace('_', ' ')} in this workspace`);

const workspaceOf = workspaceIdOf;

// Workspace settings ------------------------------------------------------------------

/** The workspace's ISO country, for reading local phone numbers; 'ID' when unknown. */
export async function workspaceCountry(ctx: Ctx): Promise<string> {
  const row = await ctx.tx.db.selectFrom('workspaces').select('country').where('id', '=', workspaceOf(ctx)).executeTakeFirst();
  return row?.country ?? 'ID';
}

export async function getWorkspace(ctx: Ctx) {
  const row = await ctx.tx.db.selectFrom('workspaces').selectAll().where('id', '=', workspaceOf(ctx)).executeTakeFirst();
  if (!row) throw notFound('workspace');
  return row;
}

export async function updateWorkspace(
  ctx: Ctx,
  patch: Partial<{ name: string; time_zone: string; locale: string; currency: string; country: string; settings: Record<string, unknown> }>,
) {
  const { settings, ...rest } = patch;
  if (Object.keys(patch).length === 0) return getWorkspace(ctx);
  const row = await ctx.tx.db
    .updateTable('workspaces')
    .set({ ...rest, ...(settings ? { settings: JSON.stringify(settings) } : {}) })
    .where('id', '=', workspaceOf(ctx))
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound('workspace');
  return row;
}

export async function deleteWorkspace(ctx: Ctx) {
  const res = await ctx.tx.db.deleteFrom('workspaces').where('id', '=', workspaceOf(ctx)).executeTakeFirst();
  if (!res.numDeletedRows) throw notFound('workspace');
}

/** The owner hands the workspace to another member and stays on as an admin. */
export async function transferOwnership(ctx: Ctx, toUserId: string) {
  if (ctx.actor.kind !== 'user') throw new AppError('auth.forbidden', 'forbidden', 'only the owner can transfer ownership');
  const ws = workspaceOf(ctx);
  if (toUserId === ctx.actor.userId) throw new AppError('member.already_owner', 'conflict', 'you already own this workspace');
  const promoted = await ctx.tx.db
    .updateTable('workspace_members')
    .set({ role: 'owner' })
    .where('workspace_id', '=', ws)
    .where('user_id', '=', toUserId)
    .executeTakeFirst();
  if (!promoted.numUpdatedRows) throw notFound('member');
  await ctx.tx.db
    .updateTable('workspace_members')
    .set({ role: 'admin' })
    .where('workspace_id', '=', ws)
    .where('user_id', '=', ctx.actor.userId)
    .execute();
}

// Members ------------------------------------------------------------------------------

export async function listMembers(ctx: Ctx) {
  return ctx.tx.db
    .selectFrom('workspace_members as m')
    .leftJoin('auth.users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.full_name as name', 'm.role', 'm.created_at'])
    .where('m.workspace_id', '=', workspaceOf(ctx))
    .orderBy('m.created_at')
    .execute();
}

export async function changeMemberRole(ctx: Ctx, userId: string, role: 'admin' | 'member') {
  const ws = workspaceOf(ctx);
  const current = await ctx.tx.db.selectFrom('workspace_members').select('role').where('workspace_id', '=', ws).where('user_id', '=', userId).executeTakeFirst();
  if (!current) throw notFound('member');
  if (current.role === 'owner') {
    throw new AppError('member.owner_role', 'conflict', 'the owner keeps the owner role; transfer ownership first');
  }
  await ctx.tx.db.updateTable('workspace_members').set({ role }).where('workspace_id', '=', ws).where('user_id', '=', userId).execute();
}

export async function removeMember(ctx: Ctx, userId: string) {
  const ws = workspaceOf(ctx);
  const current = await ctx.tx.db.selectFrom('workspace_members').select('role').where('workspace_id', '=', ws).where('user_id', '=', userId).executeTakeFirst();
  if (!current) throw notFound('member');
  if (current.role === 'owner') {
    throw new AppError('member.owner_role', 'conflict', 'the owner cannot be removed; transfer ownership first');
  }
  const res = await ctx.tx.db.deleteFrom('workspace_members').where('workspace_id', '=', ws).where('user_id', '=', userId).executeTakeFirst();
  if (!res.numDeletedRows) throw new AppError('auth.forbidden', 'forbidden', 'only admins can remove other members');
}

// Invitations --------------------------------------------------------------------------

export async function createInvitation(ctx: Ctx, input: { email: string; role: 'admin' | 'member' }) {
  const ws = workspaceOf(ctx);
  const already = await ctx.tx.db
    .selectFrom('workspace_members as m')
    .innerJoin('auth.users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.workspace_id', '=', ws)
    .where('u.email', '=', input.email)
    .executeTakeFirst();
  if (already) throw new AppError('invitation.already_member', 'conflict', `${input.email} is already a member`, { field: 'email' });
  const { secret, hash } = newSecret('inv_');
  const row = await ctx.tx.db
    .insertInto('invitations')
    .values({
      id: newId(),
      workspace_id: ws,
      email: input.email,
      role: input.role,
      token_hash: hash,
      invited_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
      expires_at: new Date(ctx.clock.now().getTime() + INVITATION_DAYS * 86_400_000),
    })
    .returning(['id', 'email', 'role', 'created_at', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { ...row, token: secret };
}

export async function listInvitations(ctx: Ctx) {
  return ctx.tx.db
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceOf(ctx))
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeInvitation(ctx: Ctx, id: string) {
  const res = await ctx.tx.db
    .updateTable('invitations')
    .set({ revoked_at: ctx.clock.now() })
    .where('workspace_id', '=', workspaceOf(ctx))
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!res.numUpdatedRows) throw notFound('invitation');
}

export async function acceptInvitation(ctx: Ctx, token: string) {
  try {
    const { rows } = await ctx.tx.query<{ workspace_id: string; role: string }>('select * from app.accept_invitation($1)', [sha256(token)]);
    return rows[0]!;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'P0002') throw new AppError('invitation.not_found', 'not_found', 'no such invitation');
    if (code === 'P0003') throw new AppError('invitation.used', 'conflict', 'this invitation was already used');
    if (code === 'P0004') throw new AppError('invitation.expired', 'conflict', 'this invitation has expired; ask for a new one');
    if (code === '42501') throw new AppError('invitation.wrong_email', 'forbidden', (e as Error).message);
    throw fromDatabaseError(e) ?? e;
  }
}

// API keys -----------------------------------------------------------------------------

export async function createApiKey(ctx: Ctx, input: { name: string; read_only: boolean }) {
  const { secret, hash } = newSecret(API_KEY_PREFIX);
  const row = await ctx.tx.db
    .insertInto('api_keys')
    .values({
      id: newId(),
      workspace_id: workspaceOf(ctx),
      name: input.name,
      prefix: secret.slice(0, 10),
      key_hash: hash,
      read_only: input.read_only,
      created_by: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    })
    .returning(['id', 'name', 'prefix', 'read_only', 'created_at'])
    .executeTakeFirstOrThrow();
  return { ...row, key: secret };
}

export async function listApiKeys(ctx: Ctx) {
  return ctx.tx.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'read_only', 'created_at', 'last_used_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceOf(ctx))
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeApiKey(ctx: Ctx, id: string) {
  const res = await ctx.tx.db
    .updateTable('api_keys')
    .set({ revoked_at: ctx.clock.now() })
    .where('workspace_id', '=', workspaceOf(ctx))
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!res.numUpdatedRows) throw notFound('api_key');
}
