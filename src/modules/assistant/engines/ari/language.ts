import type { Language } from './types.ts';

// The conversation's language is decided once for the three engines (engines/shared/).
export { detectLanguage, languageScores, personaLanguage, conversationLanguage } from '../shared/index.ts';

/** BCP 47 locale for dates and numbers in a language. */
export function localeOf(language: Language): string {
  return language === 'id' ? 'id-ID' : language === 'es' ? 'es-ES' : 'en-GB';
}
