/**
 * The error codes the catalogue throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const CATALOG_ERRORS = [
  'service.invalid_units',
  'service.name_taken',
  'service.not_found',
] as const;
export type CatalogErrorCode = (typeof CATALOG_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<CatalogErrorCode, true> {}
}
