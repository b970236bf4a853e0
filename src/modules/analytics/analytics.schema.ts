import { z } from '@hono/zod-openapi';

/**
 * The typed event catalogue of seed 003's marketplace (its `PlatformEventType`): six customer
 * events, five professional events and three operations events. Events outside it are refused,
 * so a typo in a client cannot open a funnel stage that nobody will ever reach.
 */
export const EVENT_CATALOGUE = {
  // Customers (four of these are the default funnel).
  SearchStarted: 'a customer searched for professionals (city, service)',
  ProfessionalViewed: "a customer opened a professional's profile",
  CheckoutStarted: 'a customer began checkout for a professional',
  PaymentAttempted: 'a payment was tried (method, success, error code)',
  BookingConfirmed: 'a booking was confirmed (booking id, total)',
  ReviewSubmitted: 'a customer reviewed a finished booking',
  // Professionals.
  LeadReceived: 'a professional was offered a job',
  LeadAccepted: 'a professional accepted a job',
  LeadDeclined: 'a professional declined a job',
  JobStatusChanged: "a booking's job moved from one status to another",
  PayoutInitiated: 'a payout to a professional started',
  // Operations.
  Cancellation: 'a booking was cancelled (by the customer, the professional or the system)',
  DisputeOpened: 'a dispute about a booking was opened',
  DisputeResolved: 'a dispute was resolved',
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;

const catalogueDoc = Object.entries(EVENT_CATALOGUE)
  .map(([name, meaning]) => `- \`${name}\`: ${meaning}`)
  .join('\n');

export const eventTypeSchema = z
  .enum(Object.keys(EVENT_CATALOGUE) as [EventType, ...EventType[]])
  .openapi('EventType', { description: `The event catalogue:\n${catalogueDoc}` });

/** The seed's funnel: search, profile, checkout, booking. */
export const DEFAULT_FUNNEL: EventType[] = ['SearchStarted', 'ProfessionalViewed', 'CheckoutStarted', 'BookingConfirmed'];

export const MAX_PROPERTIES_BYTES = 8 * 1024;

export const eventCreateSchema = z
  .strictObject({
    event_type: eventTypeSchema,
    session_id: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "the visitor's analytics session (required for anonymous callers)", example: '0b7f6a52-3c1e-4c59-9d0e-2f1c8e9a7d11' }),
    properties: z
      .record(z.string(), z.unknown())
      .default({})
      .refine((p) => Buffer.byteLength(JSON.stringify(p)) <= MAX_PROPERTIES_BYTES, `at most ${MAX_PROPERTIES_BYTES} bytes as JSON`)
      .openapi({ description: 'event-specific data, at most 8 KB as JSON', example: { city: 'Bogotá', service: 'cleaning' } }),
  })
  .openapi('EventCreate');

export type EventCreate = z.infer<typeof eventCreateSchema>;

const instantOrDay = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).openapi({ type: 'string', example: '2026-01-01' });

export const rangeQuerySchema = z.object({
  from: instantOrDay
    .optional()
    .openapi({ description: "start, included: an instant (ISO 8601 with offset), or a day (YYYY-MM-DD) from its start in the workspace's time zone; default 30 days before `to`" }),
  to: instantOrDay.optional().openapi({ description: "end, included: an instant, or a day to its end in the workspace's time zone; default now" }),
});

export const funnelQuerySchema = rangeQuerySchema.extend({
  stages: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return DEFAULT_FUNNEL;
      const stages = s.split(',').map((x) => x.trim());
      const unknown = stages.filter((x) => !(x in EVENT_CATALOGUE));
      if (unknown.length) {
        ctx.addIssue({ code: 'custom', message: `not in the event catalogue: ${unknown.map((x) => JSON.stringify(x)).join(', ')}` });
        return z.NEVER;
      }
      if (new Set(stages).size !== stages.length) {
        ctx.addIssue({ code: 'custom', message: 'a stage is listed twice' });
        return z.NEVER;
      }
      return stages as EventType[];
    })
    .openapi({
      type: 'string',
      description: `comma-separated event types, in funnel order; default ${DEFAULT_FUNNEL.join(',')}`,
      example: DEFAULT_FUNNEL.join(','),
    }),
});

export const eventCountSchema = z.object({ event_type: z.string(), event_count: z.number().int() }).openapi('EventCount');

