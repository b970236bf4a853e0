import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Tx } from '../../platform/db/database.ts';
import { withServiceRole } from '../../platform/db/tenant.ts';
import { newId } from '../../platform/ids.ts';
import type { JobDefinition } from '../../platform/jobs/queue.ts';
import type { Logger } from '../../platform/log.ts';

/**
 * The model comparison (seed 000's ari_ai_comparison): per workspace and A/B arm, one
 * all-time row (period_start null) and one row per day in the workspace's time zone.
 * A conversation counts for the arm it was assigned (ari_conversations.ai_model), so
 * the turns where the built-in engine stood in for a failed model count against that
 * model's latency and tokens, as the customer lived them.
 *
 * - conversation_count: conversations with at least one assistant reply in the period;
 * - avg_response_time_ms, total_tokens_used: over the assistant replies of the period;
 * - conversion_count: conversations whose first successful payment falls in the period;
 * - satisfaction_score: the mean of the staff ratings (ari_messages.metadata.feedback.score,
 *   0-5) of the period's replies; null without ratings.
 */

export const AI_COMPARISON_JOB = 'ari-ai-comparison-rollup';
/** Days recomputed by each run besides the all-time rows: today and the days a late payment or rating may still change. */
export const ROLLUP_LOOKBACK_DAYS = 2;

interface ComparisonRow {
  workspace_id: string;
  ai_model: string;
  period_start: Date | null;
  period_end: Date | null;
  conversation_count: number;
  avg_response_time_ms: number | null;
  total_tokens_used: number;
  conversion_count: number;
  satisfaction_score: string | null;
}

export interface RollupOptions {
  now: Date;
  /** Daily rows from this many days before `now` (in each workspace's zone) are recomputed. */
  lookbackDays?: number;
  /** One workspace only; every workspace the transaction can see otherwise. */
  workspaceId?: string;
}

/** Recomputes the comparison rows; running it again gives the same rows. Returns how many it wrote. */
export async function rollupAiComparison(tx: Tx, o: RollupOptions): Promise<number> {
  const since = new Date(o.now.getTime() - (o.lookbackDays ?? ROLLUP_LOOKBACK_DAYS) * 86_400_000);
  const { rows } = await tx.query<ComparisonRow>(
    `with arm as (
       select c.workspace_id, c.id, c.ai_model, w.time_zone
         from public.ari_conversations c join public.workspaces w on w.id = c.workspace_id
        where c.ai_model is not null and ($1::uuid is null or c.workspace_id = $1::uuid)
     ), events as (
       select a.workspace_id, a.ai_model, a.time_zone, a.id as conversation, false as conversion,
              date_trunc('day', m.created_at at time zone a.time_zone) as day,
              m.response_time_ms, m.tokens_used, (m.metadata -> 'feedback' ->> 'score')::numeric as satisfaction
         from public.ari_messages m join arm a on a.workspace_id = m.workspace_id and a.id = m.ari_conversation_id
        where m.role = 'assistant'
       union all
       select a.workspace_id, a.ai_model, a.time_zone, a.id, true,
              date_trunc('day', min(p.paid_at) at time zone a.time_zone), null, null, null
         from public.ari_payments p join arm a on a.workspace_id = p.workspace_id and a.id = p.ari_conversation_id
        where p.status = 'success' and p.paid_at is not null
        group by a.workspace_id, a.ai_model, a.time_zone, a.id
     )
     select workspace_id, ai_model,
            case when grouping(day) = 0 then day at time zone time_zone end as period_start,
            case when grouping(day) = 0 then (day + interval '1 day') at time zone time_zone end as period_end,
            (count(distinct conversation) filter (where not conversion))::int as conversation_count,
            round(avg(response_time_ms))::int as avg_response_time_ms,
            coalesce(sum(tokens_used), 0)::int as total_tokens_used,
            (count(distinct conversation) filter (where conversion))::int as conversion_count,
            round(avg(satisfaction), 2)::text as satisfaction_score
       from events
      group by grouping sets ((workspace_id, ai_model, time_zone), (workspace_id, ai_model, time_zone, day))
     having grouping(day) = 1 or day >= date_trunc('day', $2::timestamptz at time zone time_zone)`,
    [o.workspaceId ?? null, since],
  );
  if (rows.length === 0) return 0;
  await tx.db
    .insertInto('ari_ai_comparison')
    .values(rows.map((r) => ({ id: newId(), ...r, created_at: o.now, updated_at: o.now })))
    .onConflict((oc) =>
      oc.constraint('ari_ai_comparison_workspace_id_ai_model_period_start_key').doUpdateSet({
        conversation_count: sql`excluded.conversation_count`,
        avg_response_time_ms: sql`excluded.avg_response_time_ms`,
        total_tokens_used: sql`excluded.total_tokens_used`,
        conversion_count: sql`excluded.conversion_count`,
        satisfaction_score: sql`excluded.satisfaction_score`,
        period_end: sql`excluded.period_end`,
        updated_at: sql`excluded.updated_at`,
      }),
    )
    .execute();
  return rows.length;
}

/** Hourly, for every workspace at once (so as the service role). */
export function aiComparisonJobs(deps: { db: Database; clock: Clock; log: Logger }): JobDefinition[] {
  return [
    {
      name: AI_COMPARISON_JOB,
      cron: '7 * * * *',
      handler: async () => {
        const written = await withServiceRole(deps.db, (tx) => rollupAiComparison(tx, { now: deps.clock.now() }));
        deps.log.info({ rows: written }, 'model comparison rolled up');
      },
    },
  ];
}
