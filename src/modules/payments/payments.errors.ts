/**
 * The error codes payments throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const PAYMENTS_ERRORS = [
  'appointment.not_found',
  'booking.not_found',
  'guest.invalid_token',
  'guest.token_required',
  'integration.not_found',
  'payment.already_paid',
  'payment.already_pending',
  'payment.booking_without_contact',
  'payment.gateway_refused',
  'payment.gateway_unauthorized',
  'payment.gateway_unavailable',
  'payment.midtrans_not_configured',
  'payment.not_found',
  'payment.not_midtrans',
  'payment.not_refundable',
  'payment.stripe_not_configured',
  'payment.nothing_to_pay',
  'webhook.malformed',
  'webhook.signature_invalid',
  'webhook.unconfirmed',
] as const;
export type PaymentsErrorCode = (typeof PAYMENTS_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<PaymentsErrorCode, true> {}
}
