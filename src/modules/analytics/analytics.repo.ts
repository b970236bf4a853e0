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

// Reports over the workspace's days. `start` and `end` are the instants where the first day
// begins and the day after the last begins, in the workspace's zone.

const CHANNEL_OF = (column: string) => `case ${column} when 'webchat' then 'web' when 'amara' then 'web' else ${column} end`;

/** Conversations begun and conversions per report channel (see channelReportSchema for what counts). */
export async function channelFigures(tx: Tx, ws: string, start: Date, end: Date): Promise<{ channel: string; conversations: number; conversions: number }[]> {
  const { rows } = await tx.query<{ channel: string; conversations: number; conversions: number }>(
    `with begun as (
       select ${CHANNEL_OF('channel')} as channel, count(*) as n
         from public.conversations
        where workspace_id = $1 and created_at >= $2 and created_at < $3 and channel <> 'voice'
        group by 1
       union all
       select 'voice', count(*) from public.calls where workspace_id = $1 and created_at >= $2 and created_at < $3
       union all
       select 'sms', count(distinct phone_number) from public.sms_messages
        where workspace_id = $1 and conversation_id is null and direction = 'inbound' and created_at >= $2 and created_at < $3
       union all
       select 'web', count(*) from public.amara_conversations where workspace_id = $1 and created_at >= $2 and created_at < $3
     ), won as (
       select case when source is null or source = 'manual' then 'staff' else source end as channel, count(*) as n
         from public.bookings
        where workspace_id = $1 and created_at >= $2 and created_at < $3
          and coalesce(status, 'pending') not in ('cancelled', 'pending_payment')
        group by 1
       union all
       select ${CHANNEL_OF('c.channel')}, count(distinct p.ari_conversation_id)
         from public.ari_payments p
         join public.ari_conversations a on a.workspace_id = p.workspace_id and a.id = p.ari_conversation_id
         join public.conversations c on c.workspace_id = a.workspace_id and c.id = a.conversation_id
        where p.workspace_id = $1 and p.status = 'success' and p.booking_id is null and p.paid_at >= $2 and p.paid_at < $3
        group by 1
     )
     select channel, sum(conversations)::int as conversations, sum(conversions)::int as conversions
       from (select channel, n as conversations, 0 as conversions from begun
             union all select channel, 0, n from won) x
      group by channel`,
    [ws, start.toISOString(), end.toISOString()],
  );
  return rows;
}

/** Per day from `from` to `to` (YYYY-MM-DD, the workspace's calendar): leads hot, warm and cold at the day's end. */
export async function temperatureByDay(tx: Tx, ws: string, from: string, to: string, timeZone: string) {
  const { rows } = await tx.query<{ date: string; hot: number; warm: number; cold: number }>(
    `with days as (
       select d::date as day, (d + interval '1 day') at time zone $4 as day_end
         from generate_series($2::timestamp, $3::timestamp, interval '1 day') d
     ), spans as (
       select h.lead_temperature, h.recorded_at as changed_at,
              lead(h.recorded_at) over (partition by h.ari_conversation_id order by h.recorded_at, h.id) as until
         from public.lead_history h
        where h.workspace_id = $1 and h.recorded_at < ($3::timestamp + interval '1 day') at time zone $4
     )
     select to_char(days.day, 'YYYY-MM-DD') as date,
            (count(*) filter (where s.lead_temperature = 'hot'))::int as hot,
            (count(*) filter (where s.lead_temperature = 'warm'))::int as warm,
            (count(*) filter (where s.lead_temperature = 'cold'))::int as cold
       from days
       left join spans s on s.changed_at < days.day_end and (s.until is null or s.until >= days.day_end)
      group by days.day
      order by days.day`,
    [ws, from, to, timeZone],
  );
  return rows;
}

export interface ModelPeriodRow {
  ai_model: string;
  period_start: Date;
  period_end: Date | null;
  conversation_count: number;
  conversion_count: number;
  avg_response_time_ms: number | null;
  total_tokens_used: number;
  satisfaction_score: string | null;
}

/** ari_ai_comparison's rows with a period that overlaps [start, end), oldest first. */
export async function modelPeriods(tx: Tx, ws: string, start: Date, end: Date): Promise<ModelPeriodRow[]> {
  const { rows } = await tx.query<ModelPeriodRow>(
    `select ai_model, period_start, period_end, conversation_count, conversion_count, avg_response_time_ms, total_tokens_used,
            satisfaction_score::text as satisfaction_score
       from public.ari_ai_comparison
      where workspace_id = $1 and period_start is not null and period_start < $3
        and (period_end > $2 or (period_end is null and period_start >= $2))
      order by period_start, ai_model`,
    [ws, start.toISOString(), end.toISOString()],
  );
  return rows;
}
