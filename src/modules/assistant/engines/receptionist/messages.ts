import type { Language } from '../ari/index.ts';
import { formatMoney, fromMinor } from '../../../../platform/money.ts';
import { acknowledge } from '../shared/index.ts';

/**
 * What the receptionist says, in English and Spanish (Indonesian falls back to English: the
 * receptionist serves laundries and cleaners in the Americas). Every phrase is short, since
 * an SMS reply must fit one 160-character segment with the phrases around it.
 */
export type Phrase =
  | { key: 'greeting'; business: string }
  | { key: 'ask_postal_code' }
  | { key: 'out_of_area'; postal: string }
  | { key: 'out_of_area_again' }
  | { key: 'ask_service'; services: { name: string; base_price_minor: number; unit_price_minor: number; currency: string; unit_name: string }[]; language: Language }
  | { key: 'price'; services: PricedService[]; language: Language }
  | { key: 'ask_units'; unit: string }
  | { key: 'ask_address' }
  | { key: 'ask_name' }
  | { key: 'offer_slots'; slots: string[] }
  | { key: 'no_slots' }
  | { key: 'confirm'; service: string; units: number; unit: string; when: string; total: string; base: string; per: string }
  | { key: 'booked'; service: string; when: string; total: string }
  | { key: 'slot_taken' }
  | { key: 'pick_again' }
  | { key: 'answer'; text: string }
  | { key: 'not_understood' }
  | { key: 'no_answer' }
  | { key: 'yes_we_do' }
  | { key: 'noted'; items: string[] }
  | { key: 'which_of'; slots: string[] }
  | { key: 'offer_callback' }
  | { key: 'offer_callback_questions' }
  | { key: 'callback_yes' }
  | { key: 'handoff' }
  | { key: 'goodbye' };

type Spoken = 'en' | 'es';

/** A service as a price answer names it. */
export interface PricedService {
  name: string;
  base_price_minor: number;
  unit_price_minor: number;
  currency: string;
  unit_name: string;
  turnaround: string | null;
}

/** One service: "Express: $20 + $12 per load (24 h)."; the list, short enough for a text: "Regular $15+$8/load, Express $20+$12/load." */
function priceLines(p: Extract<Phrase, { key: 'price' }>, l: Spoken): string {
  const money = (minor: number, currency: string) => formatPrice(minor, currency, p.language);
  if (p.services.length === 1) {
    const s = p.services[0]!;
    return `${shortName(s.name)}: ${money(s.base_price_minor, s.currency)} + ${money(s.unit_price_minor, s.currency)} ${l === 'es' ? 'por' : 'per'} ${unit(s.unit_name, 1, l)}${s.turnaround ? ` (${s.turnaround})` : ''}.`;
  }
  return `${p.services.map((s) => `${shortName(s.name)} ${money(s.base_price_minor, s.currency)}+${money(s.unit_price_minor, s.currency)}/${unit(s.unit_name, 1, l)}`).join(', ')}.`;
}

const UNIT_NAMES: Record<Spoken, Record<string, [string, string]>> = {
  en: { load: ['load', 'loads'], hour: ['hour', 'hours'] },
  es: { load: ['carga', 'cargas'], hour: ['hora', 'horas'] },
};

function unit(name: string, count: number, l: Spoken): string {
  const [one, many] = UNIT_NAMES[l][name] ?? [name, `${name}s`];
  return count === 1 ? one : many;
}

/** The first word of a service's name, as customers say it: "Regular", "Express". */
export const shortName = (name: string) => name.split(/\s+/)[0]!;

/** "3 loads", "1 carga". */
export function countText(count: number, unitName: string, language: Language): string {
  return `${count} ${unit(unitName, count, language === 'es' ? 'es' : 'en')}`;
}

