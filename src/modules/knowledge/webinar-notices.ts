import { queueNotice } from '../conversations/index.ts';
import { languageOf, spokenDateTime } from '../scheduling/index.ts';
import { getWorkspace } from '../tenancy/index.ts';
import type { Clock } from '../../platform/clock.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import type { Database } from '../../platform/db/database.ts';
import { withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import type { JobDefinition } from '../../platform/jobs/queue.ts';
import type { Logger } from '../../platform/log.ts';

/**
 * What a webinar's registrants are told on their channel (the contact's last one, else
 * WhatsApp, through the outbox): a confirmation when they register and a reminder with the
 * meeting link before it starts. Each is marked on the registration in the transaction that
 * queues it.
 */

/** How long before the start the reminder goes. */
export const WEBINAR_REMINDER_MINUTES = 60;

interface Told {
  title: string;
  scheduled_at: Date;
  meeting_url: string | null;
}

async function wording(ctx: Ctx, kind: 'confirmation' | 'reminder', w: Told): Promise<string> {
  const place = await getWorkspace(ctx);
  const language = languageOf(place.locale);
  const when = spokenDateTime(w.scheduled_at, place.time_zone, language, place.country);
  const link = w.meeting_url;
  switch (language) {
    case 'id':
      return kind === 'confirmation'
        ? `Terima kasih, Anda terdaftar di webinar "${w.title}", ${when}. Kami kirim pengingat dan link-nya sebelum mulai.`
        : `Pengingat: webinar "${w.title}" dimulai ${when}.${link ? ` Link: ${link}` : ''}`;
    case 'es':
      return kind === 'confirmation'
        ? `Gracias, quedó inscrito en el webinar "${w.title}", el ${when}. Le enviaremos un recordatorio con el enlace antes de empezar.`
        : `Recordatorio: el webinar "${w.title}" empieza el ${when}.${link ? ` Enlace: ${link}` : ''}`;
    case 'en':
      return kind === 'confirmation'
        ? `Thanks, you are registered for the webinar "${w.title}" on ${when}. We will send a reminder with the link before it starts.`
        : `Reminder: the webinar "${w.title}" starts on ${when}.${link ? ` Link: ${link}` : ''}`;
  }
}

/** Tells a new registrant they are in, and marks the registration confirmed. */
export async function confirmRegistration(ctx: Ctx, registrationId: string, contactId: string, w: Told & { id: string }): Promise<void> {
  await queueNotice(ctx, { contactId, body: await wording(ctx, 'confirmation', w), metadata: { kind: 'webinar_confirmation', webinar_id: w.id } });
  await ctx.tx.db
    .updateTable('webinar_registrations')
    .set({ confirmed_at: ctx.clock.now() })
    .where('workspace_id', '=', workspaceIdOf(ctx))
    .where('id', '=', registrationId)
    .execute();
}

export interface WebinarNoticeDeps {
  db: Database;
  clock: Clock;
  log: Logger;
}

/**
 * Queues the reminders now due: registrations of published webinars starting within
 * WEBINAR_REMINDER_MINUTES, not reminded yet. One transaction per workspace as its system
 * actor; the claim (UPDATE ... WHERE reminded_at is null RETURNING) makes a second run, or one
 * at the same time, find nothing left.
 */
export async function sendWebinarReminders(deps: WebinarNoticeDeps): Promise<number> {
  const now = deps.clock.now();
  const until = new Date(now.getTime() + WEBINAR_REMINDER_MINUTES * 60_000);
  const workspaces = await withServiceRole(deps.db, async (tx) =>
    (
      await tx.db
        .selectFrom('webinar_registrations as r')
        .innerJoin('webinars as w', (j) => j.onRef('w.workspace_id', '=', 'r.workspace_id').onRef('w.id', '=', 'r.webinar_id'))
        .select('r.workspace_id')
        .distinct()
        .where('r.reminded_at', 'is', null)
        .where('w.status', '=', 'published')
        .where('w.scheduled_at', '>', now)
        .where('w.scheduled_at', '<=', until)
        .execute()
    ).map((r) => r.workspace_id),
  );
  let sent = 0;
  for (const workspaceId of workspaces) {
    const actor = { kind: 'system' as const, workspaceId };
    try {
      sent += await withTenant(deps.db, actor, async (tx) => {
        const ctx: Ctx = { tx, actor, clock: deps.clock, log: deps.log };
        const due = await tx.db
          .updateTable('webinar_registrations as r')
          .from('webinars as w')
          .set({ reminded_at: now })
          .whereRef('w.workspace_id', '=', 'r.workspace_id')
          .whereRef('w.id', '=', 'r.webinar_id')
          .where('r.workspace_id', '=', workspaceId)
          .where('r.reminded_at', 'is', null)
          .where('w.status', '=', 'published')
          .where('w.scheduled_at', '>', now)
          .where('w.scheduled_at', '<=', until)
          .returning(['r.contact_id', 'w.id', 'w.title', 'w.scheduled_at', 'w.meeting_url'])
          .execute();
        for (const r of due) {
          await queueNotice(ctx, { contactId: r.contact_id, body: await wording(ctx, 'reminder', r), metadata: { kind: 'webinar_reminder', webinar_id: r.id } });
        }
        return due.length;
      });
    } catch (e) {
      // One workspace's failure must not hold back the others; its rows stay unmarked for the next run.
      deps.log.error({ err: e, workspace_id: workspaceId }, 'webinar reminders failed; they will be retried');
    }
  }
  return sent;
}

/** The knowledge module's background work, for src/jobs.ts. */
export function knowledgeJobs(deps: WebinarNoticeDeps): JobDefinition[] {
  return [
    {
      name: 'webinar-reminders',
      cron: '*/5 * * * *',
      expireInSeconds: 240,
      handler: async () => {
        const sent = await sendWebinarReminders(deps);
        if (sent) deps.log.info({ sent }, 'webinar reminders queued');
      },
    },
  ];
}
