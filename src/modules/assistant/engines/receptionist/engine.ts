import { extractName, isQuestion, parseConfirm, parseSlotChoice, parseYesNo, type Language, type Slot } from '../ari/index.ts';
import { asksForPerson, asksPrice, conversationLanguage, languageAskedFor, dayPartNamed, dayPartOf, emptyStreak, nearlyWord, stuck, EMPTY_MESSAGES_TOLERATED, timeNamed, whenNamed } from '../shared/index.ts';
import { countText, formatPrice, replyText, shortName, type Phrase } from './messages.ts';

/**
 * The built-in receptionist (seed 004's laundry SMS agent, without a model): a deterministic
 * dialogue that collects the postal code (checked against the service areas first, so nobody
 * outside them is walked through the whole form), the service, the number of units, the
 * address, the customer's name and a time, confirms the computed price and books it. It
 * answers questions from the FAQs on the way, hands over to a person when asked, and offers a
 * call from a person after repeated misunderstandings. It is pure: the turn gives it the
 * catalogue, the conversation's record and tools over the database.
 *
 * States (ari_conversations.state): greeting -> qualifying (postal code, service, units,
 * address, name) -> scheduling (a time) -> booking (the confirmation) -> completed, and
 * handoff from anywhere. The step inside a state is context.step.
 */

export type ReceptionistState = 'greeting' | 'qualifying' | 'scheduling' | 'booking' | 'completed' | 'handoff';
export type Step = 'postal_code' | 'service' | 'units' | 'address' | 'name' | 'time' | 'confirm' | 'out_of_area' | 'done';

/** A service as the receptionist offers it: the catalogue's row, priced in minor units. */
export interface OfferedService {
  id: string;
  name: string;
  /** What is counted: 'load', 'hour'. */
  unit_name: string;
  base_price_minor: number;
  unit_price_minor: number;
  currency: string;
  turnaround: string | null;
  keywords: string[];
}

export interface OfferedSlot {
  start: string;
  end: string;
  consultant_id: string | null;
  label: string;
}

/** What the receptionist remembers between turns: ari_conversations.context. */
export interface ReceptionistContext {
  language?: Language;
  step?: Step;
  postal_code?: string;
  service_id?: string;
  service?: string;
  units?: number;
  address?: string;
  name?: string;
  offered_slots?: OfferedSlot[];
  slot?: OfferedSlot;
  /** A day or time the customer asked for before the times were offered. */
  time_wish?: string;
  total_minor?: number;
  currency?: string;
  /** Answers the turn could not use, in a row; after MISS_LIMIT a person is offered. */
  misses?: number;
  /** Questions the customer asked; after MISS_LIMIT a person is offered, once. */
  questions?: number;
  questions_offer_made?: boolean;
  callback_offered?: boolean;
  booking_id?: string;
  /** Where staff handing the conversation back resume it (see the assistant's resumeAfterHandoff). */
  state_before_handoff?: ReceptionistState;
  outcome?: 'booked' | 'out_of_area' | 'handoff' | 'declined';
}

export interface BookingDraft {
  service_id: string;
  service: string;
  unitName: string;
  units: number;
  postal_code: string;
  address: string;
  name: string;
  slot: OfferedSlot;
  total_minor: number;
  currency: string;
}

export type BookResult = { ok: true; booking_id: string } | { ok: false; reason: 'slot_taken' };

export interface ReceptionistTools {
  checkArea(postalCode: string): Promise<{ covered: boolean; postal_code: string }>;
  /** The next free times, at most `limit` (SLOTS_OFFERED unless a wished-for day needs a longer look). */
  availableSlots(language: Language, limit?: number): Promise<OfferedSlot[]>;
  book(draft: BookingDraft): Promise<BookResult>;
  /** An answer from the workspace's FAQs and knowledge (its use counted), or undefined. */
  answer(question: string): Promise<string | undefined>;
}

