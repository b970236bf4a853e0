// Who the lead is: a name given in any of the ways people introduce themselves, and an email.

import { fold, titleCase, words } from '../text.ts';
import { extractDestination } from './countries.ts';
import { isDontKnow, isSmallTalk, wantsHuman } from './intents.ts';
import { NO_WORDS, YES_WORDS } from './documents.ts';

export const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

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
