import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';

/**
 * What a member of the team should be told (staff_notifications): recorded in the transaction
 * that makes the news, read in the app, delivered elsewhere by a notifier that sets
 * notified_at.
 */

/** The workspace's events that staff can be told of (raised by the database: migrations 0041, 0042), each a preference. */
export const STAFF_EVENT_TYPES = [
  'lead.hot',
  'handoff.requested',
  'conversation.assigned',
  'booking.created',
  'booking.cancelled',
  'booking.rescheduled',
  'payment.received',
  'payment.failed',
  'message.send_failed',
  'webinar.registered',
] as const;
export type StaffEventType = (typeof STAFF_EVENT_TYPES)[number];
export const STAFF_NOTIFICATION_KINDS = ['consultation.assigned', 'consultation.unassigned', 'webhook.disabled', ...STAFF_EVENT_TYPES] as const;
export type StaffNotificationKind = (typeof STAFF_NOTIFICATION_KINDS)[number];

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
  return { data: await query.where('in_app', '=', true).execute() };
}

/** How many of the member's notices in the feed are unread. */
export async function countMyUnread(ctx: Ctx): Promise<{ unread: number }> {
  const row = await ctx.tx.db
    .selectFrom('staff_notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceIdOf(ctx))
    .where('user_id', '=', userOf(ctx))
    .where('in_app', '=', true)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { unread: Number(row.n) };
}

/** Marks every notice of the member read. */
export async function markAllNotificationsRead(ctx: Ctx): Promise<{ unread: number }> {
  await ctx.tx.db
    .updateTable('staff_notifications')
    .set({ read_at: ctx.clock.now() })
    .where('workspace_id', '=', workspaceIdOf(ctx))
    .where('user_id', '=', userOf(ctx))
    .where('read_at', 'is', null)
    .execute();
  return { unread: 0 };
}

export interface NotificationPreference {
  event_type: StaffEventType;
  in_app: boolean;
  email: boolean;
}

/** What the member gets for each event: theirs where they chose, else the default (in the app, no e-mail). */
export async function myPreferences(ctx: Ctx): Promise<NotificationPreference[]> {
  const rows = await ctx.tx.db
    .selectFrom('staff_notification_preferences')
    .select(['event_type', 'in_app', 'email'])
    .where('workspace_id', '=', workspaceIdOf(ctx))
    .where('user_id', '=', userOf(ctx))
    .execute();
  const chosen = new Map(rows.map((r) => [r.event_type, r]));
  return STAFF_EVENT_TYPES.map((event_type) => {
    const c = chosen.get(event_type);
    return { event_type, in_app: c?.in_app ?? true, email: c?.email ?? false };
  });
}

/** Sets the member's choices for the events given; the others stay as they were. */
export async function setMyPreferences(ctx: Ctx, prefs: NotificationPreference[]): Promise<NotificationPreference[]> {
  if (prefs.length) {
    const ws = workspaceIdOf(ctx);
    const user = userOf(ctx);
    const at = ctx.clock.now();
    await ctx.tx.db
      .insertInto('staff_notification_preferences')
      .values(prefs.map((p) => ({ workspace_id: ws, user_id: user, event_type: p.event_type, in_app: p.in_app, email: p.email, updated_at: at })))
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id', 'event_type']).doUpdateSet((eb) => ({ in_app: eb.ref('excluded.in_app'), email: eb.ref('excluded.email'), updated_at: at })))
      .execute();
  }
  return myPreferences(ctx);
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
