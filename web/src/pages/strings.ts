import { useI18n, type Lang } from '../i18n';

/**
 * A screen's own strings, beside the screen (so that screens do not all edit the big
 * dictionaries in i18n.tsx): English is the reference, Indonesian and Spanish must have every
 * key. The language is the one the app chose (useI18n).
 */
export function screenStrings<E extends Record<string, string>>(dicts: { en: E; id: Record<keyof E, string>; es: Record<keyof E, string> }) {
  const pick = (lang: Lang) => (lang === 'id' ? dicts.id : lang === 'es' ? dicts.es : dicts.en) as Record<keyof E, string>;
  return function useStrings() {
    const { lang } = useI18n();
    const dict = pick(lang);
    return (key: keyof E, vars?: Record<string, string | number>) => {
      let s = dict[key] ?? dicts.en[key];
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    };
  };
}
