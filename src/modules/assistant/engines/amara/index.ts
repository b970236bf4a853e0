/**
 * Amara's built-in engine (the marketplace's booking assistant): deterministic and offline,
 * in Spanish, English and Indonesian. It acts only through the tools a model would call, by
 * name, so both modes take the same path; it reads no table itself.
 */
export { decideAmaraTurn, type AmaraIntent, type AmaraTurnInput, type AmaraDecision } from './engine.ts';
export { choiceOf, MAX_HOURS, type AmaraDraft, type AmaraSlot, type AmaraState, type AmaraToolResult, type ServiceChoice } from './state.ts';
export { amaraLanguage, isExplicitConfirmation, localeOf, normalize, type Locale } from './language.ts';
export { priceText, reply as amaraReply } from './messages.ts';
