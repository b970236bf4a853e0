/**
 * The built-in conversation engine: a pure library. It takes the conversation's state and
 * context, the workspace's configuration and a set of tools as arguments, and returns the
 * reply, the new state and context, the lead's score and any handoff. It imports nothing
 * outside this folder; the turn service gives it a store and tools.
 */
export { decideTurn, applyPaymentEvent, normalizeContext, nextItem, itemAnswered, qualificationComplete, STUCK_TURNS, MISUNDERSTOOD_LIMIT, FOLLOW_UP_DAYS, MAX_SLOTS, PAYMENT_FAILURE_LIMIT } from './engine.ts';
export type { PaymentEvent, PaymentEventResult } from './engine.ts';
export { TRANSITIONS, canTransition, transition, isState, isSilent, IllegalTransitionError, resumeAfterHandoff, RESUME_FALLBACK } from './transitions.ts';
export type { Resumed } from './transitions.ts';
export { scoreLead, temperatureFor, leadStatusFor, RUBRIC, RUBRIC_MAX } from './scoring.ts';
export type { ScoreResult } from './scoring.ts';
export { conversationLanguage, detectLanguage, personaLanguage } from './language.ts';
export {
  extractFacts,
  extractName,
  extractEmail,
  extractDestination,
  extractEnglish,
  extractBudget,
  extractTimeline,
  extractProgram,
  extractGpa,
  extractDocuments,
  parseYesNo,
  isQuestion,
  wantsHuman,
  findSensitiveTopic,
  countryName,
  DEFAULT_SENSITIVE_TOPICS,
  COUNTRY_ALIASES,
} from './extract.ts';
export { KNOWLEDGE_MIN_SCORE, KNOWLEDGE_MIN_COVERAGE, pickAnswer, eligibility, rankDestinations } from './knowledge.ts';
export { parseSlotChoice, parseConfirm } from './slots.ts';
export { technicalErrorMessage, timeGreeting, dayPart } from './messages.ts';
export { formatMinor, formatMajor } from './money.ts';
export * from './types.ts';
