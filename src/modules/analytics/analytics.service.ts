import type { Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './analytics.repo.ts';
import type { EventType } from './analytics.schema.ts';

export interface RecordEventInput {
  eventType: EventType;
  sessionId?: string | undefined;
  properties?: Record<string, unknown> | undefined;
}

/**
 * Records one event in the caller's workspace, stamped with the caller's user id when a
 * person is signed in. Visitors, marketplace customers and integrations may all record;
 * the table's policies decide, so nobody can record under someone else's name.
 */
export async function recordEvent(ctx: Ctx, input: RecordEventInput): Promise<{ id: string }> {
  const workspaceId = 'workspaceId' in ctx.actor ? ctx.actor.workspaceId : undefined;
  if (!workspaceId) {
    throw new AppError('event.workspace_required', 'invalid', 'name the workspace the event belongs to with the X-Workspace-Id header');
  }
  const id = newId();
  try {
    await repo.insertEvent(ctx.tx, {
      id,
      workspaceId,
      eventType: input.eventType,
      userId: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
      sessionId: input.sessionId ?? null,
      properties: input.properties ?? {},
      at: ctx.clock.now(),
    });
  } catch (e) {
    // Visitors cannot see workspaces, so a wrong id surfaces only as the foreign key.
    if (fromDatabaseError(e)?.details?.constraint === 'platform_events_workspace_id_fkey') {
      throw new AppError('event.workspace_not_found', 'not_found', 'no such workspace', { workspace_id: workspaceId });
    }
    throw e;
  }
  return { id };
}

export interface ReportRange {
  from: Date;
  to: Date;
}

export async function eventCounts(ctx: Ctx, range: ReportRange) {
  return repo.eventCountsByType(ctx.tx, range.from, range.to);
}

export async function conversionFunnel(ctx: Ctx, range: ReportRange, stages: EventType[]) {
  const rows = await repo.conversionFunnel(ctx.tx, range.from, range.to, stages);
  return rows.map((r) => ({ stage: r.stage, unique_users: r.unique_users, conversion_rate: Number(r.conversion_rate) }));
}
