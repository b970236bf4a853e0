import { asksForPerson } from '../shared/index.ts';
import { spellNumbers } from './numbers.ts';
import { findPhrase, fold, hasPhrase, phraseIndex, phraseRegex, tidy, titleCase, words } from './text.ts';
import type { DocumentKey, Documents, Item, Language } from './types.ts';

/**
 * Deterministic extraction of what a lead tells: one function per fact, each a table of
 * words in Indonesian, English and Spanish. Every function takes the raw message; matching
 * is done on the accent-folded, lower-case text.
 */

// Countries ------------------------------------------------------------------------------

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

// Names and email --------------------------------------------------------------------------

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

export function extractEmail(message: string): string | undefined {
  return EMAIL.exec(message)?.[0].toLowerCase();
}

/** Words that end a name or show that what follows "saya"/"I'm"/"soy" is not one. */
const NOT_NAME = new Set(
  (
    'saya sy aku gue gw mau ingin pengen pingin sedang lagi sudah udah belum tertarik dari di ke punya ada bisa perlu butuh baru masih juga ' +
    'tidak gak nggak akan minat rencana orang seorang mahasiswa siswa pelajar lulusan kerja bekerja karyawan dan atau yang ya iya ok oke ' +
    'baik tanya boleh apa mana kapan berapa bagaimana gimana dulu aja saja sih dong kuliah studi ' +
    "i i'm im am my me interested looking from a an the going planning currently not still just here fine good okay student working and or want " +
    'would like to study what how when where which who why can yes no ' +
    'yo soy mi estudiante de del interesado interesada buscando muy bien y o que quiero estoy en con para trabajando estudiar como donde ' +
    'halo hai hi hello hola kak mas mbak pak bu thanks terima kasih gracias'
  ).split(' '),
);

