import { countryName } from './extract.ts';
import type { Context, DocumentKey, Language } from './types.ts';

/**
 * The short acknowledgement of facts a message carried ("Noted: passport ready."), so that a
 * lead who volunteers something out of order sees it was taken, in whatever state the
 * conversation is.
 */

type Fact = DocumentKey | 'email' | 'budget' | 'timeline' | 'destination' | 'program' | 'english_level' | 'gpa';

const LEVELS: Record<Language, Record<string, string>> = {
  id: { advanced: 'mahir', intermediate: 'menengah', beginner: 'pemula' },
  en: {},
  es: { advanced: 'avanzado', intermediate: 'intermedio', beginner: 'básico' },
};

const DOCS: Record<Language, Record<DocumentKey, [string, string]>> = {
  id: {
    passport: ['paspor sudah ada', 'paspor belum ada'],
    cv: ['CV sudah siap', 'CV belum siap'],
    english_test: ['sertifikat {test} sudah ada', 'sertifikat {test} belum ada'],
    transcript: ['transkrip sudah ada', 'transkrip belum ada'],
  },
  en: {
    passport: ['passport ready', 'no passport yet'],
    cv: ['CV ready', 'CV not ready yet'],
    english_test: ['{test} certificate ready', 'no {test} certificate yet'],
    transcript: ['transcript ready', 'no transcript yet'],
  },
  es: {
    passport: ['pasaporte listo', 'sin pasaporte todavía'],
    cv: ['CV listo', 'CV pendiente'],
    english_test: ['certificado {test} listo', 'sin certificado {test} todavía'],
    transcript: ['notas listas', 'notas pendientes'],
  },
};

const LABELS: Record<Language, Record<Exclude<Fact, DocumentKey>, string>> = {
  id: { email: 'email', budget: 'budget', timeline: 'rencana berangkat', destination: 'tujuan', program: 'program', english_level: 'bahasa Inggris', gpa: 'IPK' },
  en: { email: 'email', budget: 'budget', timeline: 'start', destination: 'destination', program: 'program', english_level: 'English', gpa: 'GPA' },
  es: { email: 'correo', budget: 'presupuesto', timeline: 'inicio', destination: 'destino', program: 'programa', english_level: 'inglés', gpa: 'promedio' },
};

const INTRO: Record<Language, string> = { id: 'Oke, dicatat:', en: 'Noted:', es: 'Anotado:' };

const isDoc = (f: string): f is DocumentKey => f === 'passport' || f === 'cv' || f === 'english_test' || f === 'transcript';

function label(fact: Fact, ctx: Context, lang: Language): string | undefined {
  if (isDoc(fact)) {
    const v = ctx.documents[fact];
    if (typeof v !== 'boolean') return undefined;
    return DOCS[lang][fact][v ? 0 : 1].replace('{test}', ctx.ielts_source === 'toefl' ? 'TOEFL' : 'IELTS');
  }
  let value: string | undefined;
  if (fact === 'destination') value = ctx.destination ? countryName(ctx.destination, lang) : undefined;
  else if (fact === 'english_level') value = ctx.english_level ? (LEVELS[lang][ctx.english_level] ?? ctx.english_level) : undefined;
  else if (fact === 'gpa') value = ctx.gpa !== undefined ? String(ctx.gpa) : undefined;
  else value = ctx[fact];
  return value ? `${LABELS[lang][fact]} ${value}` : undefined;
}

/**
 * "Oke, dicatat: paspor sudah ada, email budi@example.com." for the facts given, in their
 * order (a name is greeted instead, elsewhere); undefined when none of them can be said.
 */
export function acknowledgement(facts: readonly string[], ctx: Context, lang: Language): string | undefined {
  const parts = facts.flatMap((f) => (f === 'name' || f === 'language' ? [] : [label(f as Fact, ctx, lang)])).filter((p): p is string => p !== undefined);
  const unique = [...new Set(parts)];
  return unique.length ? `${INTRO[lang]} ${unique.join(', ')}.` : undefined;
}
