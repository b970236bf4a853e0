import type { Tx } from '../../platform/db/database.ts';

export async function insertEvent(
  tx: Tx,
  event: { id: string; workspaceId: string; eventType: string; userId: string | null; sessionId: string | null; properties: Record<string, unknown>; at: Date },
) {
  await tx.db
    .insertInto('platform_events')
    .values({
      id: event.id,
      workspace_id: event.workspaceId,
      event_type: event.eventType,
      user_id: event.userId,
      session_id: event.sessionId,
      properties: JSON.stringify(event.properties),
      created_at: event.at,
    })
    .execute();
}

/** Seed 003's report; it reads only the caller's workspace, and only for admins. */
export async function eventCountsByType(tx: Tx, from: Date, to: Date) {
  const { rows } = await tx.query<{ event_type: string; event_count: number }>(
    'select event_type, event_count from public.get_event_counts_by_type($1, $2)',
    [from.toISOString(), to.toISOString()],
  );
  return rows;
}

/** Seed 003's funnel: unique people per stage, as a percentage of the first stage. */
export async function conversionFunnel(tx: Tx, from: Date, to: Date, stages: string[]) {
  const { rows } = await tx.query<{ stage: string; unique_users: number; conversion_rate: string }>(
    'select stage, unique_users, conversion_rate from public.get_conversion_funnel($1, $2, $3::text[])',
    [from.toISOString(), to.toISOString(), stages],
  );
  return rows;
}

/** Seed 004's daily figures as stored: `date` is YYYY-MM-DD text, money and rates are exact decimals. */
export interface DailyAnalyticsRow {
  date: string;
  total_calls: number;
  successful_calls: number;
  failed_calls: number;
  total_bookings: number;
  total_sms: number;
  total_cost: string;
  conversion_rate: string;
}

const DAILY_COLUMNS = 'date, total_calls, successful_calls, failed_calls, total_bookings, total_sms, total_cost, conversion_rate';

/** Recomputes one workspace's day (its own time zone) from calls, bookings and texts: app.rollup_daily_analytics (0018). */
export async function rollupDay(tx: Tx, workspaceId: string, day: string, newId: string): Promise<DailyAnalyticsRow> {
  const { rows } = await tx.query<DailyAnalyticsRow>(`select ${DAILY_COLUMNS} from app.rollup_daily_analytics($1, $2::date, $3)`, [workspaceId, day, newId]);
  return rows[0]!;
}

/** Today and yesterday, in each zone, of the workspaces visible to the caller that had activity since. */
export async function daysDue(tx: Tx, now: Date): Promise<{ workspace_id: string; day: string }[]> {
  const { rows } = await tx.query<{ workspace_id: string; day: string }>('select workspace_id, day from app.analytics_days_due($1)', [now.toISOString()]);
  return rows;
}

/** The caller's workspace's daily rows from `from` to `to` (YYYY-MM-DD, both included), newest first. */
export async function dailyAnalytics(tx: Tx, workspaceId: string, from: string, to: string): Promise<DailyAnalyticsRow[]> {
  const { rows } = await tx.query<DailyAnalyticsRow>(
    `select ${DAILY_COLUMNS} from public.analytics where workspace_id = $1 and date >= $2 and date <= $3 order by date desc`,
    [workspaceId, from, to],
  );
  return rows;
}
