import { createHash, randomBytes } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { fromMinor } from '../../platform/money.ts';
import { bookableService, quote } from '../catalog/index.ts';
import { customerPhone } from './bookings.service.ts';
import { seedDateTime } from './local-time.ts';
import * as repo from './scheduling.repo.ts';
import type { Booking, GuestBookingCreate, GuestSessionCreate } from './scheduling.schema.ts';
import { loadProfile, schedulingError, takeSlot, workspaceOf } from './scheduling.service.ts';

/** Seed 003's guest checkout: a visitor books without an account and may convert later. */

const SESSION_HOURS = 24;

export async function createGuestSession(ctx: Ctx, input: GuestSessionCreate): Promise<{ id: string; token: string; expires_at: Date }> {
  const ws = workspaceOf(ctx);
  await requireGuestCheckout(ctx);
  // 32 random bytes as lowercase hex, as the product makes them (the table checks the format).
  try {
    const s = await openGuestSession(ctx.tx, ws, { email: input.email, fullName: input.full_name, phone: input.phone ?? null, now: ctx.clock.now() });
    return { id: s.id, token: s.token, expires_at: s.expiresAt };
  } catch (e) {
    if (fromDatabaseError(e)?.code === 'db.foreign_key_violation') throw new AppError('workspace.not_found', 'not_found', 'no such workspace');
    throw fromDatabaseError(e) ?? e;
  }
}

/**
 * A guest session (seed 003's guest_sessions): its token is the visitor's credential for 24
 * hours, for guest checkout and web chat alike, so one token books and chats.
 */
export async function openGuestSession(
  tx: Tx,
  ws: string,
  s: { email: string; fullName: string; phone?: string | null; metadata?: Record<string, unknown>; now: Date },
): Promise<{ id: string; token: string; expiresAt: Date }> {
  // 32 random bytes as lowercase hex, as the product makes them (the table checks the format).
  const token = randomBytes(32).toString('hex');
  const id = newId();
  const expiresAt = new Date(s.now.getTime() + SESSION_HOURS * 3_600_000);
  await repo.insertGuestSession(tx, {
    id,
    workspace_id: ws,
    session_token: token,
    email: s.email,
    full_name: s.fullName,
    phone: s.phone ?? null,
    metadata: JSON.stringify(s.metadata ?? {}),
    expires_at: expiresAt,
    created_at: s.now,
  });
  return { id, token, expiresAt };
}

/** How long a guest's unpaid booking holds its seat, and how many such holds may be live. */
export interface GuestCheckoutLimits {
  /** GUEST_HOLD_MINUTES */
  holdMinutes: number;
  /** GUEST_HOLDS_PER_SESSION: live holds of one guest session in the workspace. */
  perSession: number;
  /** GUEST_HOLDS_PER_ADDRESS: live holds from one client address in the workspace, across sessions. */
  perAddress: number;
}

export const DEFAULT_GUEST_CHECKOUT: GuestCheckoutLimits = { holdMinutes: 30, perSession: 3, perAddress: 10 };

const guestCheckoutDisabled = () =>
  new AppError('guest_checkout.disabled', 'forbidden', 'this workspace does not take guest checkout: sign in, or ask the business to turn it on');

/** Refuses guests where the workspace has not turned guest checkout on (settings.scheduling.guest_checkout). */
async function requireGuestCheckout(ctx: Ctx): Promise<void> {
  const enabled = await repo.guestCheckoutEnabled(ctx.tx);
  if (enabled === undefined) throw new AppError('workspace.not_found', 'not_found', 'no such workspace');
  if (!enabled) throw guestCheckoutDisabled();
}

/** A client address as stored beside a hold: a digest, so the table keeps no addresses. */
export const clientDigest = (address: string) => createHash('sha256').update(`frontdesk.guest-hold:${address}`).digest('hex').slice(0, 32);

/** The largest amount seed 004's DECIMAL(10,2) holds. */
const MAX_AMOUNT = 99_999_999.99;

/**
 * Books as the guest whose token is in the request: pending payment, from the web, holding its
 * seat until the hold lapses (GUEST_HOLD_MINUTES). What it costs and how long it takes come
 * from the service; a guest who sends a different price, currency or duration is refused
 * rather than silently corrected, so a client that shows its own figures finds out.
 */
