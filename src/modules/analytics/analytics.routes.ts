import { AppError } from '../../platform/errors.ts';
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
  rangeQuerySchema,
} from './analytics.schema.ts';
import { conversionFunnel, dailyAnalytics, eventCounts, recordEvent, type ReportRange } from './analytics.service.ts';

const DEFAULT_DAYS = 30;

const invalidField = (path: string, message: string) =>
  new AppError('validation.failed', 'invalid', 'the request is not valid', { issues: [{ path, message }] });

/** The report window: up to `to` (default now), from `from` (default 30 days before `to`). */
function reportRange(now: Date, query: { from?: string | undefined; to?: string | undefined }): ReportRange {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
  if (from.getTime() >= to.getTime()) throw invalidField('query.from', 'must be before to');
  return { from, to };
}

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
        throw invalidField('body.session_id', 'required for anonymous callers');
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
      const range = reportRange(c.var.ctx.clock.now(), c.req.valid('query'));
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
      const range = reportRange(c.var.ctx.clock.now(), query);
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

  return r;
}