const PHRASES: { [L in Spoken]: { [K in Phrase['key']]: (p: Extract<Phrase, { key: K }>) => string } } = {
  en: {
    greeting: (p) => `Hi! This is ${p.business}.`,
    ask_postal_code: () => "What's your postal code?",
    out_of_area: (p) => `Sorry, we don't serve ${p.postal} yet, so we can't book a pickup there. Want a person to call you? Reply YES.`,
    out_of_area_again: () => "We can't serve that area yet. Send another postal code, or reply YES for a call from our team.",
    ask_service: (p) =>
      `Which service? ${p.services.map((s, i) => `${i + 1}. ${shortName(s.name)} ${formatPrice(s.base_price_minor, s.currency, p.language)}+${formatPrice(s.unit_price_minor, s.currency, p.language)}/${unit(s.unit_name, 1, 'en')}`).join(' ')}`,
    price: (p) => priceLines(p, 'en'),
    ask_units: (p) => `How many ${unit(p.unit, 2, 'en')}?`,
    ask_address: () => "What's the pickup address?",
    ask_name: () => 'And your name for the booking?',
    offer_slots: (p) => `Pick a time:\n${p.slots.map((s, i) => `${i + 1}. ${s}`).join('\n')}`,
    no_slots: () => 'No pickup times are free soon. Reply YES and a person will call you to arrange one.',
    confirm: (p) => `${shortName(p.service)}, ${p.units} ${unit(p.unit, p.units, 'en')}, ${p.when}: ${p.base} + ${p.units} x ${p.per} = ${p.total}. Reply YES to book.`,
    booked: (p) => `Booked! ${shortName(p.service)} pickup ${p.when}. Total ${p.total}. We'll text 30 min before we arrive.`,
    slot_taken: () => 'Sorry, that time was just taken.',
    pick_again: () => 'No problem.',
    answer: (p) => p.text,
    not_understood: () => "Sorry, I didn't get that.",
    no_answer: () => 'Not sure about that one.',
    yes_we_do: () => 'Yes, we do!',
    noted: (p) => acknowledge('en', p.items),
    which_of: (p) => `Which one?\n${p.slots.map((s, i) => `${i + 1}. ${s}`).join('\n')}`,
    offer_callback: () => "Sorry, I'm not getting it. Want a person from our team to call you? Reply YES.",
    offer_callback_questions: () => 'Happy to help more by phone: want a person to call you? Reply YES.',
    callback_yes: () => 'Thanks! A person from our team will call you shortly.',
    handoff: () => 'Sure, a person from our team will get back to you shortly.',
    goodbye: () => 'OK, thanks for reaching out. Text us anytime!',
  },
  es: {
    greeting: (p) => `¡Hola! Te escribe ${p.business}.`,
    ask_postal_code: () => '¿Cuál es tu código postal?',
    out_of_area: (p) => `Lo siento, aún no atendemos ${p.postal}, así que no podemos recoger allí. ¿Quieres que te llame una persona? Responde SÍ.`,
    out_of_area_again: () => 'Aún no atendemos esa zona. Envía otro código postal o responde SÍ para que te llame alguien.',
    ask_service: (p) =>
      `¿Qué servicio? ${p.services.map((s, i) => `${i + 1}. ${shortName(s.name)} ${formatPrice(s.base_price_minor, s.currency, p.language)}+${formatPrice(s.unit_price_minor, s.currency, p.language)}/${unit(s.unit_name, 1, 'es')}`).join(' ')}`,
    price: (p) => priceLines(p, 'es'),
    ask_units: (p) => `¿Cuántas ${unit(p.unit, 2, 'es')}?`,
    ask_address: () => '¿Cuál es la dirección de recogida?',
    ask_name: () => '¿A nombre de quién hago la reserva?',
    offer_slots: (p) => `Elige una hora:\n${p.slots.map((s, i) => `${i + 1}. ${s}`).join('\n')}`,
    no_slots: () => 'No hay horarios libres pronto. Responde SÍ y una persona te llamará para acordarlo.',
    confirm: (p) => `${shortName(p.service)}, ${p.units} ${unit(p.unit, p.units, 'es')}, ${p.when}: ${p.base} + ${p.units} x ${p.per} = ${p.total}. Responde SÍ para reservar.`,
    booked: (p) => `¡Reservado! ${shortName(p.service)}, ${p.when}. Total ${p.total}. Te escribimos 30 min antes de llegar.`,
    slot_taken: () => 'Lo siento, esa hora se acaba de ocupar.',
    pick_again: () => 'Sin problema.',
    answer: (p) => p.text,
    not_understood: () => 'Perdona, no te entendí.',
    no_answer: () => 'Eso no lo sé.',
    yes_we_do: () => '¡Sí, claro!',
    noted: (p) => acknowledge('es', p.items),
    which_of: (p) => `¿Cuál de estas?\n${p.slots.map((s, i) => `${i + 1}. ${s}`).join('\n')}`,
    offer_callback: () => 'Perdona, no logro entenderte. ¿Quieres que te llame una persona del equipo? Responde SÍ.',
    offer_callback_questions: () => '¿Prefieres que te llame una persona? Responde SÍ.',
    callback_yes: () => '¡Gracias! Una persona del equipo te llamará en breve.',
    handoff: () => 'Claro, una persona del equipo te responderá en breve.',
    goodbye: () => 'De acuerdo, gracias por escribirnos. ¡Aquí estamos cuando quieras!',
  },
};

/** What the voice agent says when it picks up the phone. */
export function callGreeting(business: string, language: Language): string {
  return language === 'es' ? `Gracias por llamar a ${business}. ¿En qué te puedo ayudar?` : `Thanks for calling ${business}. How can I help you today?`;
}

/** A minor-unit amount as the customer reads it: "$39", "$12.50", "$ 30.000". */
export function formatPrice(minor: number, currency: string, language: Language): string {
  return formatMoney(fromMinor(minor, currency), currency, { locale: language === 'es' ? 'es-CO' : 'en-CA', fraction: 'trim', symbol: 'narrowSymbol' });
}

/** A minor-unit amount as a DECIMAL(10,2) column keeps it: 3900 CAD -> "39.00". */
export function decimalAmount(minor: number, currency: string): string {
  return fromMinor(minor, currency).toFixed(2);
}

/**
 * The phrases joined into one reply of at most `max` characters. A long FAQ answer is what
 * gets cut (with an ellipsis), never the question that keeps the conversation going.
 */
export function replyText(phrases: Phrase[], language: Language, max: number): string {
  const l: Spoken = language === 'es' ? 'es' : 'en';
  const render = (p: Phrase) => (PHRASES[l][p.key] as (p: Phrase) => string)(p);
  const parts = phrases.map(render);
  const text = () => parts.join(' ');
  // A receipt too long for the segment is dropped before anything else is cut.
  const notedAt = phrases.findIndex((p) => p.key === 'noted');
  if (text().length > max && notedAt >= 0) parts[notedAt] = '';
  const answerAt = phrases.findIndex((p) => p.key === 'answer' || p.key === 'price');
  if (text().length > max && answerAt >= 0) {
    const room = max - (text().length - parts[answerAt]!.length) - 1;
    parts[answerAt] = room > 20 ? `${parts[answerAt]!.slice(0, room).trimEnd()}…` : '';
  }
  const joined = parts.filter(Boolean).join(' ');
  return joined.length > max ? `${joined.slice(0, max - 1).trimEnd()}…` : joined;
}
