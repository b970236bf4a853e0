/**
 * The error codes tenancy throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const TENANCY_ERRORS = [
  'api_key.not_found',
  'auth.confirmation_invalid',
  'auth.reset_invalid',
  'auth.email_taken',
  'auth.invalid_credentials',
  'auth.invalid_key',
  'auth.session_required',
  'auth.too_many_attempts',
  'auth.wrong_workspace',
  'invitation.already_member',
  'invitation.expired',
  'invitation.not_found',
  'invitation.used',
  'invitation.wrong_email',
  'member.already_owner',
  'member.not_found',
  'member.owner_role',
  'notification.not_found',
  'workspace.owner_required',
  'workspace.slug_taken',
] as const;
export type TenancyErrorCode = (typeof TENANCY_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<TenancyErrorCode, true> {}
}
