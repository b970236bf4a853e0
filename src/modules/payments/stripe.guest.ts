import { z } from '@hono/zod-openapi';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { createStripeHold } from './stripe.service.ts';
import { effectiveGateway, findStripeAccount, STRIPE, stripeNotConfigured } from './stripe.settings.ts';
import * as repo from './payments.repo.ts';
import type { Payment } from './payments.schema.ts';
import { findGuestSessionByToken, getBooking } from '../scheduling/index.ts';

export const GuestHold = z
  .object({
    payment_id: z.uuid(),
    booking_id: z.uuid(),
    status: z.enum(['pending', 'success', 'failed', 'expired', 'refunded']),
    held: z.boolean().openapi({ description: 'the card is authorised and the amount held' }),
    amount: z.number().int().openapi({ description: 'in the unit payments use for the currency (whole COP, cents of USD)' }),
    currency: z.string(),
    client_secret: z.string().nullable().openapi({ description: "confirm the card with Stripe.js: stripe.confirmPayment({ clientSecret }) with the workspace's publishable key" }),
    publishable_key: z.string().nullable(),
  })
  .openapi('GuestHold');
export type GuestHold = z.infer<typeof GuestHold>;

const notFound = () => new AppError('booking.not_found', 'not_found', 'no such booking of this guest session');

/**
 * The hold for a guest's own booking (seed 003's guest checkout, paid with a manual-capture
 * PaymentIntent): created the first time, the same one after. The guest token proves whose
 * booking it is; the hold is made as the workspace's system actor, since a guest reads neither
 * payments nor the workspace's Stripe account. Only where the workspace's gateway is Stripe.
 * Once the booking no longer waits for payment (the hold confirmed it), its hold is answered
 * as it stands.
 */
export async function guestBookingHold(
  deps: { db: Database; secrets: SecretBox; clock: Clock; log: Logger },
  workspaceId: string,
  guestToken: string,
  bookingId: string,
): Promise<GuestHold> {
  const actor = { kind: 'system' as const, workspaceId };
  return withTenant(deps.db, actor, async (tx) => {
    const ctx = { tx, actor, clock: deps.clock, log: deps.log.child({ workspace_id: workspaceId, booking_id: bookingId }) };
    const session = await findGuestSessionByToken(tx, workspaceId, guestToken);
    if (!session || session.expires_at <= deps.clock.now()) throw new AppError('guest.invalid_token', 'unauthenticated', 'the guest session has expired or does not exist; start a new one');
    const booking = await getBooking(ctx, bookingId).catch(() => undefined);
    if (!booking || booking.guest_session_id !== session.id) throw notFound();
    if ((await effectiveGateway(tx, workspaceId)) !== 'stripe') throw stripeNotConfigured();
    const account = await findStripeAccount(tx, workspaceId, deps.secrets);
    if (!account) throw stripeNotConfigured();
    let p: Payment | undefined;
    if (booking.status === 'pending_payment') {
      p = await createStripeHold(ctx, account, { booking_id: bookingId }, async () => null);
    } else {
      // Confirmed by its hold (or paid): the guest still reads it; a new hold is not made.
      const live = await repo.findLivePayment(tx, workspaceId, { bookingId }, deps.clock.now());
      const found = live ? await repo.findPayment(tx, workspaceId, live.id) : undefined;
      if (found?.gateway !== STRIPE) {
        throw new AppError('payment.nothing_to_pay', 'conflict', `the booking is ${booking.status}; only a booking waiting for payment takes a hold`, { status: booking.status });
      }
      p = found;
    }
    return {
      payment_id: p.id,
      booking_id: bookingId,
      status: p.status,
      held: p.held_at !== null,
      amount: p.amount,
      currency: p.currency,
      client_secret: p.client_secret,
      publishable_key: account.settings.publishable_key,
    };
  });
}
