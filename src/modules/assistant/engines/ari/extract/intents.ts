// What kind of message it is: a question, a sensitive topic, small talk, thanks, "I don't know", nothing at all.

import { asksForPerson } from '../../shared/index.ts';
import { fold, hasPhrase, phraseRegex, words } from '../text.ts';

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
