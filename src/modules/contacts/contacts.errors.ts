/**
 * The error codes contacts throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const CONTACTS_ERRORS = [
  'contact.csv_empty',
  'contact.csv_invalid',
  'contact.csv_no_columns',
  'contact.export_too_large',
  'contact.import_nothing_valid',
  'contact.import_too_large',
  'contact.mapping_unknown_column',
  'contact.merge_into_itself',
  'contact.not_found',
  'contact.phone_taken',
] as const;
export type ContactsErrorCode = (typeof CONTACTS_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<ContactsErrorCode, true> {}
}
