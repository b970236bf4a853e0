/**
 * A screen's own strings, in every language the app speaks: English sets the keys, and the
 * typecheck refuses an Indonesian or Spanish table that misses one. Each screen keeps its
 * table beside it (pages/*.i18n.ts) and i18n.tsx lists it once.
 */
export function strings<E extends Record<string, string>>(s: { en: E; id: Record<keyof E, string>; es: Record<keyof E, string> }) {
  return s;
}