export async function createGuestBooking(
  ctx: Ctx,
  input: GuestBookingCreate,
  opts: { clientAddress: string; limits?: Partial<GuestCheckoutLimits> | undefined },
): Promise<Booking> {
  const ws = workspaceOf(ctx);
  const limits = { ...DEFAULT_GUEST_CHECKOUT, ...opts.limits };
  await requireGuestCheckout(ctx);
  const session = await repo.currentGuestSession(ctx.tx, ws);
  const now = ctx.clock.now();
  if (!session || session.expires_at <= now) {
    throw new AppError('guest.invalid_token', 'unauthenticated', 'the X-Guest-Token is unknown in this workspace or has expired; start a new guest session');
  }
  const profile = await loadProfile(ctx);

  // The service prices and times the booking.
  if (input.service_id === undefined && input.service_type === undefined) {
    throw invalidField('service_id', "required: name one of the workspace's services by service_id or service_type");
  }
  const service = await bookableService(ctx, { id: input.service_id, name: input.service_type });
  const units = input.units ?? (service.unit_name === 'load' ? input.number_of_loads : undefined) ?? 1;
  const price = quote(service, units);
  const amount = fromMinor(price.total_minor, price.currency);
  if (amount > MAX_AMOUNT) throw invalidField('units', 'too many units: the price would not fit a booking');
  const paymentAmount = amount.toFixed(2);
  // An hourly service lasts its hours; anything else (a visit, a pickup) its own duration.
  const minutes = service.unit_name === 'hour' ? units * 60 : service.duration_minutes;
  if (input.payment_amount !== undefined && Number(input.payment_amount) !== Number(paymentAmount)) {
    throw invalidField('payment_amount', `set by the service: ${paymentAmount} ${price.currency} for ${units} ${service.unit_name}(s); leave it out`);
  }
  if (input.payment_currency !== undefined && input.payment_currency !== price.currency) {
    throw invalidField('payment_currency', `set by the service: ${price.currency}; leave it out`);
  }
  if (input.duration_minutes !== undefined && input.duration_minutes !== minutes) {
    throw invalidField('duration_minutes', `set by the service: ${minutes}; leave it out`);
  }

  const given = input.customer_phone ?? session.phone;
  if (!given) throw invalidField('customer_phone', 'required: the guest session has no phone');
  const phone = customerPhone(given, profile, 'customer_phone');
  // A web chat visitor may have given no email: their session records it as ''.
  const email = input.customer_email ?? (session.email.trim() === '' ? null : session.email);
  const name = input.customer_name ?? session.full_name;

  const client = clientDigest(opts.clientAddress);
  const held = await repo.guestHoldCounts(ctx.tx, client, now);
  if (held.session_holds >= limits.perSession) {
    throw new AppError('guest.hold_limit', 'rate_limited', `this guest already holds ${held.session_holds} unpaid bookings here; pay for one or wait for a hold to lapse`, {
      scope: 'session',
      limit: limits.perSession,
    });
  }
  if (held.client_holds >= limits.perAddress) {
    throw new AppError('guest.hold_limit', 'rate_limited', 'too many unpaid guest bookings from this address here; pay for one or wait for a hold to lapse', {
      scope: 'address',
      limit: limits.perAddress,
    });
  }

  const at = new Date(input.start);
  const consultantId = input.consultant_id ?? null;
  try {
    const contactId = await repo.ensureContactByPhone(ctx.tx, { id: newId(), phone, name, email, source: 'guest_checkout' });
    await takeSlot(ctx, profile, { at, consultantId, force: false });
    return await repo.insertBooking(ctx.tx, {
      id: newId(),
      workspace_id: ws,
      guest_session_id: session.id,
      contact_id: contactId,
      consultant_id: consultantId,
      customer_name: name,
      customer_phone: phone,
      customer_email: email,
      service_type: service.name,
      scheduled_at: at,
      duration_minutes: minutes,
      ...seedDateTime(at, profile.timeZone),
      status: 'pending_payment',
      source: 'web',
      notes: input.notes ?? null,
      pickup_address: input.pickup_address ?? null,
      number_of_loads: input.number_of_loads ?? (service.unit_name === 'load' ? units : null),
      payment_amount: paymentAmount,
      payment_currency: price.currency,
      payment_status: price.total_minor > 0 ? 'pending' : null,
      hold_expires_at: new Date(now.getTime() + limits.holdMinutes * 60_000),
      hold_client: client,
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
