// How good the lead's English is: IELTS, TOEFL (read as IELTS) and words for a level; and a GPA.

import { fold, hasPhrase, phraseIndex, words } from '../text.ts';

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
