/**
 * The error codes the products in apps/ (Amara, the receptionist, the turn) throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const APP_ERRORS = [
  'amara.end_users_only',
  'amara.not_enabled',
  'amara.retry_in_progress',
  'amara.turn_failed',
  'amara_conversation.not_found',
  'amara_message.not_found',
  'booking.no_contact',
  'booking.no_such_slot',
  'booking.slot_taken',
  'call.not_found',
  'contact.not_found',
  // Only from `frontdesk export convex`: a row Convex's schema cannot take (not an API answer).
  'convex_export.missing',
  'convex_export.value',
  'feedback.not_a_reply',
] as const;
export type AppsErrorCode = (typeof APP_ERRORS)[number];

declare module '../platform/errors.ts' {
  interface ErrorCodes extends Record<AppsErrorCode, true> {}
}
