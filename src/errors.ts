/**
 * The error codes the entry points (http.ts's authentication hook, the command line) throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const ENTRY_ERRORS = [
  'auth.malformed_authorization',
  'auth.required',
  'db.types_drift',
  'payment.nothing_to_pay',
] as const;
export type EntryErrorCode = (typeof ENTRY_ERRORS)[number];

declare module './platform/errors.ts' {
  interface ErrorCodes extends Record<EntryErrorCode, true> {}
}
