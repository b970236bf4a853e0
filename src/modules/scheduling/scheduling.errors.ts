/**
 * The error codes scheduling throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const SCHEDULING_ERRORS = [
  'appointment.invalid_transition',
  'appointment.not_found',
  'booking.invalid_transition',
  'booking.no_such_slot',
  'booking.not_found',
  'booking.slot_taken',
  'closed_date.duplicate',
  'closed_date.not_found',
  'consultant_slot.duplicate',
  'consultant_slot.not_found',
  'contact.not_found',
  'guest.hold_limit',
  'guest.invalid_token',
  'guest.token_required',
  'guest_checkout.disabled',
  'guest_session.not_found',
  'guest_session.not_yours',
] as const;
export type SchedulingErrorCode = (typeof SCHEDULING_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<SchedulingErrorCode, true> {}
}
