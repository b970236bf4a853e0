import { AppError, invalidField } from '../../platform/errors.ts';
import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { rateLimit } from '../../platform/http/rate-limit.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, z } from '../../platform/http/router.ts';
import {
  dailyAnalyticsSchema,
  dailyQuerySchema,
  eventCountSchema,
  eventCreateSchema,
  eventRecordedSchema,
  funnelQuerySchema,
  funnelStageSchema,
  channelReportSchema,
  dayRangeQuerySchema,
  modelPeriodSchema,
  modelTotalSchema,
  rangeQuerySchema,
  temperatureDaySchema,
} from './analytics.schema.ts';
import {
  channelReport,
  conversionFunnel,
  dailyAnalytics,
  eventCounts,
  instantRange,
  modelComparison,
  recordEvent,
  temperatureReport,
  type DayRange,
} from './analytics.service.ts';

/** The days a report covered, as resolved (defaults filled in), beside its rows. */
const rangeFields = {
  from: z.string().openapi({ description: 'first day, YYYY-MM-DD', example: '2026-01-01' }),
  to: z.string().openapi({ description: 'last day, YYYY-MM-DD', example: '2026-01-30' }),
  time_zone: z.string().openapi({ description: "the workspace's time zone the days are in", example: 'Asia/Jakarta' }),
};
const reportOf = <T extends z.ZodType>(rows: T, name: string) => z.object({ ...rangeFields, data: z.array(rows) }).openapi(name);
const rangeOf = (r: DayRange) => ({ from: r.from, to: r.to, time_zone: r.timeZone });

export function analyticsRoutes(deps: RouteDeps) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: 'post',
      path: '/events',
      tags: ['analytics'],
      summary: 'Record an event (open to visitors: name the workspace with X-Workspace-Id and send a session_id)',
      description:
        'Visitors record events without a user; a signed-in person records them under their own user id; a writing API key records them for its workspace. At most 60 requests a minute per client address.',
      middleware: [rateLimit({ bucket: 'events', limit: 60, windowMs: 60_000 }), deps.anonymousPlace, ...deps.asCaller()] as const,
      request: { body: jsonBody(eventCreateSchema) },
      responses: { 202: json(eventRecordedSchema, 'recorded'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if (c.var.principal.kind === 'anonymous' && body.session_id === undefined) {
        throw invalidField('session_id', 'required for anonymous callers');
      }
      const event = await recordEvent(c.var.ctx, { eventType: body.event_type, sessionId: body.session_id, properties: body.properties });
      return c.json(event, 202);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/analytics/event-counts',
      tags: ['analytics'],
      summary: 'Events per type in a time window, most frequent first (admin)',
      middleware: deps.inWorkspace(Rank.admin),
      request: { query: rangeQuerySchema },
      responses: { 200: json(z.object({ data: z.array(eventCountSchema) })), ...errorResponses },
    }),
    async (c) => {
      const range = await instantRange(c.var.ctx, c.req.valid('query'));
      return c.json({ data: await eventCounts(c.var.ctx, range) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/analytics/funnel',
      tags: ['analytics'],
      summary: 'Conversion funnel: unique people per stage as a percentage of the first stage (admin)',
      middleware: deps.inWorkspace(Rank.admin),
      request: { query: funnelQuerySchema },
      responses: { 200: json(z.object({ data: z.array(funnelStageSchema) })), ...errorResponses },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const range = await instantRange(c.var.ctx, query);
      return c.json({ data: await conversionFunnel(c.var.ctx, range, query.stages) }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/analytics/daily',
      tags: ['analytics'],
      summary: "Seed 004's daily figures: calls, bookings, texts, cost and conversion per day, newest first (admin)",
      description: "Rolled up hourly for today and yesterday in the workspace's time zone; days without activity have no row.",
      middleware: deps.inWorkspace(Rank.admin),
      request: { query: dailyQuerySchema },
      responses: { 200: json(z.object({ data: z.array(dailyAnalyticsSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ data: await dailyAnalytics(c.var.ctx, c.req.valid('query')) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/analytics/channels',
      tags: ['analytics'],
      summary: 'Conversations begun and conversions per channel over days in the workspace\'s time zone (admin)',
      description:
        'Every channel is listed, with zeros when it had nothing. A conversion is a booking made from the channel (not cancelled, not an unpaid hold) or a consultation paid whose conversation is on it.',
      middleware: deps.inWorkspace(Rank.admin),
      request: { query: dayRangeQuerySchema },
      responses: { 200: json(reportOf(channelReportSchema, 'ChannelReportList')), ...errorResponses },
    }),
    async (c) => {
      const { range, data } = await channelReport(c.var.ctx, c.req.valid('query'));
      return c.json({ ...rangeOf(range), data }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/analytics/lead-temperature',
      tags: ['analytics'],
      summary: 'Leads hot, warm and cold at the end of each day, oldest day first (admin)',
      description: "One row per day of the range in the workspace's time zone, from each lead's history (lead_history: every change of its state, score or temperature).",
      middleware: deps.inWorkspace(Rank.admin),
      request: { query: dayRangeQuerySchema },
      responses: { 200: json(reportOf(temperatureDaySchema, 'LeadTemperatureReport')), ...errorResponses },
    }),
    async (c) => {
      const { range, data } = await temperatureReport(c.var.ctx, c.req.valid('query'));
      return c.json({ ...rangeOf(range), data }, 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/analytics/models',
      tags: ['analytics'],
      summary: "The model comparison (seed 000's ari_ai_comparison) by model and period, with conversion to paid (admin)",
      description:
        'The periods (rolled up hourly per day in the workspace\'s time zone) that overlap the range, and per model their totals. Compare A/B arms set with PUT /api/v1/assistant/models.',
      middleware: deps.inWorkspace(Rank.admin),
      request: { query: dayRangeQuerySchema },
      responses: {
        200: json(z.object({ ...rangeFields, data: z.array(modelPeriodSchema), totals: z.array(modelTotalSchema) }).openapi('ModelComparison')),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { range, data, totals } = await modelComparison(c.var.ctx, c.req.valid('query'));
      return c.json({ ...rangeOf(range), data, totals }, 200);
    },
  );

  return r;
}
