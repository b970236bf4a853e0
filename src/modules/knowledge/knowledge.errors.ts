/**
 * The error codes knowledge throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const KNOWLEDGE_ERRORS = [
  'category.name_taken',
  'category.not_found',
  'category.reorder_incomplete',
  'destination.duplicate',
  'destination.not_found',
  'entry.category_not_found',
  'entry.not_found',
  'faq.not_found',
] as const;
export type KnowledgeErrorCode = (typeof KNOWLEDGE_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<KnowledgeErrorCode, true> {}
}
