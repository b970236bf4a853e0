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
