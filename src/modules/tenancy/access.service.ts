import { AppError } from '../../platform/errors.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { newId } from '../../platform/ids.ts';
import { API_KEY_PREFIX } from './auth.service.ts';
import { newSecret, sha256 } from './secrets.ts';
import * as repo from './tenancy.repo.ts';

const INVITATION_DAYS = 7;

const notFound = (what: 'workspace' | 'member' | 'invitation' | 'api_key') =>
  new AppError(`${what}.not_found` as const, 'not_found', `no such ${what.replace('_', ' ')} in this workspace`);

const workspaceOf = workspaceIdOf;

// Workspace settings ------------------------------------------------------------------

/** The workspace's ISO country, for reading local phone numbers; 'ID' when unknown. */
export async function workspaceCountry(ctx: Ctx): Promise<string> {
  return (await repo.findWorkspaceCountry(ctx.tx, workspaceOf(ctx))) ?? 'ID';
}

export async function getWorkspace(ctx: Ctx) {
  const row = await repo.findWorkspace(ctx.tx, workspaceOf(ctx));
  if (!row) throw notFound('workspace');
  return row;
}

export async function updateWorkspace(
  ctx: Ctx,
  patch: Partial<{ name: string; time_zone: string; locale: string; currency: string; country: string; settings: Record<string, unknown> }>,
) {
  const { settings, ...rest } = patch;
  if (Object.keys(patch).length === 0) return getWorkspace(ctx);
  const row = await repo.updateWorkspaceRow(ctx.tx, workspaceOf(ctx), { ...rest, ...(settings ? { settings: JSON.stringify(settings) } : {}) });
  if (!row) throw notFound('workspace');
  return row;
}

export async function deleteWorkspace(ctx: Ctx) {
  if (!(await repo.deleteWorkspaceRow(ctx.tx, workspaceOf(ctx)))) throw notFound('workspace');
}

/** The owner hands the workspace to another member and stays on as an admin. */
export async function transferOwnership(ctx: Ctx, toUserId: string) {
  if (ctx.actor.kind !== 'user') throw new AppError('auth.forbidden', 'forbidden', 'only the owner can transfer ownership');
  const ws = workspaceOf(ctx);
  if (toUserId === ctx.actor.userId) throw new AppError('member.already_owner', 'conflict', 'you already own this workspace');
  if (!(await repo.setMemberRole(ctx.tx, ws, toUserId, 'owner'))) throw notFound('member');
  await repo.setMemberRole(ctx.tx, ws, ctx.actor.userId, 'admin');
}

// Members ------------------------------------------------------------------------------

export async function listMembers(ctx: Ctx) {
  return repo.listMembers(ctx.tx, workspaceOf(ctx));
}

export async function changeMemberRole(ctx: Ctx, userId: string, role: 'admin' | 'member') {
  const ws = workspaceOf(ctx);
  const current = await repo.findMemberRole(ctx.tx, ws, userId);
  if (!current) throw notFound('member');
  if (current === 'owner') {
    throw new AppError('member.owner_role', 'conflict', 'the owner keeps the owner role; transfer ownership first');
  }
  await repo.setMemberRole(ctx.tx, ws, userId, role);
}

export async function removeMember(ctx: Ctx, userId: string) {
  const ws = workspaceOf(ctx);
  const current = await repo.findMemberRole(ctx.tx, ws, userId);
  if (!current) throw notFound('member');
  if (current === 'owner') {
    throw new AppError('member.owner_role', 'conflict', 'the owner cannot be removed; transfer ownership first');
  }
  if (!(await repo.deleteMember(ctx.tx, ws, userId))) throw new AppError('auth.forbidden', 'forbidden', 'only admins can remove other members');
}

// Invitations --------------------------------------------------------------------------

export async function createInvitation(ctx: Ctx, input: { email: string; role: 'admin' | 'member' }) {
  const ws = workspaceOf(ctx);
  if (await repo.isMemberByEmail(ctx.tx, ws, input.email)) {
    throw new AppError('invitation.already_member', 'conflict', `${input.email} is already a member`, { field: 'email' });
  }
  const { secret, hash } = newSecret('inv_');
  const row = await repo.insertInvitation(ctx.tx, {
    id: newId(),
    workspaceId: ws,
    email: input.email,
    role: input.role,
    tokenHash: hash,
    invitedBy: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    expiresAt: new Date(ctx.clock.now().getTime() + INVITATION_DAYS * 86_400_000),
  });
  return { ...row, token: secret };
}

export async function listInvitations(ctx: Ctx) {
  return repo.listInvitations(ctx.tx, workspaceOf(ctx));
}

export async function revokeInvitation(ctx: Ctx, id: string) {
  if (!(await repo.revokeInvitation(ctx.tx, workspaceOf(ctx), id, ctx.clock.now()))) throw notFound('invitation');
}

export async function acceptInvitation(ctx: Ctx, token: string) {
  try {
    return await repo.acceptInvitation(ctx.tx, sha256(token));
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
  const row = await repo.insertApiKey(ctx.tx, {
    id: newId(),
    workspaceId: workspaceOf(ctx),
    name: input.name,
    prefix: secret.slice(0, 10),
    keyHash: hash,
    readOnly: input.read_only,
    createdBy: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
  });
  return { ...row, key: secret };
}

export async function listApiKeys(ctx: Ctx) {
  return repo.listApiKeys(ctx.tx, workspaceOf(ctx));
}

export async function revokeApiKey(ctx: Ctx, id: string) {
  if (!(await repo.revokeApiKey(ctx.tx, workspaceOf(ctx), id, ctx.clock.now()))) throw notFound('api_key');
}
