import { randomBytes } from 'node:crypto';
import { getContact } from '../contacts/index.ts';
import { recordStaffNotifications, workspaceLeads } from '../tenancy/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { createAppointment } from './appointments.service.ts';
import { languageOf, spokenDateTime } from './local-time.ts';
import type { Appointment } from './scheduling.schema.ts';
import { loadProfile, slotsBetween, workspaceOf, type Profile } from './scheduling.service.ts';

/**
 * A consultation the assistant books for a lead, made to reach a person: a consultant is
 * assigned (of the consultants whose own weekly pattern has the start free, the one assigned
 * longest ago; the pool's slot keeps nobody), it gets a meeting link from the workspace's room
 * pattern, and the consultant (or, with nobody assigned, the owners and admins) is told in
 * the same transaction, so nobody hears of a booking that rolled back.
 */
export async function bookConsultation(ctx: Ctx, input: { contact_id: string; start: string }): Promise<Appointment> {
  const profile = await loadProfile(ctx);
  const at = new Date(input.start);
  // One assignment at a time per workspace: two leads taking the same start must not both
  // get the consultant who was free when each looked.
  await ctx.tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`consultation-assignment:${workspaceOf(ctx)}`]);
  const consultantId = await nextConsultant(ctx, profile, at);
  const pattern = profile.settings.meeting_link_pattern;
  const appointment = await createAppointment(
    ctx,
    { contact_id: input.contact_id, start: input.start, ...(consultantId ? { consultant_id: consultantId } : {}), ...(pattern ? { meeting_link: meetingLink(pattern) } : {}) },
    { canForce: false },
  );
  const contact = await getContact(ctx, input.contact_id);
  const who = contact.name ?? contact.phone ?? contact.email ?? '—';
  const body = consultationNotice(profile, who, at, appointment.meeting_link, consultantId !== null);
  await recordStaffNotifications(ctx, consultantId ? [consultantId] : await workspaceLeads(ctx), {
    kind: consultantId ? 'consultation.assigned' : 'consultation.unassigned',
    body,
    appointmentId: appointment.id,
  });
  return appointment;
}

/** Round robin over the consultants free at that start: the one whose last assignment is oldest (never assigned first). */
async function nextConsultant(ctx: Ctx, profile: Profile, at: Date): Promise<string | null> {
  const start = at.toISOString();
  const all = (await slotsBetween(ctx, profile, { from: at, to: new Date(at.getTime() + 1), includeFull: true })).filter((s) => s.start === start);
  const ids = [...new Set(all.filter((s) => s.seats_left > 0 && s.consultant_id !== null).map((s) => s.consultant_id!))].sort();
  // Nobody free: the pool's slot if there is one, else a full consultant's, which the booking then reports taken.
  if (ids.length === 0) return all.some((s) => s.consultant_id === null) ? null : (all[0]?.consultant_id ?? null);
  if (ids.length === 1) return ids[0]!;
  const last = new Map(
    (
      await ctx.tx.db
        .selectFrom('ari_appointments')
        .select(['consultant_id', (eb) => eb.fn.max('created_at').as('last')])
        .where('workspace_id', '=', workspaceOf(ctx))
        .where('consultant_id', 'in', ids)
        .groupBy('consultant_id')
        .execute()
    ).map((r) => [r.consultant_id!, new Date(r.last as Date).getTime()]),
  );
  return ids.reduce((best, id) => ((last.get(id) ?? -Infinity) < (last.get(best) ?? -Infinity) ? id : best));
}

/** The pattern with {room} replaced by a fresh unguessable room name. */
export function meetingLink(pattern: string): string {
  return pattern.replaceAll('{room}', randomBytes(9).toString('base64url'));
}

function consultationNotice(profile: Profile, who: string, at: Date, link: string | null, assigned: boolean): string {
  const language = languageOf(profile.locale);
  const when = spokenDateTime(at, profile.timeZone, language, profile.country);
  const tail = link ? ` ${link}` : '';
  switch (language) {
    case 'id':
      return `${assigned ? 'Konsultasi baru untuk Anda' : 'Konsultasi baru tanpa konsultan'}: ${who}, ${when}.${tail}`;
    case 'es':
      return `${assigned ? 'Nueva consulta para usted' : 'Nueva consulta sin asesor asignado'}: ${who}, el ${when}.${tail}`;
    case 'en':
      return `${assigned ? 'New consultation for you' : 'New consultation with no consultant assigned'}: ${who}, on ${when}.${tail}`;
  }
}
