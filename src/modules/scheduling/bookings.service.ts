import type { Updateable } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Bookings } from '../../platform/db/schema.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { toPage } from '../../platform/http/router.ts';
import { newId } from '../../platform/ids.ts';
import { normalizePhone } from '../contacts/index.ts';
import type { WriteOptions } from './appointments.service.ts';
import { seedDateTime } from './local-time.ts';
import { bookingConfirmation, type BookingStatusListener, type Notify } from './notifications.ts';
import * as repo from './scheduling.repo.ts';
import type { Booking, BookingCreate, BookingPatch, BookingQuery, BookingStatus, Reschedule } from './scheduling.schema.ts';
import { forceNeedsAdmin, loadProfile, schedulingError, takeSlot, workspaceOf, type Profile } from './scheduling.service.ts';

/** Service bookings (seed 004, and seed 003's guest checkout): the same slots and seats as appointments. */

/** Where a booking may go from each status; the last three are final. */
export const BOOKING_MOVES: Record<BookingStatus, readonly BookingStatus[]> = {
  pending: ['pending_payment', 'scheduled', 'confirmed', 'cancelled'],
  pending_payment: ['confirmed', 'cancelled'],
  scheduled: ['confirmed', 'cancelled', 'no-show'],
  confirmed: ['completed', 'cancelled', 'no-show'],
  completed: [],
  cancelled: [],
  'no-show': [],
};

const notFound = () => new AppError('booking.not_found', 'not_found', 'no such booking in this workspace');

/** A phone as E.164 in the workspace's country, or 400 on `path`. */
export function customerPhone(input: string, profile: Profile, field: string): string {
  const phone = normalizePhone(input, profile.country);
  if (!phone) throw invalidField(field, 'not a phone number; write it with its country code, like +1 416 555 0101');
  return phone;
}

export async function createBooking(ctx: Ctx, input: BookingCreate, options: WriteOptions & { notify?: Notify | undefined; customerId?: string | undefined }): Promise<Booking> {
  if (input.force && !options.canForce) throw forceNeedsAdmin();
  const ws = workspaceOf(ctx);
  const profile = await loadProfile(ctx);
  const phone = customerPhone(input.customer_phone, profile, 'customer_phone');
  const at = new Date(input.start);
  const consultantId = input.consultant_id ?? null;
  let booking: Booking;
  try {
    const contactId =
      input.contact_id ??
      (await repo.ensureContactByPhone(ctx.tx, { id: newId(), phone, name: input.customer_name, email: input.customer_email ?? null, source: input.source }));
    const slot = await takeSlot(ctx, profile, { at, consultantId, force: input.force ?? false });
    booking = await repo.insertBooking(ctx.tx, {
      id: newId(),
      workspace_id: ws,
      contact_id: contactId,
      guest_session_id: input.guest_session_id ?? null,
      // A signed-in marketplace customer's own booking (seed 003's customer_id), set by the server, never by the request.
      customer_id: options.customerId ?? null,
      consultant_id: consultantId,
      customer_name: input.customer_name,
      customer_phone: phone,
      customer_email: input.customer_email ?? null,
      service_type: input.service_type,
      title: input.title ?? null,
      scheduled_at: at,
      duration_minutes: input.duration_minutes ?? slot.minutes ?? 60,
      ...seedDateTime(at, profile.timeZone),
      status: input.status,
      source: input.source,
      notes: input.notes ?? null,
      pickup_address: input.pickup_address ?? null,
      number_of_loads: input.number_of_loads ?? null,
      payment_amount: input.payment_amount ?? null,
      payment_currency: input.payment_currency ?? profile.currency,
      payment_status: input.payment_status ?? null,
    });
  } catch (e) {
    throw schedulingError(e, { at, consultantId });
  }
  if (booking.status === 'confirmed') return confirmIfDue(ctx, profile, booking, options.notify);
  return booking;
}