export const funnelStageSchema = z
  .object({
    stage: z.string(),
    unique_users: z.number().int().openapi({ description: 'distinct people: signed-in users by id, visitors by session id' }),
    conversion_rate: z.number().openapi({ description: 'percentage of the first stage, 2 decimals', example: 37.5 }),
  })
  .openapi('FunnelStage');

export const eventRecordedSchema = z.object({ id: z.uuid() }).openapi('EventRecorded');

const localDate = z.iso.date().openapi({ example: '2026-01-31' });

export const dailyQuerySchema = z.object({
  from: localDate.optional().openapi({ description: "first day, included (YYYY-MM-DD, the workspace's calendar); default 29 days before `to`" }),
  to: localDate.optional().openapi({ description: "last day, included; default today in the workspace's time zone" }),
});

export const dailyAnalyticsSchema = z
  .object({
    date: z.string().openapi({ description: "the day in the workspace's time zone, YYYY-MM-DD", example: '2026-01-31' }),
    total_calls: z.number().int(),
    successful_calls: z.number().int().openapi({ description: 'calls completed' }),
    failed_calls: z.number().int().openapi({ description: 'calls failed, not answered or busy' }),
    total_bookings: z.number().int().openapi({ description: 'bookings made that day on any channel, not cancelled' }),
    total_sms: z.number().int().openapi({ description: 'texts in and out' }),
    total_cost: z.string().openapi({ description: "calls' and texts' cost, decimal, exact", example: '12.40' }),
    conversion_rate: z.string().openapi({ description: 'bookings per call in percent (0 without calls, at most 100), decimal', example: '37.50' }),
  })
  .openapi('DailyAnalytics');

// Reports over days in the workspace's calendar -------------------------------------------------

export const MAX_REPORT_DAYS = 366;

export const dayRangeQuerySchema = z.object({
  from: localDate.optional().openapi({ description: "first day, included (YYYY-MM-DD, the workspace's calendar); default 29 days before `to`" }),
  to: localDate.optional().openapi({ description: `last day, included; default today in the workspace's time zone; at most ${MAX_REPORT_DAYS} days in all` }),
});

export const REPORT_CHANNELS = ['whatsapp', 'sms', 'voice', 'web', 'staff'] as const;

export const channelReportSchema = z
  .object({
    channel: z.enum(REPORT_CHANNELS).openapi({
      description:
        'whatsapp, sms, voice; web: web chat, the in-app assistant and guest checkout; staff: bookings made by staff or through the API (they have no conversations)',
    }),
    conversations: z.number().int().openapi({
      description: 'conversations begun in the range: inbox threads opened on the channel; voice: calls; sms also counts numbers that texted without a thread (seed 004); web also counts in-app conversations',
    }),
    conversions: z.number().int().openapi({
      description: 'bookings made in the range from the channel (not cancelled, not an unpaid hold) plus consultations paid in the range whose conversation is on the channel',
    }),
    conversion_rate: z.number().openapi({ description: 'conversions per conversation in percent, 2 decimals (0 without conversations)', example: 12.5 }),
  })
  .openapi('ChannelReport');

export const temperatureDaySchema = z
  .object({
    date: z.string().openapi({ description: "the day in the workspace's time zone, YYYY-MM-DD", example: '2026-01-31' }),
    hot: z.number().int().openapi({ description: 'leads that were hot at the end of the day (now, for today)' }),
    warm: z.number().int(),
    cold: z.number().int(),
  })
  .openapi('LeadTemperatureDay');

const modelFigures = {
  ai_model: z.string().openapi({ example: 'grok' }),
  conversation_count: z.number().int().openapi({ description: 'conversations the model answered (a conversation answered on several days counts on each)' }),
  conversion_count: z.number().int().openapi({ description: 'conversations converted to paid' }),
  conversion_rate: z.number().openapi({ description: 'conversion_count per conversation_count in percent, 2 decimals', example: 50 }),
  avg_response_time_ms: z.number().int().nullable(),
  total_tokens_used: z.number().int(),
  satisfaction_score: z.number().nullable().openapi({ description: 'mean staff rating, 0-5; null without ratings' }),
};

export const modelPeriodSchema = z
  .object({
    ...modelFigures,
    period_start: z.date(),
    period_end: z.date().nullable(),
  })
  .openapi('ModelComparisonPeriod');

export const modelTotalSchema = z.object(modelFigures).openapi('ModelComparisonTotal');

