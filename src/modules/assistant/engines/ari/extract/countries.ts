// Which country the lead means: names, aliases, cities and one-letter typos, in Indonesian, English and Spanish.

import { fold, phraseRegex, words } from '../text.ts';
import type { Language } from '../types.ts';

/** Canonical country (as ari_destinations spells it) -> aliases, folded. */
export const COUNTRY_ALIASES: Record<string, string[]> = {
  'United Kingdom': ['london', 'manchester', 'edinburgh', 'inggris', 'inggris raya', 'uk', 'u.k.', 'united kingdom', 'britania', 'britania raya', 'britain', 'great britain', 'england', 'inglaterra', 'reino unido', 'skotlandia', 'scotland', 'escocia'],
  'United States': ['amerika', 'amerika serikat', 'usa', 'u.s.a.', 'u.s.', 'united states', 'america', 'estados unidos', 'eeuu', 'ee.uu.', 'ee. uu.'],
  Australia: ['australia', 'aussie', 'melbourne', 'sydney', 'brisbane', 'perth', 'adelaide'],
  Canada: ['kanada', 'canada', 'toronto', 'vancouver', 'montreal'],
  Japan: ['jepang', 'japan', 'japon', 'nihon', 'tokyo', 'osaka', 'kyoto'],
  Germany: ['jerman', 'germany', 'alemania', 'deutschland', 'berlin', 'munich', 'muenchen'],
  Netherlands: ['amsterdam', 'rotterdam', 'belanda', 'netherlands', 'the netherlands', 'holland', 'holanda', 'paises bajos'],
  'South Korea': ['korea', 'korea selatan', 'korsel', 'south korea', 'corea', 'corea del sur'],
  Singapore: ['singapura', 'singapore', 'singapur'],
  'New Zealand': ['selandia baru', 'new zealand', 'nz', 'nueva zelanda'],
  France: ['prancis', 'perancis', 'france', 'francia'],
  Ireland: ['irlandia', 'ireland', 'irlanda'],
  China: ['china', 'tiongkok', 'cina'],
  Malaysia: ['malaysia', 'malasia'],
  Taiwan: ['taiwan'],
  'Hong Kong': ['hong kong', 'hongkong'],
  Switzerland: ['swiss', 'switzerland', 'suiza'],
  Spain: ['spanyol', 'spain', 'espana'],
  Italy: ['italia', 'italy'],
  Sweden: ['swedia', 'sweden', 'suecia'],
  Turkey: ['turki', 'turkey', 'turquia'],
};

/** Country names to show, per language. */
const COUNTRY_NAMES: Record<string, Partial<Record<Language, string>>> = {
  'United Kingdom': { id: 'Inggris', en: 'the UK', es: 'Reino Unido' },
  'United States': { id: 'Amerika Serikat', en: 'the US', es: 'Estados Unidos' },
  Canada: { id: 'Kanada', es: 'Canadá' },
  Japan: { id: 'Jepang', es: 'Japón' },
  Germany: { id: 'Jerman', es: 'Alemania' },
  Netherlands: { id: 'Belanda', en: 'the Netherlands', es: 'Países Bajos' },
  'South Korea': { id: 'Korea Selatan', es: 'Corea del Sur' },
  Singapore: { id: 'Singapura', es: 'Singapur' },
  'New Zealand': { id: 'Selandia Baru', es: 'Nueva Zelanda' },
  France: { id: 'Prancis', es: 'Francia' },
  Ireland: { id: 'Irlandia', es: 'Irlanda' },
  Switzerland: { id: 'Swiss', es: 'Suiza' },
  Spain: { id: 'Spanyol', es: 'España' },
  Sweden: { id: 'Swedia', es: 'Suecia' },
  Turkey: { id: 'Turki', es: 'Turquía' },
};

export function countryName(country: string, language: Language): string {
  return COUNTRY_NAMES[country]?.[language] ?? country;
}

/** Country names of six letters or more, one word each: the ones a typo is read against. */
const LONG_ALIASES: [string, string][] = Object.entries(COUNTRY_ALIASES).flatMap(([country, aliases]) => aliases.filter((a) => a.length >= 6 && /^\p{L}+$/u.test(a)).map((a): [string, string] => [a, country]));
/** Real words one letter away from a country name. */
const NOT_TYPOS = new Set(['iceland', 'german', 'germans', 'korean', 'japanese', 'spanish', 'france', 'frances', 'swedish', 'turkish', 'irish', 'english', 'inggrisnya']);

/** At most one letter added, dropped, changed or two swapped (Damerau-Levenshtein <= 1). */
function oneTypo(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** "australi", "austrlia", "kanadaa", "inggirs": a country name with one typo. */
function misspeltCountry(folded: string): string | undefined {
  for (const m of folded.matchAll(/\p{L}+/gu)) {
    const w = m[0];
    if (w.length < 6 || NOT_TYPOS.has(w) || LANGUAGE_PREFIX.test(folded.slice(0, m.index))) continue;
    // Exact names were read already (and left out after "bahasa"): only a typo is read here.
    const hit = LONG_ALIASES.find(([alias]) => alias !== w && oneTypo(w, alias));
    if (hit) return hit[1];
  }
  return undefined;
}

/** Words before a country name that make it a language instead ("bahasa Inggris"). */
const LANGUAGE_PREFIX = /(?:bahasa|language|idioma|lengua|b\.)\s+$/;

/**
 * The destination country named in the message: the earliest alias, except after
 * "bahasa"/"language". "AS" and "US" count only in capitals (they are words otherwise).
 */
export function extractDestination(message: string): string | undefined {
  const folded = fold(message);
  let best: { country: string; at: number; len: number } | undefined;
  for (const [country, aliases] of Object.entries(COUNTRY_ALIASES)) {
    for (const alias of aliases) {
      const re = phraseRegex(alias, 'gu');
      re.lastIndex = 0;
      for (let m = re.exec(folded); m; m = re.exec(folded)) {
        if (LANGUAGE_PREFIX.test(folded.slice(0, m.index))) continue;
        if (!best || m.index < best.at || (m.index === best.at && alias.length > best.len)) best = { country, at: m.index, len: alias.length };
        break;
      }
    }
  }
  const caps = /(?<![\p{L}\p{N}])(AS|US)(?![\p{L}\p{N}])/u.exec(message);
  if (caps && (!best || caps.index < best.at)) return 'United States';
  return best?.country ?? misspeltCountry(folded);
}
