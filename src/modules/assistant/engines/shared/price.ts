import { fold } from './language.ts';

/**
 * A question about price, in Spanish (with or without accents), English and Indonesian:
 * "¿Cuánto cuesta la hora?", "cuanto vale", "how much is express?", "what do you charge",
 * "berapa harganya". Every engine answers it with the price, never with the calendar or
 * "I don't know".
 */
const PRICE =
  /\b(?:cuanto (?:cuesta\w*|vale\w*|cobra\w*|sale\w*|es|seria)|precios?|tarifas?|valor (?:de|por)|how much|prices?|pricing|rates?|costs?|what do you charge|harga\w*|biaya\w*|berapa (?:harga|biaya|ongkos)\w*)\b/;

export function asksPrice(message: string): boolean {
  return PRICE.test(fold(message));
}
