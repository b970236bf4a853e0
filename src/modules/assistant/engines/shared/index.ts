/**
 * What the three built-in engines (ARI, the receptionist, Amara) decide the same way: the
 * conversation's language, a request for a person, the count of messages with nothing usable,
 * the receipt for facts given, a question about price, a request for another language, and
 * numbers as people write them. Pure, like the engines.
 */
export { LANGUAGES, SERVICE_WORDS, conversationLanguage, detectLanguage, fold, languageAskedFor, languageScores, personaLanguage, words, type Language, type ScoreOptions } from './language.ts';
export { asksForPerson } from './person.ts';
export { EMPTY_MESSAGES_TOLERATED, emptyStreak, stuck } from './attention.ts';
export { acknowledge } from './acknowledge.ts';
export { countOf, extractMoney, wordsToNumber } from './numbers.ts';
export { dayPartNamed, dayPartOf, timeNamed, whenNamed, type DayPart, type TimeOfDay } from './slots.ts';
export { editDistance, nearlyWord } from './typos.ts';
export { asksPrice } from './price.ts';

