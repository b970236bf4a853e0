// Outbound webhooks: endpoints, signed deliveries and their attempts. Events are raised by the
// database's triggers (migration 0041); the worker (createWebhookWorker) is started by src/main.ts.
export { webhooksRoutes } from './webhooks.routes.ts';
export { createWebhookWorker, webhookDeliverySettings, type WebhookWorkerOptions } from './worker.ts';
export { signPayload, signedHeaders } from './signature.ts';
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhooks.schema.ts';
