// What the lead wants to study: the degree and the subject.

import { fold, titleCase } from '../text.ts';
import { COUNTRY_ALIASES } from './countries.ts';
import { MONTHS } from './timeline.ts';

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
