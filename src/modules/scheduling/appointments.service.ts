import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { toPage } from '../../platform/http/router.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './scheduling.repo.ts';
import type { Appointment, AppointmentCreate, AppointmentPatch, AppointmentQuery, AppointmentStatus, Reschedule } from './scheduling.schema.ts';
import { forceNeedsAdmin, loadProfile, schedulingError, takeSlot, workspaceOf } from './scheduling.service.ts';

/** Consultations (seed 000's ari_appointments): booked into offered slots, moved along a lifecycle. */

/** Where an appointment may go from each status; the last three are final. */
export const APPOINTMENT_MOVES: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  scheduled: ['confirmed', 'cancelled', 'no_show'],
  confirmed: ['completed', 'cancelled', 'no_show'],
  completed: [],
  cancelled: [],
  no_show: [],
};

const notFound = () => new AppError('appointment.not_found', 'not_found', 'no such appointment in this workspace');

export interface WriteOptions {
  /** Whether the caller may book outside the offered slots: admins. */
  canForce: boolean;
}

export async function createAppointment(ctx: Ctx, input: AppointmentCreate, options: WriteOptions): Promise<Appointment> {
  if (input.force && !options.canForce) throw forceNeedsAdmin();
  const ws = workspaceOf(ctx);
  const at = new Date(input.start);
  const consultantId = input.consultant_id ?? null;
  const id = newId();
  try {
    const conversationId = await repo.ensureAriConversation(ctx.tx, input.contact_id);
    const profile = await loadProfile(ctx);
    const slot = await takeSlot(ctx, profile, { at, consultantId, force: input.force ?? false });
    await repo.insertAppointment(ctx.tx, {
      id,
      workspace_id: ws,
      ari_conversation_id: conversationId,
      consultant_id: consultantId,
      scheduled_at: at,
      duration_minutes: input.duration_minutes ?? slot.minutes ?? 60,
      notes: input.notes ?? null,
      meeting_link: input.meeting_link ?? null,
    });
  } catch (e) {
    throw schedulingError(e, { at, consultantId });
  }
  return getAppointment(ctx, id);
}

export async function getAppointment(ctx: Ctx, id: string): Promise<Appointment> {
  const row = await repo.findAppointment(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw notFound();
  return row;
}

export async function listAppointments(ctx: Ctx, q: AppointmentQuery) {
  const rows = await repo.listAppointments(ctx.tx, workspaceOf(ctx), {
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    status: q.status,
    consultantId: q.consultant_id,
    contactId: q.contact_id,
    cursor: q.cursor,
    limit: q.limit,
  });
  return toPage(rows, q.limit);
}

export async function updateAppointment(ctx: Ctx, id: string, patch: AppointmentPatch): Promise<Appointment> {
  const current = await getAppointment(ctx, id);
  if (Object.keys(patch).length === 0) return current;
  try {
    await repo.updateAppointment(ctx.tx, workspaceOf(ctx), id, patch);
  } catch (e) {
    throw schedulingError(e, { at: current.scheduled_at, consultantId: current.consultant_id });
  }
  return getAppointment(ctx, id);
}

/**
 * Moves an appointment along its lifecycle. The same status again changes nothing (a retried
 * request succeeds); anything else not in APPOINTMENT_MOVES is 409 appointment.invalid_transition.
 */
export async function changeAppointmentStatus(ctx: Ctx, id: string, to: AppointmentStatus): Promise<Appointment> {
  const ws = workspaceOf(ctx);
  const current = await repo.findAppointment(ctx.tx, ws, id, true);
  if (!current) throw notFound();
  if (current.status === to) return current;
  if (!APPOINTMENT_MOVES[current.status].includes(to)) {
    throw new AppError('appointment.invalid_transition', 'conflict', `an appointment cannot go from ${current.status} to ${to}`, {
      from: current.status,
      to,
      allowed: APPOINTMENT_MOVES[current.status],
    });
  }
  await repo.updateAppointment(ctx.tx, ws, id, { status: to });
  return getAppointment(ctx, id);
}

/**
 * A new time (and consultant), checked like a new booking; a reminder is sent again for it.
 * The same time, consultant and length again changes nothing.
 */
export async function rescheduleAppointment(ctx: Ctx, id: string, input: Reschedule, options: WriteOptions): Promise<Appointment> {
  if (input.force && !options.canForce) throw forceNeedsAdmin();
  const ws = workspaceOf(ctx);
  const current = await repo.findAppointment(ctx.tx, ws, id, true);
  if (!current) throw notFound();
  if (APPOINTMENT_MOVES[current.status].length === 0) {
    throw new AppError('appointment.invalid_transition', 'conflict', `a ${current.status} appointment cannot be rescheduled`, { from: current.status, to: 'rescheduled' });
  }
  const at = new Date(input.start);
  const consultantId = input.consultant_id ?? current.consultant_id;
  const unchanged = at.getTime() === current.scheduled_at.getTime() && consultantId === current.consultant_id;
  if (unchanged && (input.duration_minutes ?? current.duration_minutes) === current.duration_minutes) return current;
  try {
    const profile = await loadProfile(ctx);
    const slot = await takeSlot(ctx, profile, { at, consultantId, force: input.force ?? false }, { consultantId: current.consultant_id, at: current.scheduled_at });
    await repo.updateAppointment(ctx.tx, ws, id, {
      scheduled_at: at,
      consultant_id: consultantId,
      duration_minutes: input.duration_minutes ?? slot.minutes ?? current.duration_minutes,
      reminder_sent_at: null,
    });
  } catch (e) {
    throw schedulingError(e, { at, consultantId });
  }
  return getAppointment(ctx, id);
}
