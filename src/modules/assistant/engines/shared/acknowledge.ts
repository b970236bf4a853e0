import type { Language } from './language.ts';

/**
 * The short receipt for what a message gave that the reply does not otherwise show: "Noted:
 * passport ready." Without it, asking the next (or the same) question reads as if the customer
 * had not been heard.
 */

const NOTED: Record<Language, string> = { en: 'Noted', es: 'Anotado', id: 'Dicatat' };
const AND: Record<Language, string> = { en: 'and', es: 'y', id: 'dan' };

/** "Noted: 3 loads and 120 King St W." ('' when there is nothing to acknowledge). */
export function acknowledge(language: Language, items: readonly string[]): string {
  const list = items.filter(Boolean);
  if (list.length === 0) return '';
  const joined = list.length === 1 ? list[0]! : `${list.slice(0, -1).join(', ')} ${AND[language]} ${list.at(-1)}`;
  return `${NOTED[language]}: ${joined}.`;
}