export async function getBooking(ctx: Ctx, id: string): Promise<Booking> {
  const row = await repo.findBooking(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw notFound();
  return row;
}

/** The booking, or none (a call's booking may be gone): getBooking without the 404. */
export async function findBooking(ctx: Ctx, id: string): Promise<Booking | undefined> {
  return repo.findBooking(ctx.tx, workspaceOf(ctx), id);
}

export async function listBookings(ctx: Ctx, q: BookingQuery) {
  const rows = await repo.listBookings(ctx.tx, workspaceOf(ctx), {
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    status: q.status,
    source: q.source,
    consultantId: q.consultant_id,
    contactId: q.contact_id,
    guestSessionId: q.guest_session_id,
    cursor: q.cursor,
    limit: q.limit,
  });
  return toPage(rows, q.limit);
}

export async function updateBooking(ctx: Ctx, id: string, patch: BookingPatch): Promise<Booking> {
  const current = await getBooking(ctx, id);
  if (Object.keys(patch).length === 0) return current;
  const columns: Updateable<Bookings> = { ...patch };
  if (patch.customer_phone !== undefined) columns.customer_phone = customerPhone(patch.customer_phone, await loadProfile(ctx), 'customer_phone');
  let row: Booking | undefined;
  try {
    row = await repo.updateBooking(ctx.tx, workspaceOf(ctx), id, columns);
  } catch (e) {
    throw schedulingError(e, current.scheduled_at ? { at: current.scheduled_at, consultantId: current.consultant_id } : undefined);
  }
  if (!row) throw notFound();
  return row;
}

/** Moves a booking along its lifecycle (see BOOKING_MOVES); confirming it sends the confirmation once. */
export async function changeBookingStatus(ctx: Ctx, id: string, to: BookingStatus, notify?: Notify, onStatus?: BookingStatusListener): Promise<Booking> {
  const ws = workspaceOf(ctx);
  const current = await repo.findBooking(ctx.tx, ws, id, true);
  if (!current) throw notFound();
  const from = (current.status ?? 'pending') as BookingStatus;
  if (from === to) return current;
  if (!BOOKING_MOVES[from].includes(to)) {
    throw new AppError('booking.invalid_transition', 'conflict', `a booking cannot go from ${from} to ${to}`, { from, to, allowed: BOOKING_MOVES[from] });
  }
  const row = (await repo.updateBooking(ctx.tx, ws, id, { status: to }))!;
  if (onStatus) await onStatus(ctx, row, from);
  if (to === 'confirmed') return confirmIfDue(ctx, await loadProfile(ctx), row, notify);
  return row;
}

/**
 * A new time (and consultant), checked like a new booking; the reminder goes out again for it.
 * The same time, consultant and length again changes nothing.
 */
export async function rescheduleBooking(ctx: Ctx, id: string, input: Reschedule, options: WriteOptions): Promise<Booking> {
  if (input.force && !options.canForce) throw forceNeedsAdmin();
  const ws = workspaceOf(ctx);
  const current = await repo.findBooking(ctx.tx, ws, id, true);
  if (!current) throw notFound();
  const from = (current.status ?? 'pending') as BookingStatus;
  if (BOOKING_MOVES[from].length === 0) {
    throw new AppError('booking.invalid_transition', 'conflict', `a ${from} booking cannot be rescheduled`, { from, to: 'rescheduled' });
  }
  const at = new Date(input.start);
  const consultantId = input.consultant_id ?? current.consultant_id;
  const unchanged = at.getTime() === current.scheduled_at?.getTime() && consultantId === current.consultant_id;
  if (unchanged && (input.duration_minutes ?? current.duration_minutes) === current.duration_minutes) return current;
  let row: Booking | undefined;
  try {
    const profile = await loadProfile(ctx);
    const release = current.scheduled_at ? { consultantId: current.consultant_id, at: current.scheduled_at } : undefined;
    const slot = await takeSlot(ctx, profile, { at, consultantId, force: input.force ?? false }, release);
    row = await repo.updateBooking(ctx.tx, ws, id, {
      scheduled_at: at,
      consultant_id: consultantId,
      duration_minutes: input.duration_minutes ?? slot.minutes ?? current.duration_minutes,
      ...seedDateTime(at, profile.timeZone),
      reminder_sent: false,
    });
  } catch (e) {
    throw schedulingError(e, { at, consultantId });
  }
  return row!;
}

/**
 * Sends a confirmed booking's confirmation if it has not gone out, in this transaction. With no
 * `notify` here (a route built without one), the scheduling job sends it on its next run.
 */
async function confirmIfDue(ctx: Ctx, profile: Profile, booking: Booking, notify: Notify | undefined): Promise<Booking> {
  if (!notify) return booking;
  const ws = workspaceOf(ctx);
  const claimed = await repo.claimBookingConfirmations(ctx.tx, ws, ctx.clock.now(), booking.id);
  for (const b of claimed) {
    await notify(ctx, { contactId: b.contact_id, kind: 'confirmation', bookingId: b.id, body: bookingConfirmation(profile, b.scheduled_at, b.service_type) });
  }
  return claimed.length ? ((await repo.findBooking(ctx.tx, ws, booking.id)) ?? booking) : booking;
}
