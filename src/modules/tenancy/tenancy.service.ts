import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { assume, claimsFor, withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import { newId } from '../../platform/ids.ts';
import type { Logger } from '../../platform/log.ts';
import * as users from './auth.repo.ts';
import * as repo from './tenancy.repo.ts';
import { createWorkspaceSchema, emailSchema, type CreateWorkspaceInput } from './tenancy.schema.ts';

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return slug || 'workspace';
}

/**
 * Finds the user with this email or creates one (without a password: they set it when
 * they first sign in). Creating users spans tenants, so it runs as the service role.
 */
export async function ensureUser(db: Database, rawEmail: string, fullName?: string): Promise<{ id: string; created: boolean }> {
  const email = emailSchema.parse(rawEmail);
  return withServiceRole(db, async (tx) => {
    const existing = await users.findUserIdByEmail(tx, email);
    if (existing) return { id: existing, created: false };
    const id = newId();
    await users.insertUser(tx, { id, email, fullName });
    // A concurrent creator may have won the race on the unique email.
    const winner = await users.findUserIdByEmail(tx, email);
    return { id: winner!, created: winner === id };
  });
}

/**
 * Creates a workspace owned by the calling user. `setup` runs afterwards in the same
 * transaction, acting inside the new workspace (templates use it to write their defaults).
 */
export async function createWorkspace(
  ctx: Ctx,
  input: CreateWorkspaceInput,
  setup?: (ctx: Ctx, workspaceId: string) => Promise<void>,
): Promise<{ workspaceId: string; slug: string }> {
  if (ctx.actor.kind !== 'user') {
    throw new AppError('workspace.owner_required', 'forbidden', 'a workspace is created by a signed-in user');
  }
  const w = createWorkspaceSchema.parse(input);
  const id = newId();
  const slug = w.slug ?? slugify(w.name);
  try {
    await repo.createWorkspaceRow(ctx.tx, {
      id,
      name: w.name,
      slug,
      timeZone: w.timeZone,
      locale: w.locale,
      currency: w.currency,
      country: w.country,
      template: w.template ?? null,
    });
  } catch (e) {
    const err = fromDatabaseError(e);
    if (err?.code === 'db.unique_violation') {
      throw new AppError('workspace.slug_taken', 'conflict', `the workspace slug "${slug}" is taken; choose another`, {
        slug,
      });
    }
    throw err ?? e;
  }
  if (setup) {
    const actor = { ...ctx.actor, workspaceId: id };
    await assume(ctx.tx, 'authenticated', claimsFor(actor));
    await setup({ ...ctx, actor }, id);
  }
  return { workspaceId: id, slug };
}

/**
 * A signed-in person creates a workspace (POST /workspaces): its own transaction as that
 * user, since no workspace is chosen yet; answers the new workspace's row.
 */
export async function createWorkspaceAsUser(
  deps: { db: Database; clock: Clock; log: Logger },
  user: { userId: string; email: string },
  input: CreateWorkspaceInput,
  setup?: (ctx: Ctx, workspaceId: string) => Promise<void>,
) {
  const actor = { kind: 'user' as const, userId: user.userId, email: user.email };
  return withTenant(deps.db, actor, async (tx) => {
    const ctx: Ctx = { tx, actor, clock: deps.clock, log: deps.log };
    const { workspaceId } = await createWorkspace(ctx, input, setup);
    const row = await repo.findWorkspace(tx, workspaceId);
    if (!row) throw new Error(`workspace ${workspaceId} was created but its owner cannot read it`);
    return row;
  });
}
