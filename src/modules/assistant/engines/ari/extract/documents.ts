// Yes and no, and which documents the lead says are ready.

import { fold, hasPhrase, words } from '../text.ts';
import type { DocumentKey, Documents } from '../types.ts';

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
