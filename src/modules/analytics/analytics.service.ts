import { Temporal } from 'temporal-polyfill';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { getWorkspace } from '../tenancy/index.ts';
import * as repo from './analytics.repo.ts';
import { DEFAULT_FUNNEL, MAX_REPORT_DAYS, REPORT_CHANNELS, type EventType } from './analytics.schema.ts';

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
  if (from > to) throw invalidField('from', 'must not be after to');
  return repo.dailyAnalytics(ctx.tx, ws, from, to);
}

// Reports over days in the workspace's calendar --------------------------------------------------

export interface DayRange {
  /** First and last day, YYYY-MM-DD, both included. */
  from: string;
  to: string;
  timeZone: string;
  /** Where the first day begins and where the day after the last begins. */
  start: Date;
  end: Date;
}


const dayStart = (day: string, timeZone: string) => new Date(Temporal.PlainDate.from(day).toZonedDateTime({ timeZone }).epochMilliseconds);

/** The days a report covers: default the 30 days ending today in the workspace's zone; at most MAX_REPORT_DAYS. */
export async function dayRange(ctx: Ctx, q: { from?: string | undefined; to?: string | undefined }): Promise<DayRange> {
  const { time_zone: timeZone } = await getWorkspace(ctx);
  const to = q.to ?? Temporal.Instant.fromEpochMilliseconds(ctx.clock.now().getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString();
  const from = q.from ?? Temporal.PlainDate.from(to).subtract({ days: DEFAULT_DAILY_DAYS - 1 }).toString();
  if (from > to) throw invalidField('from', 'must not be after to');
  const days = Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to)).days + 1;
  if (days > MAX_REPORT_DAYS) throw invalidField('from', `at most ${MAX_REPORT_DAYS} days from to`);
  return { from, to, timeZone, start: dayStart(from, timeZone), end: dayStart(Temporal.PlainDate.from(to).add({ days: 1 }).toString(), timeZone) };
}

/**
 * The funnel's and the event counts' window: instants as given, or days of the workspace's
 * calendar (from the start of `from`'s day to the end of `to`'s). Defaults: up to now, from 30
 * days before `to`.
 */
export async function instantRange(ctx: Ctx, q: { from?: string | undefined; to?: string | undefined }): Promise<ReportRange> {
  const isDay = (v: string | undefined): v is string => v !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(v);
  const timeZone = isDay(q.from) || isDay(q.to) ? (await getWorkspace(ctx)).time_zone : 'UTC';
  // The end of a day is the last millisecond before the next begins: both bounds are included.
  const at = (v: string | undefined, end: boolean) =>
    v === undefined ? undefined : isDay(v) ? new Date(dayStart(end ? Temporal.PlainDate.from(v).add({ days: 1 }).toString() : v, timeZone).getTime() - (end ? 1 : 0)) : new Date(v);
  const to = at(q.to, true) ?? ctx.clock.now();
  const from = at(q.from, false) ?? new Date(to.getTime() - DEFAULT_DAILY_DAYS * 86_400_000);
  if (from.getTime() >= to.getTime()) throw invalidField('from', 'must be before to');
  return { from, to };
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part * 10_000) / whole) / 100);

export async function channelReport(ctx: Ctx, q: { from?: string | undefined; to?: string | undefined }) {
  const range = await dayRange(ctx, q);
  const rows = new Map((await repo.channelFigures(ctx.tx, workspaceIdOf(ctx), range.start, range.end)).map((r) => [r.channel, r]));
  return {
    range,
    data: REPORT_CHANNELS.map((channel) => {
      const r = rows.get(channel) ?? { conversations: 0, conversions: 0 };
      return { channel, conversations: r.conversations, conversions: r.conversions, conversion_rate: percent(r.conversions, r.conversations) };
    }),
  };
}

export async function temperatureReport(ctx: Ctx, q: { from?: string | undefined; to?: string | undefined }) {
  const range = await dayRange(ctx, q);
  return { range, data: await repo.temperatureByDay(ctx.tx, workspaceIdOf(ctx), range.from, range.to, range.timeZone) };
}

