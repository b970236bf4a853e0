import { countryName, extractDestination, formatBand } from './extract.ts';
import { messages } from './messages.ts';
import { formatMajor } from './money.ts';
import { fold, hasPhrase, shorten, words } from './text.ts';
import type { Context, DestinationOption, KnowledgeHit, Language } from './types.ts';

/**
 * When a search hit is good enough to answer with. The knowledge search ranks with
 * PostgreSQL's ts_rank: with its default weights a query word found once in a title scores
 * about 0.6, in a body about 0.24, divided among the query's words for OR queries. Two gates
 * keep the engine from answering with a loosely related text:
 *   - the hit's score is at least KNOWLEDGE_MIN_SCORE (configurable per workspace), and
 *   - at least KNOWLEDGE_MIN_COVERAGE of the question's content words (stop words removed)
 *     appear in the hit's title or snippet ("biaya hidup di tokyo" is not answered by
 *     "Biaya hidup di Melbourne": 2 of 3 words).
 */
export const KNOWLEDGE_MIN_SCORE = 0.1;
export const KNOWLEDGE_MIN_COVERAGE = 0.7;

const STOP_WORDS = new Set(
  (
    // Indonesian
    'ada adalah agar akan aku anda apa apakah atau bagaimana bahwa berapa bisa bisakah boleh dan dari dengan di dia dong gak gimana ' +
    'ini itu jika juga kah kak kalau kami kamu ke kenapa ketika mana mau nya oleh pada para pakai saja saya sebagai sih sudah tapi ' +
    'tentang tidak tolong untuk yang ya udah aja min info tanya mohon lagi punya dimana kapan siapa berapakah gitu kira-kira kira ' +
    // English
    'a an the is are was were be been what how when where which who why do does did can could would should will i you we they my ' +
    'your our of to in for on at about there any me please tell much many it this that with and or from have has get much know ' +
    // Spanish
    'el la los las de del que como cuando donde cuanto cuanta cuantos cuantas cual cuales es son un una en por para me mi tu hay ' +
    'puedo se lo y o con sobre al su sus te nos quiero saber tienen tiene'
  ).split(/\s+/),
);

/** The words of a question that carry meaning. */
export function contentWords(text: string): string[] {
  return [...new Set(words(text).filter((w) => w.length > 1 && !STOP_WORDS.has(w) && !/^\d+$/.test(w)))];
}

/** Whether a question word is found among a text's words, allowing affixes ("dibayar" ~ "bayar", "konsultasinya" ~ "konsultasi"). */
function matches(word: string, textWords: string[]): boolean {
  return textWords.some((t) => t === word || (word.length >= 4 && t.length >= 4 && (t.includes(word) || word.includes(t) || (word.length >= 6 && t.slice(0, 5) === word.slice(0, 5)))));
}

/** Share of the question's content words that the hit's title or snippet contains. */
export function coverage(question: string, hit: Pick<KnowledgeHit, 'title' | 'snippet'>): number {
  const q = contentWords(question);
  if (q.length === 0) return 0;
  const textWords = words(`${hit.title} ${hit.snippet}`);
  return q.filter((w) => matches(w, textWords)).length / q.length;
}

/** The hit to answer with, or undefined when none answers well enough. */
export function pickAnswer(question: string, hits: KnowledgeHit[], minScore = KNOWLEDGE_MIN_SCORE): { hit: KnowledgeHit; coverage: number } | undefined {
  const ranked = hits
    .filter((h) => h.score >= minScore)
    .map((hit) => ({ hit, coverage: coverage(question, hit) }))
    .filter((c) => c.coverage >= KNOWLEDGE_MIN_COVERAGE)
    .sort((a, b) => b.coverage - a.coverage || b.hit.score - a.hit.score);
  return ranked[0];
}

/** The answer text from a hit: its snippet, at most two sentences. */
export function answerText(hit: KnowledgeHit): string {
  const text = shorten(hit.snippet || hit.title, 2, 320);
  return /[.!?]$/.test(text) || text.endsWith('...') ? text : `${text}.`;
}

// Destinations ------------------------------------------------------------------------------

