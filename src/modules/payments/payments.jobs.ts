import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { withServiceRole } from '../../platform/db/tenant.ts';
import type { JobDefinition } from '../../platform/jobs/queue.ts';
import type { Logger } from '../../platform/log.ts';
import * as repo from './payments.repo.ts';

export interface PaymentsJobDeps {
  db: Database;
  clock: Clock;
  log: Logger;
}

export const EXPIRE_PAYMENTS_JOB = 'payments-expire';

/**
 * Pending payments whose link has run out become expired, in every workspace (so as the
 * service role, in one statement). Held card payments wait for Midtrans's review instead.
 * The triggers of 0012 mark the bookings they were for as failed.
 */
export async function expireDuePayments(deps: PaymentsJobDeps): Promise<number> {
  const expired = await withServiceRole(deps.db, (tx) => repo.expireDuePayments(tx, deps.clock.now()));
  if (expired.length) deps.log.info({ count: expired.length, payments: expired.map((p) => p.id) }, 'payments expired');
  return expired.length;
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
