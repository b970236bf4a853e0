import { Temporal } from 'temporal-polyfill';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getWorkspace } from '../tenancy/index.ts';
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

export const DEFAULT_DAILY_DAYS = 30;

/**
 * Seed 004's daily figures for the caller's workspace, newest first: `to` defaults to today in
 * the workspace's zone and `from` to the 30 days ending on `to`. Rows exist for the days the
 * hourly rollup found activity on (or that someone wrote).
 */
export async function dailyAnalytics(ctx: Ctx, range: { from?: string | undefined; to?: string | undefined }) {
  const ws = workspaceIdOf(ctx);
  let to = range.to;
  if (to === undefined) {
    const { time_zone } = await getWorkspace(ctx);
    to = Temporal.Instant.fromEpochMilliseconds(ctx.clock.now().getTime()).toZonedDateTimeISO(time_zone).toPlainDate().toString();
  }
  const from = range.from ?? Temporal.PlainDate.from(to).subtract({ days: DEFAULT_DAILY_DAYS - 1 }).toString();
  if (from > to) throw new AppError('validation.failed', 'invalid', 'the request is not valid', { issues: [{ path: 'query.from', message: 'must not be after to' }] });
  return repo.dailyAnalytics(ctx.tx, ws, from, to);
}
