import { fold } from './text.ts';
import type { Documents, Item, Language } from './types.ts';
import { type BudgetFact, extractBudget } from './extract/budget.ts';
import { extractDestination } from './extract/countries.ts';
import { type EnglishFact, extractEnglish, extractGpa } from './extract/english.ts';
import { EMAIL, extractEmail, extractName } from './extract/person.ts';
import { extractProgram } from './extract/program.ts';
import { type TimelineFact, extractTimeline } from './extract/timeline.ts';
import { documentsNamed, extractDocuments, parseYesNo, splitClauses } from './extract/documents.ts';

export * from './extract/countries.ts';
export * from './extract/person.ts';
export * from './extract/english.ts';
export * from './extract/budget.ts';
export * from './extract/timeline.ts';
export * from './extract/program.ts';
export * from './extract/documents.ts';
export * from './extract/intents.ts';

/**
 * Deterministic extraction of what a lead tells: one function per fact, each a table of
 * words in Indonesian, English and Spanish. Every function takes the raw message; matching
 * is done on the accent-folded, lower-case text.
 *
 * One file per kind of fact in extract/; this one reads them all at once (extractFacts).
 */

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
