import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import type { JobDefinition } from '../../platform/jobs/queue.ts';
import type { Logger } from '../../platform/log.ts';
import * as repo from './payments.repo.ts';
import { expirePayment, type PaymentListener } from './payments.service.ts';

export interface PaymentsJobDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  /** Tells the customer a link they were asked to pay ran out (the assistant's offer of a new one). */
  onPaymentChange?: PaymentListener;
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

export function paymentsJobs(deps: PaymentsJobDeps): JobDefinition[] {
  return [
    {
      name: EXPIRE_PAYMENTS_JOB,
      cron: '*/5 * * * *',
      handler: async () => {
        await expireDuePayments(deps);
      },
    },
  ];
}