/** Phrases that introduce a name whatever was asked. */
const NAME_INTRO = [
  /\bnama\s*(?:saya|sy|aku|ku|gue|gw)\s*(?:adalah|:)?\s*(.+)/,
  /\bnamaku\s*(?:adalah|:)?\s*(.+)/,
  /\bpanggil\s+(?:saya|aku)\s+(.+)/,
  /\bperkenalkan,?\s*(?:saya|nama saya)?\s*(.+)/,
  /\bmy name is\s+(.+)/,
  /\bmy name'?s\s+(.+)/,
  /\bcall me\s+(.+)/,
  /\bme llamo\s+(.+)/,
  /\bmi nombre es\s+(.+)/,
  // "…, name is Sam" in a message carrying several details; "a nombre de María" for a booking.
  /\b(?:the\s+)?name(?:'s|\s+is)\s+(.+)/,
  /\ba nombre de\s+(.+)/,
];

/** "sy budi, mau S2 ...": a name right after "saya"/"I'm" at the start, ended by a comma, whatever was asked. */
const NAME_LEADING = /^(?:(?:halo|hai|hi|hello|hola|pagi|siang|sore|malam|kak|min)[,!]?\s+)*(?:saya|sy|aku|gw|gue|i'm|im|i am|soy)\s+(?=[\p{L}'-]+(?:\s+[\p{L}'-]+)?\s*,)/u;

/** Phrases that introduce a name only when the name was asked ("saya Budi", "I'm Ana", "soy Luis"). */
const NAME_INTRO_WHEN_ASKED = [/\b(?:saya|sy|aku|gue|gw)\s+(.+)/, /\b(?:i am|i'm|im)\s+(.+)/, /\bsoy\s+(.+)/];

/** Up to four name words from `offset`, stopping at punctuation or a word that is not a name. */
function nameFrom(folded: string, original: string, offset: number): string | undefined {
  const kept: string[] = [];
  const foldedWords = folded.slice(offset).split(/\s+/).filter(Boolean);
  const originalWords = original.slice(offset).split(/\s+/).filter(Boolean);
  for (const [i, w] of foldedWords.entries()) {
    const clean = w.replace(/[^\p{L}'-]/gu, '');
    if (!clean || clean !== w.replace(/[,.!;:]+$/, '') || NOT_NAME.has(clean)) break;
    kept.push((originalWords[i] ?? clean).replace(/[^\p{L}'-]/gu, ''));
    if (/[,.!?;:]$/.test(w) || kept.length === 4) break;
  }
  const name = titleCase(kept.join(' '));
  return name.length >= 2 ? name : undefined;
}

/**
 * The lead's name: after "nama saya", "my name is", "me llamo" and the like; when the name
 * was just asked, also after "saya"/"I'm"/"soy" or as a bare answer ("Budi Santoso",
 * "budi, dari jakarta"), unless the answer is a yes/no, a question, a country or a refusal.
 */
export function extractName(message: string, asked = false): string | undefined {
  const original = message.trim().normalize('NFKC');
  const folded = fold(original);
  const aligned = folded.length === original.length ? original : folded;
  const patterns = asked ? [...NAME_INTRO, ...NAME_INTRO_WHEN_ASKED] : NAME_INTRO;
  const leading = NAME_LEADING.exec(folded);
  if (leading) {
    const name = nameFrom(folded, aligned, leading[0].length);
    if (name) return name;
  }
  for (const re of patterns) {
    const m = re.exec(folded);
    if (m?.[1]) {
      const name = nameFrom(folded, aligned, m.index + m[0].length - m[1].length);
      if (name) return name;
    }
  }
  const head = original.split(/[,.;!]/)[0] ?? '';
  if (!asked || /\d|[?¿@]/.test(head) || extractDestination(head) || isDontKnow(original) || wantsHuman(original) || isSmallTalk(original)) return undefined;
  const first = words(original)[0];
  if (!first || YES_WORDS.has(first) || NO_WORDS.has(first)) return undefined;
  return nameFrom(folded, aligned, 0);
}

// English ------------------------------------------------------------------------------

/** ETS's published TOEFL iBT -> IELTS band comparison. */
const TOEFL_IBT_TO_IELTS: [number, number][] = [
  [118, 9], [115, 8.5], [110, 8], [102, 7.5], [94, 7], [79, 6.5], [60, 6], [46, 5.5], [35, 5], [32, 4.5], [0, 4],
];
/** TOEFL ITP (310-677) -> IELTS, approximate. */
const TOEFL_ITP_TO_IELTS: [number, number][] = [[627, 7.5], [587, 7], [560, 6.5], [530, 6], [500, 5.5], [460, 5], [0, 4.5]];

export function toeflToIelts(score: number): number {
  const table = score > 120 ? TOEFL_ITP_TO_IELTS : TOEFL_IBT_TO_IELTS;
  return table.find(([min]) => score >= min)![1];
}

const ADVANCED = ['mahir', 'fasih', 'lancar', 'sangat bagus', 'fluent', 'advanced', 'proficient', 'native', 'c1', 'c2', 'avanzado', 'fluido', 'nativo', 'bilingue'];
const INTERMEDIATE = ['menengah', 'lumayan', 'cukup bagus', 'bagus', 'biasa aja', 'lumayan lah', 'fine', 'not bad', 'intermediate', 'upper intermediate', 'good', 'decent', 'b1', 'b2', 'intermedio', 'medio', 'bueno'];
const BEGINNER = ['pemula', 'dasar', 'kurang', 'masih belajar', 'basic', 'beginner', 'poor', 'weak', 'a1', 'a2', 'principiante', 'basico', 'bajo'];
const ENGLISH_WORDS = ['bahasa inggris', 'bhs inggris', 'b. inggris', 'english', 'ingles'];

export interface EnglishFact {
  english_level: string;
  ielts?: number;
  ielts_source?: 'ielts' | 'toefl';
}

/**
 * IELTS band ("ielts 6.5", "IELTS saya 7"), TOEFL score (converted to the IELTS band) or a
 * level word (mahir/fluent/avanzado, menengah/intermediate, pemula/beginner). Level words
 * count only when the message is about English or English was just asked; so does a bare
 * band ("6.5").
 */
export function extractEnglish(message: string, asked = false): EnglishFact | undefined {
  const f = fold(message);
  const ielts = /\bielts\s*(?:(?:score|skor|nilai|band|overall|saya|sy|aku|ku|mine|my|is|of|de|con|mi|sudah|udah|udh|sdh|dapat|dapet|dpt)\s*|[:=-]\s*)*(\d(?:[.,]\d)?)(?!\d)/.exec(f) ?? /(?<![\d.,])(\d(?:[.,][05])?)\s*(?:di\s+|en\s+|on\s+)?ielts\b/.exec(f);
  if (ielts?.[1]) {
    const band = Number(ielts[1].replace(',', '.'));
    if (band >= 0 && band <= 9) return { english_level: `IELTS ${formatBand(band)}`, ielts: band, ielts_source: 'ielts' };
  }
  const toefl = /\btoefl\s*(?:ibt|itp|pbt)?\s*(?:(?:score|skor|nilai|saya|sy|aku|ku|my|is|of|de|mi|sudah|udah|udh|sdh|dapat|dapet|dpt)\s*|[:=-]\s*)*(\d{2,3})\b/.exec(f);
  if (toefl?.[1]) {
    const score = Number(toefl[1]);
    if (score <= 677) return { english_level: `TOEFL ${score}`, ielts: toeflToIelts(score), ielts_source: 'toefl' };
  }
  const aboutEnglish = asked || ENGLISH_WORDS.some((w) => hasPhrase(f, w));
  if (!aboutEnglish) return undefined;
  if (asked) {
    const bare = /^(?:sekitar|around|about|kira-kira|like|como)?\s*(\d(?:[.,][05])?)\s*[.!]?$/.exec(f.trim());
    if (bare?.[1]) {
      const band = Number(bare[1].replace(',', '.'));
      if (band >= 1 && band <= 9) return { english_level: `IELTS ${formatBand(band)}`, ielts: band, ielts_source: 'ielts' };
    }
  }
  const positions = (list: string[]) => Math.min(...list.map((w) => phraseIndex(f, w)).filter((i) => i >= 0), Infinity);
  const found = [
    { level: 'advanced', at: positions(ADVANCED) },
    { level: 'intermediate', at: positions(INTERMEDIATE) },
    { level: 'beginner', at: positions(BEGINNER) },
  ]
    .filter((x) => x.at !== Infinity)
    .sort((a, b) => a.at - b.at);
  // "upper intermediate" contains no advanced word; "not fluent" reads as intermediate at best.
  const first = found[0];
  if (!first) return undefined;
  if (first.level === 'advanced' && /\b(?:tidak|gak|nggak|kurang|belum|not|no|poco)\s+\S*\s*$/.test(f.slice(0, first.at))) {
    return { english_level: 'intermediate' };
  }
  return { english_level: first.level };
}

export function formatBand(band: number): string {
  return Number.isInteger(band) ? band.toFixed(1) : String(band);
}

/** IELTS 6.5 or more, or an advanced level word: the original rubric's English bonus. */
export function isHighEnglish(ctx: { ielts?: number; english_level?: string }): boolean {
  if (ctx.ielts !== undefined) return ctx.ielts >= 6.5;
  const level = fold(ctx.english_level ?? '');
  return level === 'advanced' || ADVANCED.some((w) => hasPhrase(level, w));
}

export function extractGpa(message: string): number | undefined {
  const m = /\b(?:ipk|gpa|promedio|nilai rata-rata)\s*(?:(?:saya|aku|ku|my|is|of|mi|es|de)\s*|[:=-]\s*)*(\d[.,]\d{1,2})\b/.exec(fold(message));
  if (!m?.[1]) return undefined;
  const gpa = Number(m[1].replace(',', '.'));
  return gpa > 0 && gpa <= 4 ? gpa : undefined;
}

// Budget -------------------------------------------------------------------------------------

export interface BudgetFact {
  budget: string;
  budget_amount: number;
  budget_currency: string;
}

/** Multiplier words after a number, longest first. `m` depends on the currency (see below). */
const MULTIPLIERS: [string, number][] = [
  ['mil millones', 1e9], ['miliar', 1e9], ['milyar', 1e9], ['milliard', 1e9], ['billion', 1e9], ['bn', 1e9],
  ['millones', 1e6], ['millon', 1e6], ['million', 1e6], ['juta', 1e6], ['jt', 1e6], ['jta', 1e6], ['mio', 1e6], ['mn', 1e6],
  ['ribu', 1e3], ['rb', 1e3], ['thousand', 1e3], ['mil', 1e3], ['k', 1e3], ['m', 0],
];
const MULTIPLIER_RES: [string, number, RegExp][] = MULTIPLIERS.map(([word, value]) => [word, value, new RegExp(`^\\s*${word.replace(/\s/g, '\\s+')}(?![\\p{L}])`, 'u')]);
const INDONESIAN_MULTIPLIERS = new Set(['miliar', 'milyar', 'juta', 'jt', 'jta', 'ribu', 'rb']);

/** Currency markers right before the amount, folded. */
const CURRENCY_BEFORE = /(rp\.?|idr|us\$|usd|a\$|aud|c\$|cad|s\$|sgd|nz\$|nzd|€|eur|£|gbp|¥|jpy|cop|mxn|\$)\s*$/;
const CURRENCY_SYMBOLS: Record<string, string> = {
  rp: 'IDR', 'rp.': 'IDR', idr: 'IDR', us$: 'USD', usd: 'USD', a$: 'AUD', aud: 'AUD', c$: 'CAD', cad: 'CAD', s$: 'SGD', sgd: 'SGD',
  nz$: 'NZD', nzd: 'NZD', '€': 'EUR', eur: 'EUR', '£': 'GBP', gbp: 'GBP', '¥': 'JPY', jpy: 'JPY', cop: 'COP', mxn: 'MXN', $: '$',
};
/** Currency words right after the amount (and its multiplier), folded. */
const CURRENCY_AFTER: [RegExp, string][] = [
  [/^\s*(?:rupiah|idr|rp)\b/, 'IDR'],
  [/^\s*(?:usd|us dollars?|dolares? (?:americanos?|estadounidenses?)|dollars? amerika)\b/, 'USD'],
  [/^\s*(?:aud|australian dollars?|dolar australia)\b/, 'AUD'],
  [/^\s*(?:cad|canadian dollars?)\b/, 'CAD'],
  [/^\s*(?:sgd|singapore dollars?)\b/, 'SGD'],
  [/^\s*(?:eur|euros?)\b/, 'EUR'],
  [/^\s*(?:gbp|pounds?(?: sterling)?|poundsterling|libras?)\b/, 'GBP'],
  [/^\s*(?:jpy|yen)\b/, 'JPY'],
  [/^\s*(?:cop|pesos? colombianos?)\b/, 'COP'],
  [/^\s*(?:mxn|pesos? mexicanos?)\b/, 'MXN'],
  [/^\s*pesos?\b/, 'PESO'],
  [/^\s*(?:dollars?|dolares?|dolar)\b/, '$'],
];

/**
 * "500.000.000" (dots for thousands), "30,000", "1,5" and "1.5" (decimals): a single kind of
 * separator followed by exactly three digits groups thousands; otherwise the last separator
 * is the decimal mark.
 */
export function parseAmount(text: string): number {
  const seps = text.match(/[.,]/g) ?? [];
  if (seps.length === 0) return Number(text);
  const last = Math.max(text.lastIndexOf('.'), text.lastIndexOf(','));
  const tail = text.slice(last + 1);
  if (new Set(seps).size === 1 && tail.length === 3) return Number(text.replace(/[.,]/g, ''));
  return Number(text.slice(0, last).replace(/[.,]/g, '') + '.' + tail);
}

/**
 * A budget: an amount with a currency ("Rp 500.000.000", "$30k", "30 mil dólares", "AUD 40,000")
 * or a multiplier word ("500 juta", "1,5 miliar"). Without a currency, Indonesian multipliers
 * mean rupiah and anything else means the workspace's currency; "1M" is a miliar in rupiah and
 * a million otherwise; "mil" is a thousand in Spanish. When the budget was just asked, a bare
 * number from 1,000 up counts too. Of a range ("300-500 juta"), the top is kept.
 */
export function extractBudget(message: string, opts: { currency: string; language: Language; asked?: boolean }): BudgetFact | undefined {
  // "enam ratus juta" is read as "600 juta".
  const spelled = spellNumbers(message);
  const original = spelled !== fold(message) ? spelled : message.normalize('NFC');
  const f = fold(original);
  const shown = f.length === original.length ? original : f;
  const numberRe = /(?<![\d.,])(\d+(?:[.,]\d+)*)/g;
  let found: BudgetFact | undefined;
  let rangeStart: number | undefined;
  for (let m = numberRe.exec(f); m; m = numberRe.exec(f)) {
    const numText = m[1]!;
    const before = f.slice(Math.max(0, m.index - 8), m.index);
    const after = f.slice(m.index + numText.length);
    // A number glued to letters that are not a currency ("S2", "b2") is no amount.
    const cb = CURRENCY_BEFORE.exec(before);
    if (!cb && /\p{L}$/u.test(before)) continue;
    let multiplier = 1;
    let multLen = 0;
    let multWord: string | undefined;
    for (const [word, value, re] of MULTIPLIER_RES) {
      const mm = re.exec(after);
      if (mm) {
        multiplier = value;
        multWord = word;
        multLen = mm[0].length;
        break;
      }
    }
    const afterMult = after.slice(multLen);
    const ca = CURRENCY_AFTER.find(([re]) => re.test(afterMult));
    let currency = cb ? CURRENCY_SYMBOLS[cb[1]!] : ca?.[1];
    if (!multWord && !currency && /^\s*-\s*\d/.test(after)) {
      // "300 - 500 juta": the first number of a range takes the second's unit.
      rangeStart ??= m.index - (cb?.[0].length ?? 0);
      continue;
    }
    if (currency === '$') currency = 'USD';
    if (currency === 'PESO') currency = /^(COP|MXN|ARS|CLP)$/.test(opts.currency) ? opts.currency : 'COP';
    if (!currency && multWord && INDONESIAN_MULTIPLIERS.has(multWord)) currency = 'IDR';
    if (multWord === 'm') multiplier = (currency ?? (opts.language === 'id' ? 'IDR' : opts.currency)) === 'IDR' ? 1e9 : 1e6;
    if (multWord === 'mil' && opts.language !== 'es' && !/^\s*(?:pesos?|dolares?|euros?)\b/.test(afterMult)) multiplier = 1e6;
    const bare = !currency && !multWord;
    const value = parseAmount(numText) * multiplier;
    if ((bare && !opts.asked) || !Number.isFinite(value) || value <= 0 || (bare && (value < 1000 || /^(?:19|20)\d\d$/.test(numText)))) {
      rangeStart = undefined;
      continue;
    }
    const start = rangeStart ?? m.index - (cb?.[0].length ?? 0);
    const end = m.index + numText.length + multLen + (ca ? (ca[0].exec(afterMult)?.[0].length ?? 0) : 0);
    found = {
      budget: tidy(shown.slice(start, end)) || numText,
      budget_amount: Math.round(value),
      budget_currency: currency ?? opts.currency,
    };
    rangeStart = undefined;
  }
  return found;
}

// Timeline ----------------------------------------------------------------------------------

export interface TimelineFact {
  timeline: string;
  timeline_year?: number;
  timeline_month?: number;
  timeline_vague?: boolean;
}

const MONTHS: [string, number][] = [
  ['januari', 1], ['january', 1], ['enero', 1], ['jan', 1],
  ['februari', 2], ['pebruari', 2], ['february', 2], ['febrero', 2], ['feb', 2],
  ['maret', 3], ['march', 3], ['marzo', 3],
  ['april', 4], ['abril', 4],
  ['mei', 5], ['mayo', 5],
  ['juni', 6], ['june', 6], ['junio', 6],
  ['juli', 7], ['july', 7], ['julio', 7],
  ['agustus', 8], ['august', 8], ['agosto', 8], ['agt', 8],
  ['september', 9], ['septiembre', 9], ['setiembre', 9], ['sept', 9], ['sep', 9],
  ['oktober', 10], ['october', 10], ['octubre', 10], ['okt', 10], ['oct', 10],
  ['november', 11], ['noviembre', 11], ['nov', 11],
  ['desember', 12], ['december', 12], ['diciembre', 12], ['des', 12], ['dec', 12],
];

/** Abbreviations that are months only next to a year or when the timeline was asked. */
const SHORT_MONTHS = new Set(['jan', 'feb', 'agt', 'sept', 'sep', 'okt', 'oct', 'nov', 'des', 'dec']);

const NUMBER_WORDS: Record<string, number> = {
  satu: 1, se: 1, one: 1, a: 1, un: 1, uno: 1, dua: 2, two: 2, dos: 2, tiga: 3, three: 3, tres: 3, empat: 4, four: 4, cuatro: 4, lima: 5, five: 5, cinco: 5,
};

const VAGUE_ALWAYS = ['masih lama', 'beberapa tahun lagi', 'a few years', 'someday', 'some day', 'en unos anos', 'algun dia', 'dalam beberapa tahun'];
const VAGUE_WHEN_ASKED = ['nanti dulu', 'nanti aja', 'nanti saja', 'belum tahu', 'belum tau', 'blm tau', 'belum pasti', 'belum kepikiran', 'tidak tahu', 'gak tau', 'ga tau', 'nggak tau', 'not sure', 'dont know', "don't know", 'no idea', 'later', 'not yet', 'no se', 'todavia no se', 'mas adelante', 'no estoy seguro', 'no estoy segura'];
const ASAP = ['secepatnya', 'segera', 'asap', 'as soon as possible', 'lo antes posible', 'cuanto antes', 'lo mas pronto'];

const ZONED = new Map<string, Intl.DateTimeFormat>();
let lastZoned: { time: number; timeZone: string; value: ReturnType<typeof zoned> } | undefined;

/** Calendar fields of an instant in a time zone (formatters are cached: building one is slow). */
function zoned(now: Date, timeZone: string): { year: number; month: number; day: number; hour: number; weekday: number } {
  if (lastZoned && lastZoned.time === now.getTime() && lastZoned.timeZone === timeZone) return lastZoned.value;
  let fmt = ZONED.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
    ZONED.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const value = {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')) % 24,
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
  };
  lastZoned = { time: now.getTime(), timeZone, value };
  return value;
}
export { zoned };

function addMonths(year: number, month: number, n: number): { year: number; month: number } {
  const total = year * 12 + (month - 1) + n;
  return { year: Math.floor(total / 12), month: (total % 12) + 1 };
}

/**
 * When the lead wants to start: a year ("2027", "intake 2027"), a month with or without a
 * year ("september" is the next September), relative phrases ("tahun depan", "next year",
 * "el próximo año", "2 tahun lagi", "in 6 months", "semester depan", "secepatnya"), or a
 * vague answer ("nanti dulu", "not sure", "más adelante": scored as far away; most count
 * only when the timeline was just asked). Years before this one are ignored ("lulus 2020").
 */
export function extractTimeline(message: string, opts: { now: Date; timeZone: string; asked?: boolean }): TimelineFact | undefined {
  const f = fold(message);
  const today = zoned(opts.now, opts.timeZone);
  const label = (phrase: string) => tidy(message.normalize('NFC').slice(phraseIndex(f, phrase), phraseIndex(f, phrase) + phrase.length)) || phrase;

  const relYear = /\b(\d|satu|dua|tiga|empat|lima|one|two|three|four|five|un|uno|dos|tres|cuatro|cinco|se)\s*(?:tahun|years?|anos?)\s*(?:lagi|ke depan|from now|mas)?\b/.exec(f);
  const inYears = relYear && (/(?:lagi|ke depan|from now|mas)\s*$/.test(relYear[0]) || /\b(?:dalam|in|en|dentro de)\s+$/.test(f.slice(0, relYear.index)));
  if (relYear && inYears) {
    const n = Number(relYear[1]) || NUMBER_WORDS[relYear[1]!] || 1;
    return { timeline: tidy(message.normalize('NFC').slice(relYear.index, relYear.index + relYear[0].length)), timeline_year: today.year + n };
  }
  const relMonths = /\b(\d{1,2}|satu|dua|tiga|empat|lima|enam|six|seis)\s*(?:bulan|months?|meses?)\s*(?:lagi|from now)?\b/.exec(f);
  if (relMonths && (/(?:lagi|from now)\s*$/.test(relMonths[0]) || /\b(?:dalam|in|en|dentro de)\s+$/.test(f.slice(0, relMonths.index)))) {
    const n = Number(relMonths[1]) || NUMBER_WORDS[relMonths[1]!] || (relMonths[1] === 'enam' || relMonths[1] === 'six' || relMonths[1] === 'seis' ? 6 : 1);
    const at = addMonths(today.year, today.month, n);
    return { timeline: tidy(message.normalize('NFC').slice(relMonths.index, relMonths.index + relMonths[0].length)), timeline_year: at.year, timeline_month: at.month };
  }
  const nextYear = findPhrase(f, ['tahun depan', 'taun depan', 'thn depan', 'tahun dpn', 'thn dpn', 'taun dpn', 'next year', 'nxt year', 'proximo ano', 'el ano que viene', 'ano que viene', 'el proximo ano', 'ano siguiente']);
  const thisYear = findPhrase(f, ['tahun ini', 'thn ini', 'this year', 'este ano']);
  const nextSemester = findPhrase(f, ['semester depan', 'next semester', 'proximo semestre', 'semestre que viene']);
  const nextMonth = findPhrase(f, ['bulan depan', 'next month', 'proximo mes', 'mes que viene']);
  const asap = findPhrase(f, ASAP);

  const year = /(?<!\d|\d[.,])(20[2-4]\d)(?!\d|[.,]\d)/.exec(f);
  const yearNum = year ? Number(year[1]) : undefined;
  const validYear = yearNum !== undefined && yearNum >= today.year ? yearNum : undefined;

  let month: number | undefined;
  let monthWord: string | undefined;
  for (const [word, n] of MONTHS) {
    if (hasPhrase(f, word)) {
      // "may" (English) and short forms are months only next to a year or when asked.
      month = n;
      monthWord = word;
      break;
    }
  }
  if (!month && /\bmay\b/.test(f) && (validYear || opts.asked)) {
    month = 5;
    monthWord = 'may';
  }
  if (month && monthWord && SHORT_MONTHS.has(monthWord) && !validYear && !opts.asked) {
    month = undefined;
    monthWord = undefined;
  }
  if (month && monthWord === 'mei' && !validYear && !opts.asked && !/\b(?:bulan|pada|di|in|en|de)\s+mei\b/.test(f)) {
    month = undefined;
    monthWord = undefined;
  }

  // "lulus Juni 2024": a month of a past year is not a plan.
  if (month && monthWord && yearNum !== undefined && yearNum < today.year) {
    month = undefined;
    monthWord = undefined;
  }
  if (month && monthWord) {
    const y = validYear ?? (nextYear ? today.year + 1 : month >= today.month ? today.year : today.year + 1);
    const text = validYear ? `${label(monthWord)} ${validYear}` : label(monthWord);
    return { timeline: nextYear && !validYear ? `${text} ${label(nextYear)}` : text, timeline_year: y, timeline_month: month };
  }
  if (validYear) return { timeline: String(validYear), timeline_year: validYear };
  if (nextYear) return { timeline: label(nextYear), timeline_year: today.year + 1 };
  if (thisYear) return { timeline: label(thisYear), timeline_year: today.year };
  if (nextSemester) {
    const at = addMonths(today.year, today.month, 6);
    return { timeline: label(nextSemester), timeline_year: at.year, timeline_month: at.month };
  }
  if (nextMonth) {
    const at = addMonths(today.year, today.month, 1);
    return { timeline: label(nextMonth), timeline_year: at.year, timeline_month: at.month };
  }
  if (asap) return { timeline: label(asap), timeline_year: today.year, timeline_month: today.month };
  const vague = findPhrase(f, VAGUE_ALWAYS) ?? (opts.asked ? findPhrase(f, VAGUE_WHEN_ASKED) : undefined);
  if (vague) return { timeline: label(vague), timeline_vague: true };
  return undefined;
}

/** Two years or more away, or vague: the original rubric's timeline penalty. */
export function isFarTimeline(ctx: { timeline?: string; timeline_year?: number; timeline_vague?: boolean }, now: Date, timeZone: string): boolean {
  if (ctx.timeline_vague) return true;
  if (ctx.timeline_year !== undefined) return ctx.timeline_year - zoned(now, timeZone).year >= 2;
  const f = fold(ctx.timeline ?? '');
  return [...VAGUE_ALWAYS, ...VAGUE_WHEN_ASKED, 'lama'].some((p) => hasPhrase(f, p));
}

// Program ---------------------------------------------------------------------------------

const DEGREES: [RegExp, string][] = [
  [/\bs-?1\b/, 'S1'],
  [/\bs-?2\b/, 'S2'],
  [/\bs-?3\b/, 'S3'],
  [/\bd-?3\b/, 'D3'],
  [/\bd-?4\b/, 'D4'],
  [/\bmba\b/, 'MBA'],
  [/\bph\.?\s?d\b/, 'PhD'],
  [/\bm\.?sc\b/, 'MSc'],
  [/\bb\.?sc\b/, 'BSc'],
  [/\bmaster'?s?\b/, 'Master'],
  [/\bmagister\b/, 'Magister'],
  [/\bmaestria\b/, 'Maestría'],
  [/\bdoktor(?:al)?\b/, 'Doktor'],
  [/\bdoctorate\b/, 'Doctorate'],
  [/\bdoctorado\b/, 'Doctorado'],
  [/\bbachelor'?s?\b/, 'Bachelor'],
  [/\bsarjana\b/, 'Sarjana'],
  [/\bundergraduate\b/, 'Undergraduate'],
  [/\bpostgraduate\b/, 'Postgraduate'],
  [/\bposgrado\b/, 'Posgrado'],
  [/\blicenciatura\b/, 'Licenciatura'],
  [/\bpregrado\b/, 'Pregrado'],
  [/\bdiploma\b/, 'Diploma'],
];

const SUBJECT_INTRO = /^\s*(?:(?:di\s+)?(?:jurusan|bidang|prodi|program studi|program|degree)\s+|in\s+|of\s+|en\s+|de\s+)?/;
const SUBJECT_STOP = new Set(
  (
    'di ke dan atau tahun yang untuk pada dengan mau ingin nanti budget biaya kak ya dong aja saja sih deh tapi karena ' +
    'in at to and or for next this with on from because but so please year years degree program ' +
    'en a y o para el la los las con del por pero que ano'
  ).split(' '),
);
const SUBJECT_INTRO_ALONE = /\b(?:jurusan|prodi|program studi|majoring in|major in|major|study|studying|carrera de|estudiar)\s+/;

function subjectAfter(folded: string, original: string, from: number): string | undefined {
  const rest = folded.slice(from);
  const intro = SUBJECT_INTRO.exec(rest)?.[0] ?? '';
  const start = from + intro.length;
  const tokens = folded.slice(start).split(/(\s+)/);
  const kept: string[] = [];
  let offset = start;
  for (const tok of tokens) {
    if (/^\s+$/.test(tok)) {
      offset += tok.length;
      continue;
    }
    const w = tok.replace(/[^\p{L}&]/gu, '');
    if (!w || SUBJECT_STOP.has(w) || /\d/.test(tok) || Object.values(COUNTRY_ALIASES).some((a) => a.includes(w)) || MONTHS.some(([m]) => m === w)) break;
    kept.push(original.slice(offset, offset + tok.length).replace(/[^\p{L}&'-]/gu, ''));
    offset += tok.length;
    if (/[,.!?;:]/.test(tok) || kept.length === 4) break;
  }
  const subject = kept.join(' ').trim();
  return subject.length >= 2 ? titleCase(subject) : undefined;
}

/**
 * The program: a degree level (S1/S2/S3, master, MBA, PhD, maestría...) with the subject that
 * follows it ("S2 computer science" -> "S2 Computer Science"), or a subject after "jurusan",
 * "major in", "estudiar".
 */
export function extractProgram(message: string): string | undefined {
  const original = message.normalize('NFKC');
  const f = fold(original);
  if (f.length !== original.length) return extractProgramFolded(f, f);
  return extractProgramFolded(f, original);
}

function extractProgramFolded(f: string, original: string): string | undefined {
  let best: { at: number; label: string; end: number } | undefined;
  for (const [re, label] of DEGREES) {
    const m = re.exec(f);
    if (m && (!best || m.index < best.at)) best = { at: m.index, label, end: m.index + m[0].length };
  }
  if (best) {
    const subject = subjectAfter(f, original, best.end);
    return subject ? `${best.label} ${subject}` : best.label;
  }
  const intro = SUBJECT_INTRO_ALONE.exec(f);
  if (intro) return subjectAfter(f, original, intro.index + intro[0].length);
  return undefined;
}

// Yes / no and documents ---------------------------------------------------------------------

export const YES_WORDS = new Set(
  'sudah udah udh sdh ada punya iya ya yaa yap yup siap ok oke okay okey yes yep yeah sure si claro tengo ready done betul benar setuju deal confirm confirmo correcto vale dale'.split(' '),
);
export const NO_WORDS = new Set('belum blm tidak tdk gak ga gk nggak ngga enggak engga no not nope nah ndak kagak'.split(' '));
const NO_PHRASES = ['not yet', "don't", 'dont', 'do not', "haven't", 'havent', 'have not', "didn't", 'todavia no', 'aun no', 'no tengo', 'tidak ada', 'ga ada', 'gak ada', 'belum ada'];

/**
 * true for yes (sudah/ada/punya/iya/ya/siap/ok/yes/yep/sí/claro/tengo...), false for no
 * (belum/tidak/gak/nggak/ga/blm/no/not yet/todavía no/aún no...), undefined when unclear.
 * A negation wins: "belum ada" and "no tengo" are no.
 */
export function parseYesNo(message: string): boolean | undefined {
  const f = fold(message);
  const ws = words(message);
  if (NO_PHRASES.some((p) => hasPhrase(f, p)) || ws.some((w) => NO_WORDS.has(w))) return false;
  if (ws.some((w) => YES_WORDS.has(w)) || /\bi (?:have|do|got)\b/.test(f)) return true;
  return undefined;
}

const DOCUMENT_WORDS: Record<DocumentKey, string[]> = {
  passport: ['paspor', 'pasport', 'passport', 'pasaporte'],
  cv: ['cv', 'resume', 'curriculum', 'curriculum vitae', 'riwayat hidup', 'hoja de vida'],
  english_test: ['ielts', 'toefl', 'sertifikat bahasa', 'sertifikat inggris', 'english test', 'english certificate', 'tes bahasa inggris', 'test bahasa inggris', 'certificado de ingles', 'examen de ingles', 'duolingo'],
  transcript: ['transkrip', 'transcript', 'transcripts', 'nilai akademik', 'ijazah', 'expediente', 'certificado de notas', 'notas'],
};

/**
 * Document answers named in the message ("paspor sudah, CV belum"): each clause that names a
 * document takes the yes/no of that clause. A clause without yes/no inherits the next one's
 * ("paspor dan CV sudah").
 */
export function splitClauses(message: string): string[] {
  return fold(message)
    .split(/[,;.\n]|\b(?:tapi|but|pero|sedangkan|while|mientras)\b/)
    .map((c) => c.trim())
    .filter(Boolean);
}

/** The documents a clause names. */
export function documentsNamed(clause: string): DocumentKey[] {
  return (Object.keys(DOCUMENT_WORDS) as DocumentKey[]).filter((k) => DOCUMENT_WORDS[k].some((w) => hasPhrase(clause, w)));
}

export function extractDocuments(message: string): Documents {
  const clauses = splitClauses(message);
  const out: Documents = {};
  let waiting: DocumentKey[] = [];
  for (const clause of clauses) {
    const named = documentsNamed(clause);
    if (named.length === 0) continue;
    const answer = parseYesNo(clause.replace(/\bielts\s*\d(?:[.,]\d)?/, 'ielts'));
    if (answer === undefined) {
      waiting.push(...named);
      continue;
    }
    for (const k of [...waiting, ...named]) out[k] = answer;
    waiting = [];
  }
  return out;
}

// Intents ----------------------------------------------------------------------------------

const QUESTION_STARTS = [
  'apa', 'apakah', 'berapa', 'bagaimana', 'gimana', 'kapan', 'dimana', 'di mana', 'mana', 'siapa', 'kenapa', 'mengapa', 'bisakah', 'bolehkah', 'adakah',
  'what', 'how', 'when', 'where', 'which', 'who', 'why', 'can', 'could', 'do', 'does', 'is', 'are', 'will', 'should',
  'que', 'como', 'cuando', 'donde', 'cuanto', 'cuanta', 'cuantos', 'cuantas', 'cual', 'cuales', 'quien', 'por que', 'puedo', 'hay', 'tienen',
];
const QUESTION_START_RE = new RegExp(
  `^(?:kak,?\\s+|halo,?\\s+|hi,?\\s+|hola,?\\s+|oh,?\\s+|terus\\s+|lalu\\s+|and\\s+|y\\s+|mau tanya,?\\s+|tanya,?\\s+)?(?:${QUESTION_STARTS.join('|')})(?![\\p{L}])(?!\\s*\\d)`,
  'u',
);

/** Question words that ask wherever they stand ("biaya kuliah di UK berapa"). "apa", "que" and "como" also mean "or", "that", "like": only at the start. */
const QUESTION_WORDS = ['berapa', 'bagaimana', 'gimana', 'kapan', 'dimana', 'di mana', 'what', 'how', 'when', 'where', 'which', 'cuando', 'donde', 'cuanto', 'cuanta', 'cuantos', 'cuantas', 'cual', 'cuales'];

/**
 * A question: a question mark, a question word at the start (apa/berapa/bagaimana/kapan/dimana,
 * what/how/when/where/which, qué/cómo/cuándo/dónde/cuánto...), or a strong question word
 * anywhere, unless the message is the answer to what was just asked ("belum tahu kapan").
 */
export function isQuestion(message: string, answeredPending = false): boolean {
  if (message.includes('?') || message.includes('¿')) return true;
  const f = fold(message).trim();
  if (QUESTION_START_RE.test(f)) return true;
  return !answeredPending && QUESTION_WORDS.some((q) => hasPhrase(f, q));
}

/** An explicit request for a person, in any of the three languages (engines/shared/, the one rule for every engine). */
export const wantsHuman = asksForPerson;

/** The workspace default: what goes to a person whatever the rules could answer. */
export const DEFAULT_SENSITIVE_TOPICS = [
  'visa', 'visado', 'legal', 'hukum', 'pengacara', 'lawyer', 'abogado',
  'complaint', 'komplain', 'keluhan', 'queja', 'reclamo', 'refund', 'reembolso', 'pengembalian dana', 'uang kembali',
];

const TOPIC_RES = new Map<string, RegExp | null>();
function topicRegex(t: string): RegExp | null {
  let re = TOPIC_RES.get(t);
  if (re === undefined) {
    const topic = fold(t).trim();
    const body = topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
    re = topic ? new RegExp(`(?<![\\p{L}\\p{N}])${body}(?:s|es|nya|ku|mu)?(?![\\p{L}\\p{N}])`, 'u') : null;
    TOPIC_RES.set(t, re);
  }
  return re;
}

/** The first sensitive topic the message names (whole words; Indonesian -nya and English plurals allowed). */
export function findSensitiveTopic(message: string, topics: readonly string[] = DEFAULT_SENSITIVE_TOPICS): string | undefined {
  const f = fold(message);
  return topics.find((t) => topicRegex(t)?.test(f));
}

/** Topics worth noting in the handoff summary. */
const TOPICS: Record<string, string[]> = {
  visa: ['visa', 'visado'],
  beasiswa: ['beasiswa', 'scholarship', 'scholarships', 'beca', 'becas', 'lpdp'],
  biaya: ['biaya', 'harga', 'cost', 'costs', 'fee', 'fees', 'tuition', 'price', 'costo', 'precio', 'matricula'],
  akomodasi: ['asrama', 'kos', 'akomodasi', 'accommodation', 'housing', 'dorm', 'alojamiento', 'vivienda'],
  kerja: ['part-time', 'part time', 'kerja sambil', 'work while', 'trabajar'],
  universitas: ['universitas', 'kampus', 'university', 'universities', 'universidad', 'universidades'],
};

export function detectTopics(message: string): string[] {
  const f = fold(message);
  return Object.entries(TOPICS)
    .filter(([, ws]) => ws.some((w) => hasPhrase(f, w)))
    .map(([topic]) => topic);
}

const DONT_KNOW = [
  'belum tahu', 'belum tau', 'blm tau', 'tidak tahu', 'tidak tau', 'gak tau', 'gak tahu', 'ga tau', 'nggak tau', 'nggak tahu', 'ngga tau', 'gatau', 'entah',
  'rahasia', 'skip', 'lewati', 'nanti aja', 'nanti saja', 'gak punya', 'ga punya', 'tidak punya', 'nggak punya', 'belum punya', 'belum ada', 'tidak ada',
  'belum pernah', 'never taken', 'nunca',
  'dont know', "don't know", 'no idea', 'not sure', 'rather not', 'prefer not', "don't have", 'dont have', 'no tengo', 'no se', 'prefiero no', 'ni idea', 'pass',
];

/** "belum tahu", "skip", "I don't know", "no sé": the lead declines the question. */
export function isDontKnow(message: string): boolean {
  const f = fold(message);
  return DONT_KNOW.some((p) => hasPhrase(f, p));
}

const THANKS = ['terima kasih', 'makasih', 'trims', 'thanks', 'thank you', 'thx', 'gracias', 'mil gracias', 'ok makasih', 'siap makasih'];
const GREETINGS = ['apa kabar', 'how are you', 'que tal', 'como estas', 'halo', 'hallo', 'hai', 'hi', 'hello', 'hey', 'hola', 'pagi', 'siang', 'sore', 'malam', 'selamat pagi', 'selamat siang', 'selamat sore', 'selamat malam', 'good morning', 'good afternoon', 'good evening', 'buenos dias', 'buenas tardes', 'buenas noches', 'assalamualaikum', 'permisi', 'kak', 'min'];
const ACKS = ['ok', 'oke', 'okay', 'baik', 'siap', 'sip', 'noted', 'alright', 'vale', 'bueno', 'de acuerdo', 'mantap', 'good', 'great', 'perfecto', 'perfect'];

/** Fillers that carry nothing: "hmm", "eh", "uh". */
const FILLERS = /^(?:h+m+|e+h+|a+h+|u+h+|u+m+|e+m+|h+u+h+|oh+|w+k+w*k*)$/;

/** A message with nothing in it to read: only punctuation, emoji or fillers ("???", "...", "hmm"). */
export function isEmptyMessage(message: string): boolean {
  const ws = words(message);
  return ws.length === 0 || ws.every((w) => FILLERS.test(w));
}

export function isThanks(message: string): boolean {
  const f = fold(message);
  return THANKS.some((p) => hasPhrase(f, p));
}

/** Small talk only: greetings, thanks and acknowledgements, nothing else. */
export function isSmallTalk(message: string): boolean {
  let f = fold(message).replace(/[^\p{L}\s]/gu, ' ');
  for (const p of [...THANKS, ...GREETINGS, ...ACKS].sort((a, b) => b.length - a.length)) f = f.replace(phraseRegex(p, 'gu'), ' ');
  return f.trim() === '' && /\p{L}/u.test(message) && !isEmptyMessage(message);
}

// Everything at once -----------------------------------------------------------------------

export interface Facts {
  name?: string;
  email?: string;
  destination?: string;
  english?: EnglishFact;
  gpa?: number;
  budget?: BudgetFact;
  timeline?: TimelineFact;
  program?: string;
  documents: Documents;
}

export interface ExtractOptions {
  /** The question the previous reply asked, so that bare answers are understood. */
  pending?: Item | null;
  language: Language;
  now: Date;
  timeZone: string;
  currency: string;
}

/** Every fact the message tells, reading bare answers as answers to the pending question. */
export function extractFacts(message: string, opts: ExtractOptions): Facts {
  const pending = opts.pending ?? undefined;
  const documents = extractDocuments(message);
  const docPending = pending === 'passport' || pending === 'cv' || pending === 'english_test' || pending === 'transcript';
  if (docPending && parseYesNo(message) === true && /\b(?:semua|semuanya|all of them|all|todos|todo)\b/.test(fold(message))) {
    // "sudah semua": every document is ready.
    for (const d of ['passport', 'cv', 'english_test', 'transcript'] as const) documents[d] ??= true;
  }
  if (docPending && documents[pending] === undefined) {
    // "ya, tapi CV belum": the pending document takes the first clause that names no other.
    for (const clause of splitClauses(message)) {
      if (documentsNamed(clause).length > 0) continue;
      const answer = parseYesNo(clause);
      if (answer !== undefined) {
        documents[pending] = answer;
        break;
      }
    }
  }
  const facts: Facts = { documents };
  const email = extractEmail(message);
  if (email) facts.email = email;
  // An email address is not a name, and neither is a message that is only a yes/no.
  const withoutEmail = email ? message.replace(EMAIL, ' ') : message;
  const name = extractName(withoutEmail, pending === 'name' && !email);
  if (name) facts.name = name;
  const destination = extractDestination(withoutEmail);
  if (destination) facts.destination = destination;
  const english = extractEnglish(withoutEmail, pending === 'english_level');
  if (english) facts.english = english;
  const gpa = extractGpa(withoutEmail);
  if (gpa !== undefined) facts.gpa = gpa;
  const budget = extractBudget(withoutEmail, { currency: opts.currency, language: opts.language, asked: pending === 'budget' });
  if (budget) facts.budget = budget;
  const timeline = extractTimeline(withoutEmail, { now: opts.now, timeZone: opts.timeZone, asked: pending === 'timeline' });
  if (timeline) facts.timeline = timeline;
  const program = extractProgram(withoutEmail);
  if (program) facts.program = program;
  return facts;
}

/** How many distinct facts a Facts holds (documents count one each). */
export function factCount(facts: Facts): number {
  const keys: (keyof Facts)[] = ['name', 'email', 'destination', 'english', 'gpa', 'budget', 'timeline', 'program'];
  return keys.filter((k) => facts[k] !== undefined).length + Object.values(facts.documents).filter((v) => v !== undefined).length;
}