export interface ReceptionistInput {
  message: string;
  now: Date;
  timeZone: string;
  state: ReceptionistState;
  context: ReceptionistContext;
  services: OfferedService[];
  businessName: string;
  /** The workspace's language, when the customer's does not show. */
  defaultLanguage: Language;
  /** SMS replies must fit one 160-character segment. */
  maxReplyChars?: number | undefined;
  /** The contact's name when the record already has it. */
  knownName?: string | null | undefined;
}

export interface ReceptionistResult {
  reply: string | null;
  state: ReceptionistState;
  context: ReceptionistContext;
  handoff: { reason: 'requested' | 'callback' } | null;
  /** The steps this turn went through, for the record and the tests. */
  path: string[];
  tool_calls: { name: string; args: unknown; result: unknown }[];
  /** The customer asked something the FAQs did not answer. */
  unanswered: boolean;
}

/** Unusable answers in a row before a call from a person is offered (seed 004: "more than 3", the shared rule). */
export const MISS_LIMIT = EMPTY_MESSAGES_TOLERATED;
/** Times offered at once. */
export const SLOTS_OFFERED = 4;
/** Free times looked through for a day or time the customer wished for (a week of pickup windows). */
const WISH_LOOKAHEAD = 40;
const SMS_CHARS = 160;

// Extraction ---------------------------------------------------------------------------------------

