/**
 * The error codes analytics throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const ANALYTICS_ERRORS = [
  'event.workspace_not_found',
  'event.workspace_required',
] as const;
export type AnalyticsErrorCode = (typeof ANALYTICS_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<AnalyticsErrorCode, true> {}
}