const UNIVERSITY_WORDS = ['universitas', 'univ', 'kampus', 'perguruan tinggi', 'university', 'universities', 'uni', 'college', 'colleges', 'school', 'schools', 'universidad', 'universidades', 'facultad', 'facultades'];
const ASKING_WORDS = ['rekomendasi', 'rekomen', 'saran', 'pilihan', 'daftar', 'list', 'recommend', 'recommendation', 'recommendations', 'options', 'suggest', 'recomienda', 'recomendacion', 'recomendaciones', 'opciones', 'lista'];

/**
 * The country a destination question is about ("kampus di inggris apa saja?", "universities
 * in Australia?", "¿qué universidades hay en Canadá?"), falling back to the lead's
 * destination ("rekomendasi kampus dong"); undefined when it is not about universities.
 */
export function destinationQuestion(message: string, ctx: Pick<Context, 'destination'>, isQuestion: boolean): string | undefined {
  const f = fold(message);
  if (!UNIVERSITY_WORDS.some((w) => hasPhrase(f, w))) return undefined;
  if (!isQuestion && !ASKING_WORDS.some((w) => hasPhrase(f, w))) return undefined;
  return extractDestination(message) ?? ctx.destination;
}

/** Promoted first, then higher priority, then by name. */
export function rankDestinations<T extends Pick<DestinationOption, 'is_promoted' | 'priority' | 'university_name'>>(list: T[]): T[] {
  return [...list].sort((a, b) => Number(b.is_promoted) - Number(a.is_promoted) || b.priority - a.priority || a.university_name.localeCompare(b.university_name));
}

export interface Eligibility {
  /** eligible: every requirement the lead's data can be checked against is met (and at least one is). */
  status: 'eligible' | 'not_eligible' | 'unknown';
  /** Requirements the lead does not meet, for the reply ("IELTS 7.0"). */
  missing: string[];
}

/** Whether the lead meets a destination's IELTS, GPA and minimum budget requirements. */
export function eligibility(dest: DestinationOption, lead: Pick<Context, 'ielts' | 'gpa' | 'budget_amount' | 'budget_currency'>, currency: string, language: Language): Eligibility {
  const req = dest.requirements ?? {};
  const missing: string[] = [];
  let checked = 0;
  if (req.ielts_min !== undefined && lead.ielts !== undefined) {
    checked++;
    if (lead.ielts < req.ielts_min) missing.push(`IELTS ${formatBand(req.ielts_min)}`);
  }
  if (req.gpa_min !== undefined && lead.gpa !== undefined) {
    checked++;
    if (lead.gpa < req.gpa_min) missing.push(`${language === 'id' ? 'IPK' : 'GPA'} ${req.gpa_min.toFixed(1)}`);
  }
  // Budgets compare only in the workspace's currency, which destinations are priced in.
  if (req.budget_min !== undefined && lead.budget_amount !== undefined && (lead.budget_currency ?? currency) === currency) {
    checked++;
    if (lead.budget_amount < req.budget_min) missing.push(`budget ${formatMajor(req.budget_min, currency, language)}`);
  }
  return { status: missing.length ? 'not_eligible' : checked ? 'eligible' : 'unknown', missing };
}

/** The destination reply: up to four universities, which ones fit the lead, or what they ask for. */
export function destinationsReply(country: string, list: DestinationOption[], lead: Context, currency: string, language: Language): string {
  const m = messages(language);
  const shown = rankDestinations(list).slice(0, 4);
  const label = (d: DestinationOption) => (d.city && !d.university_name.includes(d.city) ? `${d.university_name} (${d.city})` : d.university_name);
  const parts = [m.destinations(countryName(country, language), shown.map(label).join(', '))];
  const checks = shown.map((d) => ({ d, e: eligibility(d, lead, currency, language) }));
  const eligible = checks.filter((c) => c.e.status === 'eligible');
  const notEligible = checks.filter((c) => c.e.status === 'not_eligible');
  if (eligible.length) parts.push(m.eligible(eligible.map((c) => c.d.university_name).join(', ')));
  else if (notEligible[0]) parts.push(m.notEligible(notEligible[0].d.university_name, notEligible[0].e.missing.join(', ')));
  else {
    const bands = shown.map((d) => d.requirements?.ielts_min).filter((b): b is number => b !== undefined);
    if (bands.length) parts.push(m.generalRequirement(formatBand(Math.min(...bands))));
  }
  return parts.join(' ');
}