/** Lower case without accents. */
export function foldAccents(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const CANADIAN_POSTAL = /\b([abceghj-nprstvxy]\d[abceghj-nprstv-z])(?:\s?(\d[abceghj-nprstv-z]\d))?\b/i;
// A voice transcript spells it out: "m 5 v 2 t 6", "m5v 2 t 6".
const SPOKEN_POSTAL = /\b([abceghj-nprstvxy])[\s.-]?(\d)[\s.-]?([abceghj-nprstv-z])[\s.-]?(\d)[\s.-]?([abceghj-nprstv-z])[\s.-]?(\d)\b/i;
const OTHER_POSTAL = /\b(\d{4,6})\b/;

/** A postal code in the message: a Canadian one (or its first three characters) anywhere; digits only when it was asked. */
export function extractPostalCode(message: string, asked: boolean): string | undefined {
  // A caller spelling it: "m as in mary 5 v as in victor 2 t 6", "m de mamá 5 v 2 t 6".
  const spelt = message.replace(/\b([a-z])\s+(?:as in|like in|like|de|como en)\s+\p{L}+/giu, '$1');
  const spoken = SPOKEN_POSTAL.exec(spelt);
  if (spoken) return spoken.slice(1, 7).join('').toUpperCase();
  const ca = CANADIAN_POSTAL.exec(message);
  if (ca) return `${ca[1]}${ca[2] ?? ''}`.toUpperCase();
  if (asked) return OTHER_POSTAL.exec(message)?.[1];
  return undefined;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, couple: 2, once: 11, doce: 12, quince: 15, veinte: 20,
  a: 1, an: 1, single: 1, uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
};

/** Words for a unit in the languages spoken; a service's own unit_name always counts. */
const UNIT_WORDS: Record<string, string[]> = {
  load: ['load', 'loads', 'bag', 'bags', 'carga', 'cargas', 'bolsa', 'bolsas'],
  hour: ['hour', 'hours', 'hr', 'hrs', 'h', 'hora', 'horas'],
};

export function unitWords(unitName: string): string[] {
  return [...new Set([unitName, `${unitName}s`, ...(UNIT_WORDS[unitName] ?? [])])];
}

/** The number of units: "3 loads", "two bags", "tres cargas"; a bare number ("3", "three") when it was asked. */
export function extractUnits(message: string, unitName: string, asked: boolean): number | undefined {
  const f = foldAccents(message);
  const unit = unitWords(unitName).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const m = new RegExp(`(?<![\\p{L}\\p{N}])(\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')})\\s*(?:of\\s+|de\\s+)?(?:${unit})(?![\\p{L}])`, 'u').exec(f);
  const token = m?.[1] ?? (asked ? /^\s*(?:just\s+|solo\s+)?(\d{1,3}|[a-z]+)\s*[.!]?\s*(?:please|por favor)?\s*$/.exec(f)?.[1] : undefined);
  if (token === undefined) return undefined;
  const n = /^\d+$/.test(token) ? Number(token) : NUMBER_WORDS[token];
  return n !== undefined && n >= 1 && n <= 100 ? n : undefined;
}

const STREET_WORDS =
  'st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|way|cres|crescent|ct|court|ln|lane|pl|place|pkwy|terrace|sq|square|calle|cl|carrera|cra|kr|avenida|av|diagonal|transversal';
// A number, up to five words that are not bare numbers ("3 loads at 120 Queen St" starts at 120), a street word.
// After the street word only a direction and a unit: a voice transcript without commas goes
// straight on ("120 queen street west my name is sam").
const ADDRESS = new RegExp(
  `\\b\\d{1,6}[a-z]?\\s+(?:\\p{N}*\\p{L}[\\p{L}\\p{N}.'-]*\\s+){0,5}(?:${STREET_WORDS})\\b\\.?(?:\\s+(?:n|s|e|w|ne|nw|se|sw|north|south|east|west|norte|sur|este|oeste)\\b\\.?)?(?:,?\\s*(?:apt|apartment|unit|suite|ste|apto|apartamento|#)\\.?\\s*\\d+[a-z]?\\b)?`,
  'iu',
);

// Where the street comes first and the number after it, as in Bogotá ("Calle 72 # 10-34",
// "Cra 15 #93-60", "Av. Caracas 45-20") and Jakarta ("Jl. Sudirman No. 12"): a street word, a
// few words or numbers, then a house number after #, No. or N°, or a "45-20" pair.
const STREET_FIRST = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:calle|cl|carrera|cra|kr|avenida|av|diagonal|dg|transversal|tv|jalan|jl)\\.?\\s+[\\p{L}\\p{N}'-]+(?:\\s+[\\p{L}\\p{N}'-]+){0,4}?\\s*(?:(?:#|no\\.?|n[°º]\\.?)\\s*\\d+[a-z]?(?:\\s*-\\s*\\d+)?|\\d+[a-z]?\\s*-\\s*\\d+)`,
  'iu',
);

/**
 * A street address: a number and a street word anywhere (North American), or a street word
 * and a house number after it (Latin American, Indonesian); when it was asked, any answer with
 * a number and a word.
 */
export function extractAddress(message: string, asked: boolean): string | undefined {
  const m = ADDRESS.exec(message) ?? STREET_FIRST.exec(message);
  const text = m ? m[0] : asked && /\d/.test(message) && /\p{L}{2,}/u.test(message) ? message : undefined;
  const clean = text?.replace(/\s+/g, ' ').replace(/[\s,.;]+$/, '').trim();
  return clean && clean.length >= 5 ? clean.slice(0, 200) : undefined;
}

/**
 * The service the message names: a keyword or the first word of its name ("express",
 * "premium"); its number in the list when the services were just listed. Undefined when
 * nothing or more than one service matches.
 */
export function extractService(message: string, services: OfferedService[], asked: boolean): OfferedService | undefined {
  const f = foldAccents(message);
  const has = (phrase: string) => new RegExp(`(?<![\\p{L}\\p{N}])${foldAccents(phrase).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u').test(f);
  const matching = services.filter((s) => has(s.name) || has(s.name.split(/\s+/)[0]!) || s.keywords.some(has));
  if (matching.length === 1) return matching[0];
  if (matching.length === 0) {
    // "expres", "premiun", "reguler": one service's name or keyword misspelt.
    const ws = f.match(/\p{L}+/gu) ?? [];
    const near = services.filter((s) => [s.name.split(/\s+/)[0]!, ...s.keywords.filter((k) => !/\s/.test(k))].some((k) => ws.some((w) => nearlyWord(w, k))));
    if (near.length === 1) return near[0];
  }
  if (asked && matching.length === 0) {
    const n = /^\s*#?(\d)\s*[.)!]?\s*$/.exec(f);
    if (n) return services[Number(n[1]) - 1];
  }
  return undefined;
}

// The dialogue -------------------------------------------------------------------------------------

const STATE_OF_STEP: Record<Step, ReceptionistState> = {
  postal_code: 'qualifying',
  service: 'qualifying',
  units: 'qualifying',
  address: 'qualifying',
  name: 'qualifying',
  out_of_area: 'qualifying',
  time: 'scheduling',
  confirm: 'booking',
  done: 'completed',
};

/** Decides one turn. */
export async function decideReception(input: ReceptionistInput, tools: ReceptionistTools): Promise<ReceptionistResult> {
  const path: string[] = [];
  const toolCalls: ReceptionistResult['tool_calls'] = [];
  const call = async <T>(name: string, args: unknown, run: () => Promise<T>): Promise<T> => {
    const result = await run();
    toolCalls.push({ name, args, result });
    return result;
  };
  const max = input.maxReplyChars ?? SMS_CHARS;
  const message = input.message.trim();

  // A finished conversation starts over for the next order; what the customer told us stays.
  const fresh = input.state === 'completed' || input.state === 'greeting';
  let ctx: ReceptionistContext =
    input.state === 'completed'
      ? pick(input.context, input.context.outcome === 'booked' ? ['language', 'postal_code', 'address', 'name'] : ['language', 'name'])
      : { ...input.context };
  // The conversation's language: set by the first message that tells, changed only by a whole message in another one.
  const language: Language = conversationLanguage(message, input.state === 'greeting' ? undefined : ctx.language, ctx.language ?? input.defaultLanguage, { services: true });
  ctx.language = language;
  if (!ctx.name && input.knownName) ctx.name = input.knownName;
  const say = (...phrases: Phrase[]) => replyText(phrases, language, max);
  /** A fact as the receipt names it: "M5V2T6", "Express", "3 loads", "120 King St W", "Sam". */
  const factText = (f: Fact): string => {
    if (f === 'service') return shortName(ctx.service ?? '');
    // The day and time said back short ("tomorrow afternoon"), never the whole message.
    if (f === 'time_wish') return whenNamed(ctx.time_wish ?? '', language) ?? '';
    if (f === 'units') return countText(ctx.units ?? 0, input.services.find((s) => s.id === ctx.service_id)?.unit_name ?? input.services[0]?.unit_name ?? 'unit', language);
    return String(ctx[f] ?? '');
  };
  let unanswered = false;
  /** What this message gave us, in order, and which of it replaced a value held before. */
  const took: Fact[] = [];
  const changed = new Set<Fact>();
  const before = { ...ctx };
  const done = (reply: string | null, state: ReceptionistState, handoff: ReceptionistResult['handoff'] = null): ReceptionistResult => ({
    reply,
    state,
    context: ctx,
    handoff,
    path,
    tool_calls: toolCalls,
    unanswered,
  });

  if (input.state === 'handoff') return done(null, 'handoff');

  if (asksForPerson(message)) {
    path.push('handoff:requested');
    ctx = { ...ctx, outcome: 'handoff', callback_offered: false, state_before_handoff: input.state };
    return done(say({ key: 'handoff' }), 'handoff', { reason: 'requested' });
  }

  const step: Step = fresh ? 'postal_code' : (ctx.step ?? 'postal_code');

  // The offer of a person (after misunderstandings, or outside the service area) is answered first.
  if (ctx.callback_offered) {
    const yes = parseYesNo(message);
    if (yes === true && extractPostalCode(message, false) === undefined) {
      path.push('handoff:callback');
      ctx = { ...ctx, callback_offered: false, outcome: ctx.outcome ?? 'handoff', state_before_handoff: input.state };
      return done(say({ key: 'callback_yes' }), 'handoff', { reason: 'callback' });
    }
    ctx.callback_offered = false;
    ctx.misses = 0;
    if (yes === false && step === 'out_of_area') {
      path.push('out_of_area:declined');
      ctx.step = 'done';
      return done(say({ key: 'goodbye' }), 'completed');
    }
  }

  // What the message tells us, whatever was asked.
  let understood = false;
  const intro: Phrase[] = fresh ? [{ key: 'greeting', business: input.businessName }] : [];

  const postal = extractPostalCode(message, step === 'postal_code' || step === 'out_of_area');
  if (postal) {
    const area = await call('check_service_area', { postal_code: postal }, () => tools.checkArea(postal));
    understood = true;
    ctx.postal_code = area.postal_code;
    if (!area.covered) {
      path.push('postal_code:out_of_area');
      ctx = { ...ctx, step: 'out_of_area', callback_offered: true, outcome: 'out_of_area', misses: 0 };
      return done(say(...intro, { key: 'out_of_area', postal: area.postal_code }), 'qualifying');
    }
    path.push('postal_code');
    took.push('postal_code');
    if (before.postal_code && before.postal_code !== ctx.postal_code) changed.add('postal_code');
    if (ctx.outcome === 'out_of_area') delete ctx.outcome;
  }
  if (step === 'out_of_area' && !postal) {
    // Still outside: they may send another code or take the call.
    ctx.callback_offered = true;
    return done(say({ key: 'out_of_area_again' }), 'qualifying');
  }

  const service = extractService(message, input.services, step === 'service');
  if (service && service.id !== ctx.service_id) {
    ctx = { ...ctx, service_id: service.id, service: service.name, currency: service.currency };
    understood = true;
    path.push('service');
    took.push('service');
    if (before.service_id) changed.add('service');
  } else if (service) {
    understood = true;
  }
  const chosen = input.services.find((s) => s.id === ctx.service_id);
  const unitName = chosen?.unit_name ?? input.services[0]?.unit_name ?? 'unit';
  const units = extractUnits(message, unitName, step === 'units');
  if (units !== undefined) {
    if (before.units !== undefined && before.units !== units) changed.add('units');
    ctx.units = units;
    understood = true;
    path.push('units');
    took.push('units');
  }
  const address = extractAddress(message, step === 'address');
  if (address) {
    if (before.address && before.address !== address) changed.add('address');
    ctx.address = address;
    understood = true;
    path.push('address');
    took.push('address');
  }
  // A name introduced ("my name is…", "soy…") replaces the one held; a bare answer only when asked.
  const name = extractName(message, step === 'name' && !postal && !address && units === undefined && !service && !mentionsTime(message));
  if (name && (step === 'name' || !ctx.name || extractName(message, false))) {
    if (before.name && before.name !== name) changed.add('name');
    ctx.name = name;
    understood = true;
    path.push('name');
    took.push('name');
  }

  // A day or time wished for before the times are offered ("tomorrow afternoon", "el martes"):
  // kept, and the times offered are those that fit it.
  if (step !== 'time' && step !== 'confirm' && !ctx.offered_slots?.length) {
    const rest = address ? message.replace(address, ' ') : message;
    if (mentionsTime(rest)) {
      ctx.time_wish = rest.trim().slice(0, 60);
      understood = true;
      path.push('time_wish');
      took.push('time_wish');
    }
  }

  // A time from the offered list, or the answer to "shall I book it?".
  let pickedSlot = false;
  if (step === 'time' && ctx.offered_slots?.length) {
    const offered = ctx.offered_slots;
    const narrowed = narrowSlots(message, offered, input.now, input.timeZone);
    const picked = narrowed.length === 1 ? narrowed[0] : undefined;
    if (!picked && narrowed.length > 1 && narrowed.length < offered.length) {
      // "The Tuesday one" when two are on Tuesday: only those are offered again.
      path.push('time:narrowed');
      ctx = { ...ctx, misses: 0, offered_slots: narrowed, step: 'time' };
      return done(say({ key: 'which_of', slots: narrowed.map((s) => s.label) }), 'scheduling');
    }
    if (picked) {
      ctx.slot = picked;
      pickedSlot = true;
      understood = true;
      path.push('time');
    }
  }
  if (step === 'confirm' && ctx.slot && chosen && ctx.units && ctx.address && ctx.name && ctx.postal_code) {
    const answer = parseConfirm(message);
    if (answer === true) {
      const total = chosen.base_price_minor + chosen.unit_price_minor * ctx.units;
      const draft: BookingDraft = {
        service_id: chosen.id,
        service: chosen.name,
        unitName: chosen.unit_name,
        units: ctx.units,
        postal_code: ctx.postal_code,
        address: ctx.address,
        name: ctx.name,
        slot: ctx.slot,
        total_minor: total,
        currency: chosen.currency,
      };
      const booked = await call('create_booking', draft, () => tools.book(draft));
      if (booked.ok) {
        path.push('booked');
        ctx = { ...ctx, step: 'done', booking_id: booked.booking_id, total_minor: total, currency: chosen.currency, outcome: 'booked', misses: 0 };
        delete ctx.offered_slots;
        return done(say({ key: 'booked', service: chosen.name, when: ctx.slot!.label, total: formatPrice(total, chosen.currency, language) }), 'completed');
      }
      path.push('slot_taken');
      delete ctx.slot;
      return offerSlots([{ key: 'slot_taken' }]);
    }
    if (answer === false) {
      path.push('confirm:declined');
      delete ctx.slot;
      return offerSlots([{ key: 'pick_again' }]);
    }
  }

  // Asking to go on in another language is understood: the reply is already in it.
  const switched = languageAskedFor(message) !== undefined;
  if (switched) {
    understood = true;
    path.push('language');
  }

  // A question: answered from the FAQs, then back to what we were asking. A question about
  // price is answered from the catalogue when the FAQs do not (or a service is named), in the
  // conversation's language: "¿Cuánto cuesta la carga?" gets the price, not "I don't know".
  let answer: string | undefined;
  let priced: Phrase | undefined;
  let yesWeDo = false;
  const gaveDetails = postal !== undefined || units !== undefined || address !== undefined || pickedSlot;
  // "???" is not a question: punctuation alone carries nothing.
  if (!gaveDetails && !switched && isQuestion(message) && /\p{L}{2,}/u.test(message)) {
    const price = asksPrice(message);
    const named = price ? extractService(message, input.services, false) : undefined;
    if (!named) answer = await call('answer_question', { question: message }, () => tools.answer(message));
    if (price && (named || !answer)) {
      const services = named ? [named] : input.services;
      priced = { key: 'price', services, language };
      toolCalls.push({ name: 'check_services', args: { query: named?.name ?? null }, result: services.map((s) => s.name) });
      path.push('price');
      understood = true;
    } else if (answer) {
      path.push('faq');
      understood = true;
    } else if (asksAboutOurService(message, input.services)) {
      // "Do you pick up laundry?": yes, and the next question is how.
      path.push('service_question');
      yesWeDo = true;
      understood = true;
    } else unanswered = true;
    // Seed 004's rule: after more than three questions, offer a call from a person (once).
    ctx.questions = (ctx.questions ?? 0) + 1;
    if (ctx.questions > MISS_LIMIT && !ctx.questions_offer_made && step !== 'confirm') {
      path.push('callback_offered');
      ctx = { ...ctx, callback_offered: true, questions_offer_made: true, misses: 0 };
      return done(say(...(answer ? [{ key: 'answer' as const, text: answer }] : []), ...(priced ? [priced] : []), { key: 'offer_callback_questions' }), STATE_OF_STEP[step]);
    }
  }

  if (!understood && !fresh) {
    ctx.misses = emptyStreak(ctx.misses, false);
    if (stuck(ctx.misses)) {
      path.push('callback_offered');
      ctx.callback_offered = true;
      return done(say({ key: 'offer_callback' }), STATE_OF_STEP[step]);
    }
  } else if (understood) {
    ctx.misses = 0;
  }

  // A question the FAQs do not answer is said to be so, not passed over.
  const lead: Phrase[] = [
    ...intro,
    ...(priced ? [priced] : answer ? [{ key: 'answer' as const, text: answer }] : yesWeDo ? [{ key: 'yes_we_do' as const }] : []),
    ...(unanswered ? [{ key: 'no_answer' as const }] : !understood && !fresh ? [{ key: 'not_understood' as const }] : []),
  ];
  return ask(lead);

  /** Asks for the next missing thing, after `lead`. */
  async function ask(lead: Phrase[]): Promise<ReceptionistResult> {
    const service = input.services.find((s) => s.id === ctx.service_id);
    if (!ctx.postal_code) return askFor('postal_code', lead, { key: 'ask_postal_code' });
    if (!service) return askFor('service', lead, { key: 'ask_service', services: input.services, language });
    if (!ctx.units) return askFor('units', lead, { key: 'ask_units', unit: service.unit_name });
    if (!ctx.address) return askFor('address', lead, { key: 'ask_address' });
    if (!ctx.name) return askFor('name', lead, { key: 'ask_name' });
    if (!ctx.slot) return offerSlots(lead);
    const total = service.base_price_minor + service.unit_price_minor * ctx.units;
    ctx.total_minor = total;
    ctx.currency = service.currency;
    return askFor('confirm', lead, {
      key: 'confirm',
      service: service.name,
      units: ctx.units,
      unit: service.unit_name,
      when: ctx.slot.label,
      total: formatPrice(total, service.currency, language),
      base: formatPrice(service.base_price_minor, service.currency, language),
      per: formatPrice(service.unit_price_minor, service.currency, language),
    });
  }

  function askFor(next: Step, lead: Phrase[], question: Phrase): ReceptionistResult {
    // The customer told us something other than what we asked: say we have it, or asking
    // the same question again reads as if they had not been heard.
    ctx.step = next;
    return done(say(...lead, ...receipt(next, lead), question), STATE_OF_STEP[next]);
  }

  /**
   * The receipt for what this message gave, when the reply would not show it was heard: the
   * same question asked again, a value replaced ("Noted: 4 loads."; the confirmation restates
   * service and loads), or several details at once in a first message.
   */
  function receipt(next: Step, lead: Phrase[]): Phrase[] {
    const shown = next === 'confirm' ? new Set<Fact>(['service', 'units']) : new Set<Fact>();
    const facts = ((next === step && !fresh) || (fresh && took.length >= 2) ? took : took.filter((f) => changed.has(f) && f !== (step === 'out_of_area' ? 'postal_code' : step))).filter((f) => !shown.has(f));
    return facts.length > 0 && !lead.some((p) => p.key === 'answer' || p.key === 'price' || p.key === 'not_understood') ? [{ key: 'noted', items: facts.map(factText) }] : [];
  }

  async function offerSlots(lead: Phrase[]): Promise<ReceptionistResult> {
    // A day wished for ("tomorrow afternoon") may lie past the first few times: look further, keep those that fit.
    const limit = ctx.time_wish ? WISH_LOOKAHEAD : SLOTS_OFFERED;
    let slots = await call('get_availability', { limit }, () => tools.availableSlots(language, limit));
    if (ctx.time_wish) {
      const fitting = narrowSlots(ctx.time_wish, slots, input.now, input.timeZone);
      if (fitting.length) slots = fitting;
      delete ctx.time_wish;
    }
    slots = slots.slice(0, SLOTS_OFFERED);
    if (slots.length === 0) {
      path.push('no_slots');
      ctx = { ...ctx, step: 'time', callback_offered: true };
      delete ctx.offered_slots;
      return done(say(...lead, { key: 'no_slots' }), 'scheduling');
    }
    const noted = receipt('time', lead);
    ctx.offered_slots = slots;
    ctx.step = 'time';
    return done(say(...lead, ...noted, { key: 'offer_slots', slots: slots.map((s) => s.label) }), 'scheduling');
  }
}

// What the business does, in the words customers ask about it: a pickup, laundry. ("Do you wash dog beds?" is not one.)
const OUR_WORK = /\b(?:pick ?ups?|picked up|pick (?:it |them |my \w+ )?up|laundry|laundries|recog\w*|ropa|lavanderia|cucian|jemput\w*)\b/;

/**
 * Whether a question is about the service the business offers ("do you pick up laundry?",
 * "¿recogen ropa?", "can I book express?"): then it is a yes and the booking goes on, not
 * "not sure about that one". Anything else (dry cleaning, ironing shirts) is not claimed.
 */
export function asksAboutOurService(message: string, services: OfferedService[]): boolean {
  if (/\b(?:dry|seco|ironing|planch\w*|setrika)\b/.test(foldAccents(message))) return false;
  return OUR_WORK.test(foldAccents(message)) || extractService(message, services, false) !== undefined;
}

type Fact = 'postal_code' | 'service' | 'units' | 'address' | 'name' | 'time_wish';

const DAY_WORDS = /\b(?:today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|hoy|manana|lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b/;

/** Whether a message names a day or a time of day. */
export function mentionsTime(message: string): boolean {
  return DAY_WORDS.test(foldAccents(message)) || timeNamed(message) !== undefined || dayPartNamed(message) !== undefined;
}

/**
 * The offered times a message points at: by number or order ("2", "the last one"), by the
 * time ("the 2pm one", "el de las 4", read before numbers so "the 2" of "the 2pm" is not the
 * second), by the day ("the Tuesday one", "mañana") and by the part of the day ("the
 * afternoon one"). Empty when it names none of them.
 */
export function narrowSlots(message: string, offered: OfferedSlot[], now: Date, timeZone: string): OfferedSlot[] {
  const at = timeNamed(message);
  const byTime = at ? offered.filter((s) => sameTime(s, at.hour, at.minute)) : [];
  if (byTime.length) return byTime;
  const slots: Slot[] = offered.map((s) => ({ start: s.start, end: s.end, consultant_id: s.consultant_id, local_label: s.label }));
  const choice = parseSlotChoice(message, slots, { now, timeZone });
  if (choice.kind === 'index') return [offered[choice.index - 1]!];
  let narrowed = choice.kind === 'filter' ? offered.filter((s) => choice.slots.some((c) => c.start === s.start)) : [];
  const part = dayPartNamed(message);
  if (part && narrowed.length > 1) narrowed = narrowed.filter((s) => dayPartOf(hourOf(s)) === part);
  else if (part && narrowed.length === 0 && !at && choice.kind !== 'filter') narrowed = offered.filter((s) => dayPartOf(hourOf(s)) === part);
  return narrowed;
}

const LABEL_TIME = /(\d{1,2}):(\d{2})\s*$/;
const hourOf = (s: OfferedSlot): number => Number(LABEL_TIME.exec(s.label)?.[1] ?? -1);
const sameTime = (s: OfferedSlot, hour: number, minute: number): boolean => {
  const m = LABEL_TIME.exec(s.label);
  return m !== null && Number(m[1]) === hour && Number(m[2]) === minute;
};

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
