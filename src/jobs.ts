import { paymentsJobs } from './modules/payments/index.ts';
import { schedulingJobs } from './modules/scheduling/index.ts';
import { notify } from './notify.ts';
import type { Clock } from './platform/clock.ts';
import type { Database } from './platform/db/database.ts';
import type { Logger } from './platform/log.ts';
import { withServiceRole } from './platform/db/tenant.ts';
import type { JobDefinition } from './platform/jobs/queue.ts';

/**
 * Every background job of the product, with its schedule. Jobs that span tenants run as
 * the service role; jobs for one workspace run as that workspace's system actor.
 */
export function jobDefinitions({ db, clock, log }: { db: Database; clock: Clock; log: Logger }): JobDefinition<any>[] {
  return [
    ...paymentsJobs({ db, clock, log }),
    ...schedulingJobs({ db, clock, log, notify }),
    {
      // Seed 003: guest checkout sessions live 24 hours; sweep them daily.
      name: 'cleanup-guest-sessions',
      cron: '17 3 * * *',
      handler: async () => {
        await withServiceRole(db, (tx) => tx.query('select public.cleanup_expired_guest_sessions()'));
      },
    },
    {
      // Seed 003: analytics events are kept 90 days; sweep monthly.
      name: 'cleanup-platform-events',
      cron: '41 3 1 * *',
      handler: async () => {
        await withServiceRole(db, (tx) => tx.query('select public.cleanup_old_platform_events()'));
      },
    },
  ];
}
