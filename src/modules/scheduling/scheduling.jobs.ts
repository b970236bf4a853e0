import type { Clock } from '../../platform/clock.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Database } from '../../platform/db/database.ts';
import { withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import type { JobDefinition } from '../../platform/jobs/queue.ts';
import type { Logger } from '../../platform/log.ts';
import { appointmentReminder, bookingConfirmation, bookingReminder, type Notify } from './notifications.ts';
import * as repo from './scheduling.repo.ts';
import { loadProfile } from './scheduling.service.ts';

export interface SchedulingJobDeps {
  db: Database;
  log: Logger;
  clock: Clock;
  notify: Notify;
}

export interface NoticeRun {
  reminders: number;
  confirmations: number;
}

/**
 * Sends the reminders now due (appointments and bookings starting within the workspace's
 * reminder lead time, settings.scheduling.reminder_minutes, default 60) and the confirmations of
 * confirmed bookings not yet sent. One transaction per workspace as its system actor: the flag
 * is set and the notification handed over together, so a failure sends nothing and marks
 * nothing, and the next run tries again. Claiming with UPDATE ... WHERE not yet sent RETURNING
 * makes a second run, or one running at the same time, find nothing left to send.
 */
export async function sendDueNotices(deps: SchedulingJobDeps): Promise<NoticeRun> {
  const now = deps.clock.now();
  const workspaces = await withServiceRole(deps.db, (tx) => repo.workspacesWithDueNotices(tx, now));
  const run: NoticeRun = { reminders: 0, confirmations: 0 };
  for (const workspaceId of workspaces) {
    const actor = { kind: 'system' as const, workspaceId };
    try {
      const sent = await withTenant(deps.db, actor, (tx) => noticesFor({ tx, actor, clock: deps.clock, log: deps.log }, deps.notify, now));
      run.reminders += sent.reminders;
      run.confirmations += sent.confirmations;
    } catch (e) {
      // One workspace's failure (its channel, its data) must not hold back the others.
      deps.log.error({ err: e, workspace_id: workspaceId }, 'scheduling notices failed; they will be retried');
    }
  }
  return run;
}

async function noticesFor(ctx: Ctx, notify: Notify, now: Date): Promise<NoticeRun> {
  const profile = await loadProfile(ctx);
  const lead = profile.settings.reminder_minutes;
  const appointments = await repo.claimAppointmentReminders(ctx.tx, profile.workspaceId, now, lead);
  for (const a of appointments) {
    await notify(ctx, { contactId: a.contact_id, kind: 'reminder', appointmentId: a.id, body: appointmentReminder(profile, a.scheduled_at, a.meeting_link) });
  }
  const bookings = await repo.claimBookingReminders(ctx.tx, profile.workspaceId, now, lead);
  for (const b of bookings) {
    await notify(ctx, { contactId: b.contact_id, kind: 'reminder', bookingId: b.id, body: bookingReminder(profile, b.scheduled_at, b.service_type) });
  }
  const confirmations = await repo.claimBookingConfirmations(ctx.tx, profile.workspaceId, now);
  for (const b of confirmations) {
    await notify(ctx, { contactId: b.contact_id, kind: 'confirmation', bookingId: b.id, body: bookingConfirmation(profile, b.scheduled_at, b.service_type) });
  }
  return { reminders: appointments.length + bookings.length, confirmations: confirmations.length };
}

/**
 * Cancels the guest holds that lapsed (hold_expires_at passed, still unpaid), which frees their
 * seats, and records why on each (cancel_reason 'hold_expired'). One statement as the service
 * role: the holds of every workspace at once.
 */
export async function expireGuestHolds(deps: Pick<SchedulingJobDeps, 'db' | 'clock' | 'log'>): Promise<number> {
  const lapsed = await withServiceRole(deps.db, (tx) => repo.cancelLapsedGuestHolds(tx, deps.clock.now()));
  for (const b of lapsed) deps.log.info({ workspace_id: b.workspace_id, booking_id: b.id, guest_session_id: b.guest_session_id }, 'guest hold lapsed unpaid; booking cancelled');
  return lapsed.length;
}

/** The scheduling module's background work, for src/jobs.ts. */
export function schedulingJobs(deps: SchedulingJobDeps): JobDefinition[] {
  return [
    {
      name: 'scheduling-notices',
      cron: '*/5 * * * *',
      // A run that outlives the next tick would only find the same rows claimed.
      expireInSeconds: 240,
      handler: async () => {
        const run = await sendDueNotices(deps);
        if (run.reminders || run.confirmations) deps.log.info(run, 'scheduling notices sent');
      },
    },
    {
      // Every minute, so a hold lapses within a minute of GUEST_HOLD_MINUTES.
      name: 'expire-guest-holds',
      cron: '* * * * *',
      expireInSeconds: 50,
      handler: async () => {
        await expireGuestHolds(deps);
      },
    },
  ];
}
