import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import { newId } from '../../platform/ids.ts';
import type { JobDefinition } from '../../platform/jobs/queue.ts';
import type { Logger } from '../../platform/log.ts';
import * as repo from './analytics.repo.ts';

export const DAILY_ANALYTICS_JOB = 'analytics-daily-rollup';

export interface DailyRollupDeps {
  db: Database;
  clock: Clock;
  log: Logger;
}

export interface DailyRollupRun {
  workspaces: number;
  days: number;
  failed: number;
}

/**
 * Seed 004's daily analytics rows: re-rolls today and yesterday, each in the workspace's own
 * zone, for every workspace with receptionist activity (app.analytics_days_due). The figures
 * come from app.rollup_daily_analytics, which replaces a day's row, so running again changes
 * nothing. The list is read as the service role; each workspace is rolled up in its own
 * transaction as its system actor, so row-level security keeps the rollup inside it and one
 * workspace's failure does not hold back the others.
 */
export async function rollupDailyAnalytics(deps: DailyRollupDeps): Promise<DailyRollupRun> {
  const due = await withServiceRole(deps.db, (tx) => repo.daysDue(tx, deps.clock.now()));
  const byWorkspace = new Map<string, string[]>();
  for (const d of due) byWorkspace.set(d.workspace_id, [...(byWorkspace.get(d.workspace_id) ?? []), d.day]);
  const run: DailyRollupRun = { workspaces: 0, days: 0, failed: 0 };
  for (const [workspaceId, days] of byWorkspace) {
    try {
      await withTenant(deps.db, { kind: 'system', workspaceId }, async (tx) => {
        for (const day of days) await repo.rollupDay(tx, workspaceId, day, newId());
      });
      run.workspaces += 1;
      run.days += days.length;
    } catch (e) {
      run.failed += 1;
      deps.log.error({ err: e, workspace_id: workspaceId }, 'daily analytics rollup failed; the next run tries again');
    }
  }
  return run;
}

/** The analytics module's background work, for src/jobs.ts. */
export function analyticsJobs(deps: DailyRollupDeps): JobDefinition[] {
  return [
    {
      name: DAILY_ANALYTICS_JOB,
      // Hourly: today's row stays at most an hour behind, and yesterday's is settled by the
      // first runs after local midnight.
      cron: '23 * * * *',
      expireInSeconds: 1800,
      handler: async () => {
        const run = await rollupDailyAnalytics(deps);
        deps.log.info(run, 'daily analytics rolled up');
      },
    },
  ];
}
