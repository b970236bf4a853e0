import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';

/**
 * What a member of the team should be told (staff_notifications): recorded in the transaction
 * that makes the news, read in the app, delivered elsewhere by a notifier that sets
 * notified_at.
 */

export type StaffNotificationKind = 'consultation.assigned' | 'consultation.unassigned' | 'webhook.disabled';

export interface StaffNotice {
  kind: StaffNotificationKind;
  body: string;
  appointmentId?: string | undefined;
}

const columns = ['id', 'kind', 'appointment_id', 'body', 'created_at', 'read_at'] as const;

/** The owners and admins, who hear of what nobody in particular was given. */
export async function workspaceLeads(ctx: Ctx): Promise<string[]> {
  const rows = await ctx.tx.db
    .selectFrom('workspace_members')
    .select('user_id')
    .where('workspace_id', '=', workspaceIdOf(ctx))
    .where('role', 'in', ['owner', 'admin'])
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.user_id);
}

/** One notice for each of these members. */
export async function recordStaffNotifications(ctx: Ctx, userIds: string[], notice: StaffNotice): Promise<void> {
  if (userIds.length === 0) return;
  const ws = workspaceIdOf(ctx);
  const at = ctx.clock.now();
  await ctx.tx.db
    .insertInto('staff_notifications')
    .values(userIds.map((user_id) => ({ id: newId(), workspace_id: ws, user_id, kind: notice.kind, body: notice.body, appointment_id: notice.appointmentId ?? null, created_at: at })))
    .execute();
}

const signedInOnly = () => new AppError('auth.session_required', 'forbidden', 'notifications are for a signed-in member, not an API key');

function userOf(ctx: Ctx): string {
  if (ctx.actor.kind !== 'user') throw signedInOnly();
  return ctx.actor.userId;
}

/** The signed-in member's notices, newest first. */
export async function listMyNotifications(ctx: Ctx, q: { unread?: boolean | undefined; limit: number }) {
  let query = ctx.tx.db
    .selectFrom('staff_notifications')
    .select(columns)
    .$narrowType<{ kind: StaffNotificationKind }>()
    .where('workspace_id', '=', workspaceIdOf(ctx))
    .where('user_id', '=', userOf(ctx))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit);
  if (q.unread) query = query.where('read_at', 'is', null);
  return { data: await query.execute() };
}

/** Marks one of the member's own notices read (again is a no-op); another's is not found. */
export async function markNotificationRead(ctx: Ctx, id: string) {
  const row = await ctx.tx.db
    .updateTable('staff_notifications')
    .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(ctx.clock.now())) }))
    .where('workspace_id', '=', workspaceIdOf(ctx))
    .where('user_id', '=', userOf(ctx))
    .where('id', '=', id)
    .returning(columns)
    .$narrowType<{ kind: StaffNotificationKind }>()
    .executeTakeFirst();
  if (!row) throw new AppError('notification.not_found', 'not_found', 'no such notification of yours');
  return row;
}
