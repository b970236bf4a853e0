import { z } from '@hono/zod-openapi';

/**
 * What a workspace can be told about, as raised by the database's triggers
 * (migration 0041, app.raise_workspace_event). `webhook.test` is only ever sent on request.
 */
export const WEBHOOK_EVENT_TYPES = [
  'contact.created',
  'contact.updated',
  'message.received',
  'message.send_failed',
  'conversation.assigned',
  'lead.hot',
  'handoff.requested',
  'booking.created',
  'booking.cancelled',
  'booking.rescheduled',
  'payment.received',
  'payment.failed',
  'webinar.registered',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const TEST_EVENT = 'webhook.test';

export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).openapi('WebhookEventType');

const EventList = z
  .array(WebhookEventTypeSchema)
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((l) => new Set(l).size === l.length, 'each event may appear only once');

export const WebhookEndpointCreate = z
  .strictObject({
    url: z.string().trim().url().max(2000).openapi({ example: 'https://crm.example.com/hooks/frontdesk' }),
    description: z.string().trim().max(500).nullable().optional(),
    event_types: EventList,
  })
  .openapi('WebhookEndpointCreate');
export type WebhookEndpointCreate = z.infer<typeof WebhookEndpointCreate>;

export const WebhookEndpointPatch = z
  .strictObject({
    url: z.string().trim().url().max(2000).optional(),
    description: z.string().trim().max(500).nullable().optional(),
    event_types: EventList.optional(),
    enabled: z.boolean().optional().openapi({ description: 'true re-enables a disabled endpoint (deliveries that were waiting for a retry go at once; events raised while it was disabled were not kept for it: replay failed ones by hand)' }),
  })
  .openapi('WebhookEndpointPatch');
export type WebhookEndpointPatch = z.infer<typeof WebhookEndpointPatch>;

export const WebhookEndpoint = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    event_types: z.array(z.string()),
    enabled: z.boolean(),
    disabled_at: z.date().nullable(),
    disabled_reason: z.string().nullable(),
    last_success_at: z.date().nullable(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('WebhookEndpoint');
export type WebhookEndpointRow = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointCreated = WebhookEndpoint.extend({
  secret: z.string().openapi({ description: 'the signing secret (whsec_ and base64): shown only in this response', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
}).openapi('WebhookEndpointCreated');

export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'failed'] as const;

export const WebhookAttempt = z
  .object({
    id: z.uuid(),
    started_at: z.date(),
    duration_ms: z.number().int(),
    response_status: z.number().int().nullable().openapi({ description: "the endpoint's HTTP status; null when no answer came" }),
    response_body: z.string().nullable().openapi({ description: 'the first 2000 characters of the answer' }),
    error: z.string().nullable().openapi({ description: 'why the attempt failed (a refused connection, a timeout, a non-2xx status)' }),
  })
  .openapi('WebhookAttempt');

export const WebhookDelivery = z
  .object({
    id: z.uuid().openapi({ description: 'the webhook-id header: the same on every retry and replay, so a receiver can drop duplicates' }),
    endpoint_id: z.uuid(),
    event_type: z.string(),
    payload: z.object({ type: z.string(), timestamp: z.string(), data: z.record(z.string(), z.unknown()) }).openapi({ description: 'the body sent, as JSON' }),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int().openapi({ description: 'tries in the current run (a replay starts a new run)' }),
    next_attempt_at: z.date(),
    last_error: z.string().nullable(),
    created_at: z.date(),
    delivered_at: z.date().nullable(),
  })
  .openapi('WebhookDelivery');
export type WebhookDeliveryRow = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryWithAttempts = WebhookDelivery.extend({ attempt_log: z.array(WebhookAttempt) }).openapi('WebhookDeliveryWithAttempts');

export const DeliveryQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional().openapi({ description: 'next_cursor from the previous page' }),
});
export type DeliveryQuery = z.infer<typeof DeliveryQuery>;
