/**
 * The language of a conversation, shared by the three engines: scored from the customer's own
 * words, kept for the whole conversation, and switched only by a message written clearly in
 * another language. A course, city or product name ("Master of Data Science", "Los Angeles",
 * "Express") never switches it.
 */

export const LANGUAGES = ['id', 'en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Lower case without diacritics: "Sí, tengo el Pasaporte" -> "si, tengo el pasaporte". */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’`´]/g, "'");
}

/** The words of a text, folded. */
export function words(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
}

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
    'dong deh sih nih itu ini bicara orang minta tanya soal luar negeri bahasa inggris jepang jerman belanda amerika kalau kalo gimana jadwal'
  ).split(' '),
  en: (
    'i my name is am want would like to the study studying year next yes not have has what how when where which who why please thanks thank ' +
    'you your university universities and in of for passport yet dont don\'t can could speak talk someone person human agent with ' +
    'budget english level about there this that it do does are be will plan planning master masters degree cost fees scholarship one second first'
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

/** Words of bookings for laundries, cleaners and other home services that the general lists lack. */
export const SERVICE_WORDS: Record<Language, readonly string[]> = {
  id: ['butuh', 'perlu', 'cuci', 'cucian', 'besok', 'hari', 'jam', 'bersih', 'layanan', 'pesan'],
  en: ['need', 'pickup', 'pick', 'up', 'laundry', 'wash', 'washing', 'clothes', 'book', 'booking', 'loads', 'load', 'cleaning', 'clean', 'tomorrow', 'today', 'hours', 'hour', 'morning', 'afternoon', 'works', 'time', 'there', 'at', 'on', 'number', 'phone', 'address', 'street', 'actually', 'sorry', 'sure', 'great', 'bags'],
  es: ['necesito', 'recoger', 'recogida', 'ropa', 'lavanderia', 'lavar', 'lavado', 'reservar', 'cargas', 'carga', 'limpieza', 'manana', 'hoy', 'horas', 'hora', 'tarde', 'telefono', 'numero', 'direccion', 'calle', 'mejor', 'perdon', 'mas', 'bolsas', 'servicio', 'puedo', 'puede', 'sabado', 'lunes', 'martes', 'miercoles', 'jueves', 'viernes', 'domingo'],
};

const SETS = Object.fromEntries(LANGUAGES.map((l) => [l, new Set(MARKERS[l])])) as Record<Language, Set<string>>;
const WEAK_SETS = Object.fromEntries(LANGUAGES.map((l) => [l, new Set(WEAK[l])])) as Record<Language, Set<string>>;
const SERVICE_SETS = Object.fromEntries(LANGUAGES.map((l) => [l, new Set(SERVICE_WORDS[l])])) as Record<Language, Set<string>>;

export interface ScoreOptions {
  /** Count the booking words of home services too (the receptionist's and Amara's customers). */
  services?: boolean;
  /** Leave out runs of capitalised words (names of courses, cities, products). */
  skipNames?: boolean;
}

// A run of two or more capitalised words, joined by small words ("Master of Data Science",
// "Los Angeles", "Regular Wash & Fold"), or one capitalised word inside a sentence: a name.
const NAME_RUN = /(?:\p{Lu}[\p{L}'-]*)(?:\s+(?:(?:of|de|del|la|and|y|&|the)\s+)?\p{Lu}[\p{L}'-]*)+|(?<=[\p{L}\p{N},]\s+)\p{Lu}[\p{L}'-]*/gu;

/** Points per language: 1 for each marker word, 0.5 for each weak one. */
export function languageScores(message: string, options: ScoreOptions = {}): Record<Language, number> {
  const scores: Record<Language, number> = { id: 0, en: 0, es: 0 };
  const text = options.skipNames ? message.replace(NAME_RUN, ' ') : message;
  // "á é í ó ú ñ ¿ ¡" are Spanish giveaways, lost once folded.
  if (/[ñ¿¡]|ción\b|ción\s/i.test(text)) scores.es += 1;
  for (const w of words(text)) {
    for (const l of LANGUAGES) {
      if (SETS[l].has(w) || (options.services && SERVICE_SETS[l].has(w))) scores[l] += 1;
      else if (WEAK_SETS[l].has(w)) scores[l] += 0.5;
    }
  }
  return scores;
}

function winner(scores: Record<Language, number>): Language | undefined {
  const ranked = [...LANGUAGES].sort((a, b) => scores[b] - scores[a]);
  const best = ranked[0]!;
  if (scores[best] < 1 || scores[best] === scores[ranked[1]!]) return undefined;
  return best;
}

/**
 * The language of one message, or undefined when it does not tell ("2", "ok", "hi", a name):
 * a language wins with more points than each other and at least one full marker word, so a
 * greeting alone ("hi", "hola") never decides.
 */
export function detectLanguage(message: string, _current?: Language, options: ScoreOptions = {}): Language | undefined {
  return winner(languageScores(message, options));
}

/** The persona's language code ("id", "en", "es-CO") as a supported language. */
export function personaLanguage(code: string | undefined | null): Language {
  const base = (code ?? '').slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : 'en';
}

/**
 * The conversation's language after this message. The first message that tells sets it (else
 * the workspace's `fallback`); after that it changes only when the whole message is in another
 * language: at least two of its words, none of the current language's, once names are set aside,
 * or when it asks for another language by name.
 */
export function conversationLanguage(message: string, current: Language | undefined, fallback: Language, options: Omit<ScoreOptions, 'skipNames'> = {}): Language {
  // "Can we continue in English?" asks for a language, whatever its words are written in.
  const asked = languageAskedFor(message);
  if (asked) return asked;
  const scores = languageScores(message, { ...options, skipNames: true });
  const detected = winner(scores);
  if (!current) return detected ?? winner(languageScores(message, options)) ?? fallback;
  if (!detected || detected === current) return current;
  return scores[detected] >= 2 && scores[current] < 1 ? detected : current;
}

/**
 * A customer asking to go on in another language ("can we continue in English please",
 * "¿podemos hablar en español?", "in Spanish please", "pakai bahasa Inggris aja"): the
 * language asked for, which wins over any word count, or undefined. A language merely named
 * ("my English is good", "bahasa Inggris saya lumayan", "mi nivel de inglés") asks for nothing.
 */

const NAMES: [RegExp, Language][] = [
  [/^(?:english|ingles|inggris)$/, 'en'],
  [/^(?:spanish|espanol|castellano|spanyol)$/, 'es'],
  [/^(?:indonesian|indonesio|indonesia)$/, 'id'],
];

const ASKED = [
  // "in English", "en español", "switch to Spanish", "pakai bahasa Inggris".
  /\b(?:in|into|to|en|al|a)\s+(english|spanish|indonesian|ingles|espanol|castellano|indonesio)\b/,
  /\b(?:pakai|pake|pakek|dalam|pakailah|gunakan)\s+bahasa\s+(inggris|indonesia|spanyol)\b/,
  /\b(?:speak|talk|write|habla|hablas|hablan|hablar|hablamos|escribir|escribe|escribeme)\s+(english|spanish|indonesian|ingles|espanol|castellano|indonesio)\b/,
];
// The words of a request ("please", "can we", "podemos", "tolong"), or a message that is little more than the language.
const REQUEST = /\b(?:please|pls|can|could|may|let'?s|continue|switch|prefer|rather|por favor|podemos|puede|puedes|podria|podrias|seguir|sigamos|continuar|cambiar|prefiero|mejor|tolong|bisa|boleh|aja|saja|dong|ya)\b|[?¿]/;

export function languageAskedFor(message: string): Language | undefined {
  const f = fold(message).trim();
  for (const re of ASKED) {
    const m = re.exec(f);
    if (!m) continue;
    const wanted = NAMES.find(([name]) => name.test(m[1]!))?.[1];
    if (wanted && (REQUEST.test(f) || f.split(/\s+/).length <= 4)) return wanted;
  }
  return undefined;
}
