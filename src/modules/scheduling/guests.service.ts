import { randomBytes } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { customerPhone } from './bookings.service.ts';
import { seedDateTime } from './local-time.ts';
import * as repo from './scheduling.repo.ts';
import type { Booking, GuestBookingCreate, GuestSessionCreate } from './scheduling.schema.ts';
import { invalid, loadProfile, schedulingError, takeSlot, workspaceOf } from './scheduling.service.ts';

/** Seed 003's guest checkout: a visitor books without an account and may convert later. */

const SESSION_HOURS = 24;

export async function createGuestSession(ctx: Ctx, input: GuestSessionCreate): Promise<{ id: string; token: string; expires_at: Date }> {
  const ws = workspaceOf(ctx);
  // 32 random bytes as lowercase hex, as the product makes them (the table checks the format).
  const token = randomBytes(32).toString('hex');
  const id = newId();
  const expiresAt = new Date(ctx.clock.now().getTime() + SESSION_HOURS * 3_600_000);
  try {
    await repo.insertGuestSession(ctx.tx, {
      id,
      workspace_id: ws,
      session_token: token,
      email: input.email,
      full_name: input.full_name,
      phone: input.phone ?? null,
      expires_at: expiresAt,
    });
  } catch (e) {
    if (fromDatabaseError(e)?.code === 'db.foreign_key_violation') throw new AppError('workspace.not_found', 'not_found', 'no such workspace');
    throw fromDatabaseError(e) ?? e;
  }
  return { id, token, expires_at: expiresAt };
}

/** Books as the guest whose token is in the request: pending payment, from the web. */
export async function createGuestBooking(ctx: Ctx, input: GuestBookingCreate): Promise<Booking> {
  const ws = workspaceOf(ctx);
  const session = await repo.currentGuestSession(ctx.tx);
  if (!session || session.expires_at <= ctx.clock.now()) {
    throw new AppError('guest.invalid_token', 'unauthenticated', 'the X-Guest-Token is unknown in this workspace or has expired; start a new guest session');
  }
  const profile = await loadProfile(ctx);
  const given = input.customer_phone ?? session.phone;
  if (!given) throw invalid('body.customer_phone', 'required: the guest session has no phone');
  const phone = customerPhone(given, profile, 'body.customer_phone');
  const at = new Date(input.start);
  const consultantId = input.consultant_id ?? null;
  try {
    const contactId = await repo.ensureContactByPhone(ctx.tx, { id: newId(), phone, name: session.full_name, email: session.email, source: 'guest_checkout' });
    const slot = await takeSlot(ctx, profile, { at, consultantId, force: false });
    return await repo.insertBooking(ctx.tx, {
      id: newId(),
      workspace_id: ws,
      guest_session_id: session.id,
      contact_id: contactId,
      consultant_id: consultantId,
      customer_name: session.full_name,
      customer_phone: phone,
      customer_email: session.email,
      service_type: input.service_type,
      scheduled_at: at,
      duration_minutes: input.duration_minutes ?? slot.minutes ?? 60,
      ...seedDateTime(at, profile.timeZone),
      status: 'pending_payment',
      source: 'web',
      notes: input.notes ?? null,
      pickup_address: input.pickup_address ?? null,
      number_of_loads: input.number_of_loads ?? null,
      payment_amount: input.payment_amount ?? null,
      payment_currency: input.payment_currency ?? profile.currency,
      payment_status: input.payment_amount ? 'pending' : null,
    });
  } catch (e) {
    throw schedulingError(e, { at, consultantId });
  }
}

/** Seed 003's convert_guest_to_user for the signed-in caller; its proof rules decide (0005). */
export async function convertGuest(ctx: Ctx, guestSessionId: string): Promise<{ guest_session_id: string; bookings_relinked: number }> {
  workspaceOf(ctx);
  try {
    return { guest_session_id: guestSessionId, bookings_relinked: await repo.convertGuestSession(ctx.tx, guestSessionId) };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'P0002') throw new AppError('guest_session.not_found', 'not_found', 'no such guest session in this workspace');
    if (code === '42501') {
      throw new AppError(
        'guest_session.not_yours',
        'forbidden',
        'this guest session is not yours: send its X-Guest-Token, or confirm the email address the guest used',
      );
    }
    throw fromDatabaseError(e) ?? e;
  }
}
