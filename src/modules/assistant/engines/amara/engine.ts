import { fromMinor, minorDigits } from '../../../../platform/money.ts';
import { acknowledge, dayPartOf, emptyStreak, nearlyWord, stuck } from '../shared/index.ts';
import { normalize, understand, type Locale, type Understood } from './language.ts';
import { priceText, reply, spokenDate, type DraftLine, type ServiceLine, type SlotLine } from './messages.ts';
import { choiceOf, MAX_HOURS, type AmaraState, type AmaraDraft, type AmaraSlot, type ServiceChoice, type AmaraToolResult } from './state.ts';

/**
 * The built-in Amara engine: deterministic, offline, in Spanish, English and Indonesian. It
 * reads the message, keeps what the user asked for in the conversation's state, and acts only
 * through the same tools a model would call, so the path is the same in both modes:
 * search → availability → hours → phone → draft → explicit confirmation → booking.
 */

export type AmaraIntent =
  | 'ask_service'
  | 'answer'
  | 'availability'
  | 'no_slots'
  | 'slot_unavailable'
  | 'ask_hours'
  | 'ask_phone'
  | 'draft'
  | 'awaiting_confirmation'
  | 'booked'
  | 'booking_failed'
  | 'cancelled'
  | 'price'
  | 'handoff'
  /** Several messages in a row with nothing usable: a person takes over. */
  | 'handoff_stuck';

export interface AmaraTurnInput {
  text: string;
  locale: Locale;
  /** The workspace's local date, YYYY-MM-DD. */
  today: string;
  country: string;
  /** Mutated: the request, offered slots and draft after this turn. */
  state: AmaraState;
  /** Whether a phone number is on file for the user (so it need not be asked). */
  knownPhone: boolean;
  /** Whether a person of the business can take the conversation over (a channel's inbox): then a customer asking for one is handed off. */
  canHandOff?: boolean;
}

export interface AmaraDecision {
  text: string;
  intent: AmaraIntent;
  /** What was read from the message, for the record and for tests. */
  extracted: Understood;
  /** The knowledge the answer came from, so that an FAQ's use is counted. */
  answeredFrom?: { source: string; id: string };
}

type CallTool = (name: string, args: unknown) => Promise<AmaraToolResult>;

interface FoundService extends ServiceChoice {
  rate: string;
  keywords?: string[];
  /** The one service the message names, by its name or its most specific keyword. */
  named?: boolean;
}
interface Found {
  services: FoundService[];
  knowledge: { source: string; id: string; title: string; snippet: string; score: number }[];
}

const resultOf = <T>(r: AmaraToolResult): T | undefined => (r.ok ? (r.result as T) : undefined);


/** Whether the message names a service of the catalogue (searched with its words). */
async function namesService(text: string, call: CallTool): Promise<boolean> {
  if (!/\p{L}{3,}/u.test(text)) return false;
  const found = resultOf<Found>(await call('searchServices', { query: text.slice(0, 300) }));
  return (found?.services ?? []).some((s) => s.named) || (await misspeltService(text, call)) !== undefined;
}

/** The one service whose name or keyword the message misspells. */
async function misspeltService(text: string, call: CallTool): Promise<FoundService | undefined> {
  const ws = normalize(text).match(/\p{L}{4,}/gu) ?? [];
  if (ws.length === 0) return undefined;
  const catalogue = resultOf<Found>(await call('searchServices', {}))?.services ?? [];
  const GENERIC = new Set(['limpieza', 'cleaning', 'servicio', 'service']);
  const near = catalogue.filter((s) =>
    [...normalize(s.name).split(' '), ...(s.keywords ?? []).map(normalize)].filter((k) => k.length >= 5 && !GENERIC.has(k) && !k.includes(' ')).some((k) => ws.some((w) => w !== k && nearlyWord(w, k))),
  );
  return near.length === 1 ? near[0] : undefined;
}

/** The one service the message names (by its name or most specific keyword), if any. */
async function namedService(text: string, call: CallTool): Promise<FoundService | undefined> {
  if (!/\p{L}{3,}/u.test(text)) return undefined;
  return resultOf<Found>(await call('searchServices', { query: text.slice(0, 300) }))?.services.find((s) => s.named);
}

