import { extractProgram } from './extract.ts';
import { words } from './text.ts';
import { LANGUAGES, type Language } from './types.ts';

/**
 * Words that mark a message as Indonesian, English or Spanish. Words the languages share
 * ("no", "ok", "ya", "si", "a", "me") are left out; greetings weigh half and never decide
 * alone, because an Indonesian often opens with "hi" or "hello".
 */
const MARKERS: Record<Language, string[]> = {
  id: (
    'saya aku gue gw kamu anda mau ingin pengen kuliah tahun depan sudah udah sdh belum blm ada punya apa apakah berapa bagaimana gimana ' +
    'kapan dimana mana siapa kenapa mengapa nama dan yang di ke dari untuk buat dengan sama tidak gak nggak enggak nggak ga kak bisa boleh juta ' +
    'miliar ribu biaya kampus negara nanti dulu tolong iya siap jurusan pilih terima kasih makasih paspor transkrip ijazah lagi sekarang aja saja ' +
    'dong deh sih nih itu ini bicara orang minta tanya soal luar negeri bahasa inggris jepang jerman belanda amerika kalau kalo gimana jadwal ' +
    // Chat style: the short forms people type on WhatsApp.
    'sy gue udh sdh yg dgn utk jg bgt banget nanya tdk trs terus sekitar kira ambil maaf mbak mas nya budgetnya emailnya aja jd krn karena'
  ).split(' '),
  en: (
    'i my name is am want would like to the study studying year next yes not have has what how when where which who why please thanks thank ' +
    'you your university universities and in of for passport yet dont don\'t can could speak talk someone person human agent with ' +
    'english level about there this that it do does are be will plan planning master masters degree cost fees scholarship one second first'
  ).split(' '),
  es: (
    'yo mi llamo quiero quisiera estudiar ano proximo tengo que como cuando donde cuanto cuanta cuantos cual quien por favor gracias ' +
    'universidad universidades el la los las de en y con para una un todavia aun hablar persona asesor buenos buenas dias tardes noches ' +
    'pasaporte maestria carrera presupuesto ingles nivel pero porque es son esta estoy soy tiene hay del al lo le opcion segunda primera dolares'
  ).split(' '),
};

const WEAK: Record<Language, string[]> = {
  id: ['halo', 'hai', 'pagi', 'siang', 'sore', 'malam'],
  en: ['hi', 'hello', 'hey', 'morning', 'evening', 'afternoon', 'ok', 'okay'],
  es: ['hola', 'si'],
};

const SETS = Object.fromEntries(LANGUAGES.map((l) => [l, new Set(MARKERS[l])])) as Record<Language, Set<string>>;
const WEAK_SETS = Object.fromEntries(LANGUAGES.map((l) => [l, new Set(WEAK[l])])) as Record<Language, Set<string>>;

/** Points per language: 1 for each marker word, 0.5 for each weak one. */
export function languageScores(message: string): Record<Language, number> {
  const scores: Record<Language, number> = { id: 0, en: 0, es: 0 };
  // "á é í ó ú ñ ¿ ¡" are Spanish giveaways, lost once folded.
  if (/[ñ¿¡]|ción\b|ción\s/i.test(message)) scores.es += 1;
  for (const w of words(message)) {
    for (const l of LANGUAGES) {
      if (SETS[l].has(w)) scores[l] += 1;
      else if (WEAK_SETS[l].has(w)) scores[l] += 0.5;
    }
  }
  return scores;
}

/**
 * The language of one message, or undefined when it does not tell ("2", "ok", "hi", a name):
 * a language wins with more points than each other and at least one full marker word, so a
 * greeting alone ("hi", "hola") never decides; the caller then keeps the conversation's
 * language or the persona's. `current` is accepted for symmetry with callers that track it.
 */
export function detectLanguage(message: string, _current?: Language): Language | undefined {
  const scores = languageScores(message);
  const ranked = [...LANGUAGES].sort((a, b) => scores[b] - scores[a]);
  const best = ranked[0]!;
  const second = ranked[1]!;
  if (scores[best] < 1 || scores[best] === scores[second]) return undefined;
  return best;
}

/**
 * The conversation's language after this message. Language belongs to the conversation: it
 * changes only when a whole message is clearly in another language (at least two marker words
 * of it and not one of the current language), never because of a course, city or product name
 * inside a message in the current language ("Mau ambil S2 Master of Data Science" stays
 * Indonesian). Before the conversation has a language, the workspace's (`fallback`) holds
 * unless the message has a marker of another language and none of the workspace's.
 */
export function conversationLanguage(message: string, prior: Language | undefined, fallback: Language): Language {
  const text = withoutNames(message);
  const scores = languageScores(text);
  const detected = detectLanguage(text);
  const current = prior ?? fallback;
  if (!detected || detected === current || scores[current] >= 1) return current;
  // One marker word decides only in a sentence ("I need a refund"), not alone ("yes").
  return scores[detected] >= 2 || !prior || words(text).length >= 3 ? detected : current;
}

/** The message without the course it names ("S2 Master of Data Science"): names are in no language. */
function withoutNames(message: string): string {
  const program = extractProgram(message);
  if (!program) return message;
  const named = new Set(words(program));
  return words(message)
    .filter((w) => !named.has(w))
    .join(' ');
}

/** The persona's language code ("id", "en", "es-CO") as a supported language. */
export function personaLanguage(code: string | undefined): Language {
  const base = (code ?? '').slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : 'en';
}

/** BCP 47 locale for dates and numbers in a language. */
export function localeOf(language: Language): string {
  return language === 'id' ? 'id-ID' : language === 'es' ? 'es-ES' : 'en-GB';
}
