/** Small text helpers shared by the detectors: accent-folding, words, phrase matching. */

/** Lower case without diacritics: "Sí, tengo el Pasaporte" -> "si, tengo el pasaporte". */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’`´]/g, "'");
}

/** The words of a text, folded. */
export function words(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const caches = new Map<string, Map<string, RegExp>>();

/** A regex matching `phrase` (folded, spaces meaning any whitespace) as whole words; cached. */
export function phraseRegex(phrase: string, flags = 'u'): RegExp {
  let cache = caches.get(flags);
  if (!cache) caches.set(flags, (cache = new Map()));
  let re = cache.get(phrase);
  if (!re) {
    const body = escape(phrase).replace(/\s+/g, '\\s+');
    re = new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, flags);
    cache.set(phrase, re);
  }
  return re;
}

/** Whether the folded text contains the phrase as whole words. */
export function hasPhrase(folded: string, phrase: string): boolean {
  return phraseRegex(phrase).test(folded);
}

/** The first of `phrases` found in the folded text (longest phrases are tried first). */
const longestFirst = new WeakMap<readonly string[], string[]>();

export function findPhrase(folded: string, phrases: readonly string[]): string | undefined {
  let sorted = longestFirst.get(phrases);
  if (!sorted) longestFirst.set(phrases, (sorted = [...phrases].sort((a, b) => b.length - a.length)));
  return sorted.find((p) => hasPhrase(folded, p));
}

/** The position of the phrase in the folded text, or -1. */
export function phraseIndex(folded: string, phrase: string): number {
  const m = phraseRegex(phrase).exec(folded);
  return m ? m.index : -1;
}

/** "budi santoso" -> "Budi Santoso" (the rest of each word is kept: "McDonald"). */
export function titleCase(text: string): string {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toLocaleUpperCase() + w.slice(1))
    .join(' ');
}

/** Collapses whitespace and trims stray punctuation at the ends. */
export function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.!?])/g, '$1')
    .replace(/^[\s,;:.!-]+|[\s,;:-]+$/g, '')
    .trim();
}

/** At most `max` sentences and `maxChars` characters, cut at a word boundary. */
export function shorten(text: string, max = 2, maxChars = 320): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const sentences = clean.split(/(?<=[.!?])\s+/);
  let out = '';
  for (const s of sentences.slice(0, max)) {
    const next = (out + ' ' + s.trim()).trim();
    if (next.length > maxChars && out) break;
    out = next;
  }
  if (out.length > maxChars) out = out.slice(0, maxChars).replace(/\s+\S*$/, '') + '...';
  return out;
}