/** What each reply asks for: its answer is expected, so it needs no receipt. */
const ASKS: Partial<Record<AmaraIntent, NonNullable<AmaraState['asked']>>> = {
  ask_service: 'service', availability: 'slot', no_slots: 'slot', slot_unavailable: 'slot', booking_failed: 'slot',
  ask_hours: 'hours', ask_phone: 'phone', draft: 'confirm', awaiting_confirmation: 'confirm',
};
type FactKind = 'date' | 'time' | 'hours' | 'phone' | 'budget' | 'service';
const ANSWERS: Record<NonNullable<AmaraState['asked']>, FactKind[]> = { service: [], slot: ['date', 'time', 'hours'], hours: ['hours'], phone: ['phone'], confirm: [] };
/** What a reply restates itself, so a receipt would repeat it. */
const RESTATES: Partial<Record<AmaraIntent, FactKind[]>> = { availability: ['date', 'service'], no_slots: ['date', 'service'], slot_unavailable: ['date', 'time'], ask_service: ['service'] };
/** Replies that take no receipt: they restate everything, or are about something else. */
const NO_RECEIPT = new Set<AmaraIntent>(['draft', 'awaiting_confirmation', 'booked', 'cancelled', 'handoff', 'handoff_stuck', 'answer']);

export async function decideAmaraTurn(input: AmaraTurnInput, call: CallTool): Promise<AmaraDecision> {
  const { locale, state } = input;
  const u = understand(input.text, input.today);
  const asked = state.asked;
  const started = (state.turns ?? 0) > 0;
  state.turns = (state.turns ?? 0) + 1;
  /** Facts this message gave, as the receipt names them. */
  const facts: { kind: FactKind; text: string }[] = [];
  let lead = '';
  const done = (intent: AmaraIntent, text: string): AmaraDecision => {
    const next = ASKS[intent];
    if (next) state.asked = next;
    else if (intent !== 'answer' && intent !== 'price') delete state.asked;
    const skip = new Set<FactKind>([...(asked ? ANSWERS[asked] : []), ...(RESTATES[intent] ?? [])]);
    const receipt = NO_RECEIPT.has(intent) ? '' : acknowledge(locale, facts.filter((f) => !skip.has(f.kind)).map((f) => f.text));
    return { text: [lead, receipt, text].filter(Boolean).join(' '), intent, extracted: u };
  };
  const money = (minor: number, currency: string) => priceText(minor, currency, locale, input.country);
  const draftLine = (d: AmaraDraft): DraftLine => ({
    service: d.service.name,
    date: d.date,
    time: d.time,
    hours: d.hours,
    rate: money(d.service.unit_price_minor, d.service.currency),
    total: money(d.total_minor, d.currency),
  });
  const slotLines = (slots: AmaraSlot[]): SlotLine[] => slots.map((s) => ({ date: s.date, time: s.time }));
  const availability = async (date: string | undefined) =>
    resultOf<{ slots: AmaraSlot[] }>(await call('checkAvailability', date ? { date, days: 1 } : {}))?.slots ?? [];
  const fieldsGiven = u.date !== undefined || u.time !== undefined || u.hours !== undefined || u.choice !== undefined || u.phone !== undefined;

  if (u.wantsPerson && input.canHandOff) return done('handoff', reply.handoff(locale));

  // Only a message with nothing usable in it is "not understood"; several in a row bring in a person.
  const usable =
    fieldsGiven || u.budget !== undefined || u.dayPart !== undefined || u.confirm || u.cancel || u.wantsService || u.isQuestion || u.asksPrice || u.asksAvailability || u.smallTalk || (await namesService(input.text, call));
  state.misses = emptyStreak(state.misses, usable);
  if (!usable && started) {
    if (stuck(state.misses) && input.canHandOff) {
      state.misses = 0;
      return done('handoff_stuck', reply.stuckHandoff(locale));
    }
    lead = reply.notUnderstood(locale);
  }
  if (u.hours !== undefined && u.hours >= 1 && u.hours <= MAX_HOURS) facts.push({ kind: 'hours', text: reply.hoursText(locale, u.hours) });
  if (u.phone !== undefined) facts.push({ kind: 'phone', text: u.phone });
  if (u.date !== undefined && u.choice === undefined) facts.push({ kind: 'date', text: spokenDate(u.date, locale) });
  if (u.time !== undefined && u.choice === undefined) facts.push({ kind: 'time', text: u.time });

  // "Mejor la profunda": another service named while one is being booked replaces it.
  const current = state.draft?.service ?? state.request?.service;
  const renamed = current && !u.asksPrice && !u.isQuestion && !u.confirm && !u.cancel && !u.smallTalk ? await namedService(input.text, call) : undefined;
  const otherService = renamed && renamed.id !== current?.id ? renamed : undefined;
  if (otherService) facts.push({ kind: 'service', text: otherService.name });

  // A draft waits for a yes or a no; new details reopen it as a request.
  if (state.draft) {
    const draft = state.draft;
    if (u.cancel) {
      await call('cancelBookingDraft', {});
      return done('cancelled', reply.cancelled(locale, true));
    }
    // 'Sí, pero a las 12' changes the draft: it is drafted again and confirmed again.
    if (u.confirm && !fieldsGiven) {
      if ((await call('confirmBooking', {})).ok) return done('booked', reply.booked(locale, draftLine(draft)));
      delete state.draft;
      state.request = { service: draft.service, date: draft.date, hours: draft.hours, phone: draft.customer_phone };
      return done('booking_failed', reply.bookingFailed(locale, slotLines(await availability(draft.date))));
    }
    if (!fieldsGiven && !otherService) return done('awaiting_confirmation', reply.draft(locale, draftLine(draft), true));
    delete state.draft;
    state.request = { service: otherService ? choiceOf(otherService) : draft.service, date: draft.date, time: draft.time, hours: draft.hours, phone: draft.customer_phone };
  } else if (u.cancel) {
    const had = state.request !== undefined;
    if (had) await call('cancelBookingDraft', {});
    return done('cancelled', reply.cancelled(locale, had));
  }

  const req = (state.request ??= {});
  if (otherService) req.service = choiceOf(otherService);
  // "La 2" right after the services were listed: the second service, not a time.
  if (asked === 'service' && u.choice !== undefined && !state.offered?.length) {
    const listed = (resultOf<Found>(await call('searchServices', {}))?.services ?? [])[u.choice - 1];
    if (listed) {
      req.service = choiceOf(listed);
      delete u.choice;
    }
  }
  let chosen = u.choice !== undefined ? state.offered?.[u.choice - 1] : undefined;
  // "El del martes", "mañana en la tarde", "the 2pm one": the offered times that fit.
  if (!chosen && state.offered?.length && (u.date !== undefined || u.time !== undefined || u.dayPart !== undefined)) {
    const fits = state.offered.filter(
      (s) => (u.date === undefined || s.date === u.date) && (u.time === undefined || s.time === u.time) && (u.dayPart === undefined || dayPartOf(Number(s.time.slice(0, 2))) === u.dayPart),
    );
    if (fits.length === 1) chosen = fits[0];
    else if (fits.length > 1 && fits.length < state.offered.length && u.time === undefined) {
      state.offered = fits;
      if (u.date !== undefined) req.date = u.date;
      if (u.hours !== undefined) req.hours = u.hours;
      return done('availability', reply.slots(locale, req.service?.name, undefined, slotLines(fits), req.hours === undefined));
    }
  }
  if (chosen) Object.assign(req, { date: chosen.date, time: chosen.time });
  if (u.date !== undefined && u.date !== req.date) {
    req.date = u.date;
    if (u.time === undefined && !chosen) delete req.time;
  }
  if (u.time !== undefined) req.time = u.time;
  if (u.hours !== undefined) req.hours = u.hours;
  if (u.phone !== undefined) req.phone = u.phone;
  if (u.budget !== undefined) req.budget = u.budget;

  // '¿Cuánto cuesta la hora?': the price of the service named (or being booked), else the price list.
  if (u.asksPrice && !fieldsGiven && !u.asksAvailability) {
    const found = resultOf<Found>(await call('searchServices', { query: input.text })) ?? { services: [], knowledge: [] };
    const text = normalize(input.text);
    const named = found.services.find((s) => text.includes(normalize(s.name))) ?? found.services.find((s) => s.named);
    if (named) req.service = choiceOf(named);
    const service = named ?? (req.service ? { name: req.service.name, rate: money(req.service.unit_price_minor, req.service.currency) } : undefined);
    if (service) return done('price', reply.price(locale, service, !req.date));
    const catalogue = resultOf<Found>(await call('searchServices', {}))?.services ?? [];
    // The list ends asking which service: "la 2" then names one.
    state.asked = 'service';
    return done('price', reply.prices(locale, catalogue.map((s): ServiceLine => ({ name: s.name, rate: s.rate }))));
  }

  if (u.wantsService || u.isQuestion || (!req.service && !fieldsGiven)) {
    const found = resultOf<Found>(await call('searchServices', { query: input.text })) ?? { services: [], knowledge: [] };
    const text = normalize(input.text);
    const named = found.services.find((s) => text.includes(normalize(s.name)));
    const answer = found.knowledge[0];
    if (u.isQuestion && !u.asksAvailability && !fieldsGiven && answer) {
      if (named) req.service = choiceOf(named);
      return { ...done('answer', reply.answer(locale, answer.snippet)), answeredFrom: { source: answer.source, id: answer.id } };
    }
    // Named in full, or by a keyword only one service has ("profunda", "ironing").
    const pick = named ?? found.services.find((s) => s.named) ?? (u.wantsService ? found.services[0] : undefined);
    if (pick) req.service = choiceOf(pick);
  }

  // "limpiesa profunda", "planchdo": a service misspelt.
  if (!req.service) {
    const near = await misspeltService(input.text, call);
    if (near) req.service = choiceOf(near);
  }

  // A budget ("tengo 120 mil pesos") sets the hours it pays for, when none were given; the draft shows them before anything is booked.
  if (u.budget !== undefined) {
    const service = req.service;
    const perHour = service ? fromMinor(service.unit_price_minor, service.currency) : 0;
    const hours = perHour > 0 ? Math.min(MAX_HOURS, Math.floor(u.budget / perHour)) : 0;
    const sum = service ? money(Math.round(u.budget * 10 ** minorDigits(service.currency)), service.currency) : String(u.budget);
    const pays = req.hours === undefined && u.hours === undefined && hours >= 1;
    if (pays) req.hours = hours;
    facts.push({ kind: 'budget', text: reply.budgetText(locale, sum, pays ? hours : undefined) });
  }

  if (!req.service && !u.asksAvailability) {
    const catalogue = resultOf<Found>(await call('searchServices', {}))?.services ?? [];
    return done('ask_service', reply.askService(locale, catalogue.map((s): ServiceLine => ({ name: s.name, rate: s.rate }))));
  }

  if (!req.date || !req.time || (u.asksAvailability && u.time === undefined)) {
    let slots = await availability(req.date);
    if (slots.length === 0) return done('no_slots', reply.noSlots(locale, req.date));
    // "Mañana en la tarde": only the times in that part of the day, when there are some.
    const inPart = u.dayPart ? slots.filter((s) => dayPartOf(Number(s.time.slice(0, 2))) === u.dayPart) : [];
    if (inPart.length) slots = state.offered = inPart;
    return done('availability', reply.slots(locale, req.service?.name, req.date, slotLines(slots), req.hours === undefined));
  }

  if (req.hours !== undefined && (req.hours < 1 || req.hours > MAX_HOURS)) {
    delete req.hours;
    return done('ask_hours', reply.askHours(locale, true));
  }
  if (req.hours === undefined) return done('ask_hours', reply.askHours(locale, false));
  if (!req.phone && !input.knownPhone) return done('ask_phone', reply.askPhone(locale));

  const drafted = await call('createBookingDraft', {
    service_id: req.service!.id,
    date: req.date,
    time: req.time,
    hours: req.hours,
    ...(req.phone ? { customer_phone: req.phone } : {}),
  });
  if (drafted.ok && state.draft) {
    delete state.request;
    delete state.offered;
    return done('draft', reply.draft(locale, draftLine(state.draft), false));
  }
  const code = drafted.ok ? '' : drafted.error.code;
  if (code === 'amara.phone_required' || code === 'amara.invalid_phone') {
    delete req.phone;
    return done('ask_phone', reply.askPhone(locale));
  }
  const wanted = { date: req.date, time: req.time };
  delete req.time;
  return done('slot_unavailable', reply.notOffered(locale, wanted.date, wanted.time, slotLines(await availability(wanted.date))));
}
