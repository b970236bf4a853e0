/**
 * The error codes knowledge throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const KNOWLEDGE_ERRORS = [
  'article.not_found',
  'article.slug_taken',
  'category.name_taken',
  'category.not_found',
  'category.reorder_incomplete',
  'destination.duplicate',
  'destination.not_found',
  'entry.category_not_found',
  'entry.not_found',
  'faq.not_found',
  'webinar.capacity_below_registrations',
  'webinar.closed',
  'webinar.full',
  'webinar.invalid_phone',
  'webinar.not_found',
  'webinar.registration_refused',
  'webinar.slug_taken',
  'webinar_registration.not_found',
] as const;
export type KnowledgeErrorCode = (typeof KNOWLEDGE_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<KnowledgeErrorCode, true> {}
}