/** The model comparison (ari_ai_comparison) over the range: its periods, and per model their sum. */
export async function modelComparison(ctx: Ctx, q: { from?: string | undefined; to?: string | undefined }) {
  const range = await dayRange(ctx, q);
  const periods = await repo.modelPeriods(ctx.tx, workspaceIdOf(ctx), range.start, range.end);
  const score = (s: string | null) => (s === null ? null : Number(s));
  const data = periods.map((p) => ({ ...p, satisfaction_score: score(p.satisfaction_score), conversion_rate: percent(p.conversion_count, p.conversation_count) }));
  const byModel = new Map<string, typeof data>();
  for (const p of data) byModel.set(p.ai_model, [...(byModel.get(p.ai_model) ?? []), p]);
  const weighted = (ps: typeof data, value: (p: (typeof data)[number]) => number | null) => {
    const known = ps.filter((p) => value(p) !== null);
    const weight = known.reduce((n, p) => n + Math.max(p.conversation_count, 1), 0);
    return weight === 0 ? null : known.reduce((n, p) => n + value(p)! * Math.max(p.conversation_count, 1), 0) / weight;
  };
  const totals = [...byModel.entries()].map(([ai_model, ps]) => {
    const conversation_count = ps.reduce((n, p) => n + p.conversation_count, 0);
    const conversion_count = ps.reduce((n, p) => n + p.conversion_count, 0);
    const latency = weighted(ps, (p) => p.avg_response_time_ms);
    const satisfaction = weighted(ps, (p) => p.satisfaction_score);
    return {
      ai_model,
      conversation_count,
      conversion_count,
      conversion_rate: percent(conversion_count, conversation_count),
      avg_response_time_ms: latency === null ? null : Math.round(latency),
      total_tokens_used: ps.reduce((n, p) => n + p.total_tokens_used, 0),
      satisfaction_score: satisfaction === null ? null : Math.round(satisfaction * 100) / 100,
    };
  });
  totals.sort((a, b) => b.conversion_rate - a.conversion_rate || b.conversation_count - a.conversation_count || a.ai_model.localeCompare(b.ai_model));
  return { range, data, totals };
}

// Every report as rows, for exports -------------------------------------------------------------

/** Each report's columns, in the order its CSV file has them (an empty report still has its header). */
export const REPORT_COLUMNS = {
  'event-counts': ['event_type', 'event_count'],
  funnel: ['stage', 'unique_users', 'conversion_rate'],
  daily: ['date', 'total_calls', 'successful_calls', 'failed_calls', 'total_bookings', 'total_sms', 'total_cost', 'conversion_rate'],
  channels: ['channel', 'conversations', 'conversions', 'conversion_rate'],
  'lead-temperature': ['date', 'hot', 'warm', 'cold'],
  models: ['ai_model', 'period_start', 'period_end', 'conversation_count', 'conversion_count', 'conversion_rate', 'avg_response_time_ms', 'total_tokens_used', 'satisfaction_score'],
} as const satisfies Record<string, readonly string[]>;
export type ReportName = keyof typeof REPORT_COLUMNS;
export const REPORTS = Object.keys(REPORT_COLUMNS) as ReportName[];

/**
 * A report as the flat rows a CSV file or a JSON Lines stream holds: the same figures, over
 * the same range rules, as its route under /analytics. `stages` is the funnel's (default
 * DEFAULT_FUNNEL). Reports are aggregates, a few hundred rows at most, so they come whole.
 */
export async function reportRows(
  ctx: Ctx,
  report: ReportName,
  q: { from?: string | undefined; to?: string | undefined; stages?: EventType[] | undefined },
): Promise<object[]> {
  switch (report) {
    case 'event-counts':
      return eventCounts(ctx, await instantRange(ctx, q));
    case 'funnel':
      return conversionFunnel(ctx, await instantRange(ctx, q), q.stages ?? DEFAULT_FUNNEL);
    case 'daily':
      return dailyAnalytics(ctx, q);
    case 'channels':
      return (await channelReport(ctx, q)).data;
    case 'lead-temperature':
      return (await temperatureReport(ctx, q)).data;
    case 'models':
      return (await modelComparison(ctx, q)).data;
  }
}
