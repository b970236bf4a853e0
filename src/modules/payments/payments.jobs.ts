import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import type { JobDefinition } from '../../platform/jobs/queue.ts';
import type { Logger } from '../../platform/log.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import * as repo from './payments.repo.ts';
import { settleBookingHold } from './stripe.service.ts';
import { STRIPE } from './stripe.settings.ts';
import { getBooking } from '../scheduling/index.ts';
import { expirePayment, type PaymentListener } from './payments.service.ts';

export interface PaymentsJobDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  /** Tells the customer a link they were asked to pay ran out (the assistant's offer of a new one). */
  onPaymentChange?: PaymentListener;
  /** Opens the workspaces' Stripe keys, to release the holds of bookings cancelled without a status change (lapsed guest holds). */
  secrets?: SecretBox | undefined;
}

const silent: PaymentListener = async () => null;

export const EXPIRE_PAYMENTS_JOB = 'payments-expire';

/**
 * Pending payments whose link has run out become expired, in every workspace. Found as the
 * service role, each is expired in its own workspace's transaction, so that the customer's
 * message is queued with the change and one failure holds up no other. Held card payments
 * wait for Midtrans's review instead. The triggers of 0012 mark the bookings they were for as
 * failed.
 */
export async function expireDuePayments(deps: PaymentsJobDeps): Promise<number> {
  const due = await withServiceRole(deps.db, (tx) => repo.dueToExpire(tx, deps.clock.now()));
  let expired = 0;
  for (const { workspace_id: workspaceId, id } of due) {
    const actor = { kind: 'system' as const, workspaceId };
    try {
      const applied = await withTenant(deps.db, actor, (tx) => expirePayment({ tx, actor, clock: deps.clock, log: deps.log }, id, deps.onPaymentChange ?? silent));
      if (applied) expired++;
    } catch (e) {
      // The next run tries it again.
      deps.log.error({ err: e, workspace_id: workspaceId, payment_id: id }, 'payment expiry failed');
    }
  }
  if (expired) deps.log.info({ count: expired }, 'payments expired');
  return expired;
}

export const RELEASE_STRIPE_HOLDS_JOB = 'payments-release-stripe-holds';

/**
 * Releases the Stripe holds of bookings cancelled other than through a status change (the
 * scheduling job cancels lapsed guest holds in SQL): each open Stripe payment of a cancelled
 * booking is cancelled at Stripe and failed here, in its workspace's transaction. A failure
 * waits for the next run.
 */
export async function releaseCancelledHolds(deps: PaymentsJobDeps & { secrets: SecretBox }): Promise<number> {
  const open = await withServiceRole(deps.db, (tx) => repo.openBookingPayments(tx, STRIPE));
  let released = 0;
  for (const { workspace_id: workspaceId, booking_id: bookingId } of open) {
    const actor = { kind: 'system' as const, workspaceId };
    try {
      released += await withTenant(deps.db, actor, async (tx) => {
        const ctx = { tx, actor, clock: deps.clock, log: deps.log };
        const booking = await getBooking(ctx, bookingId);
        if (booking.status !== 'cancelled') return 0;
        await settleBookingHold(ctx, deps.secrets, booking, deps.onPaymentChange ?? silent);
        return 1;
      });
    } catch (e) {
      deps.log.error({ err: e, workspace_id: workspaceId, booking_id: bookingId }, 'stripe hold release failed');
    }
  }
  if (released) deps.log.info({ count: released }, 'stripe holds of cancelled bookings released');
  return released;
}

export function paymentsJobs(deps: PaymentsJobDeps): JobDefinition[] {
  const secrets = deps.secrets;
  return [
    ...(secrets
      ? [
          {
            name: RELEASE_STRIPE_HOLDS_JOB,
            cron: '*/5 * * * *',
            handler: async () => {
              await releaseCancelledHolds({ ...deps, secrets });
            },
          },
        ]
      : []),
    {
      name: EXPIRE_PAYMENTS_JOB,
      cron: '*/5 * * * *',
      handler: async () => {
        await expireDuePayments(deps);
      },
    },
  ];
}
