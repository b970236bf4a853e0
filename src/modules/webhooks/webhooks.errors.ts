/**
 * The error codes outbound webhooks throw (`AppError`'s code), apart from platform's own. The API
 * answers them as they are written here: changing one changes the API (docs/api.md lists them).
 */
export const WEBHOOKS_ERRORS = [
  'webhook.not_found',
  'webhook.delivery_not_found',
  'webhook.endpoint_disabled',
  'webhook.delivery_in_flight',
  'webhook.https_required',
] as const;
export type WebhooksErrorCode = (typeof WEBHOOKS_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<WebhooksErrorCode, true> {}
}
