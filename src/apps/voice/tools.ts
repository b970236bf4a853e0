import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import {
  decimalAmount,
  extractService,
  foldAccents,
  formatPrice,
  pickAnswer,
  type BookingDraft,
  type BookResult,
  type Language,
  type OfferedService,
  type OfferedSlot,
  type ReceptionistTools,
} from '../../modules/assistant/index.ts';
import { quote, searchServices, serviceAreaCovers, type Service } from '../../modules/catalog/index.ts';
import { recordFaqUse, searchKnowledge } from '../../modules/knowledge/index.ts';
import { createBooking, loadProfile, slotsBetween } from '../../modules/scheduling/index.ts';
import { contactPhone } from '../../modules/contacts/index.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { inSavepoint } from '../../platform/db/savepoint.ts';

/** How far ahead pickups are offered. */
const HORIZON_DAYS = 14;
const DAY_MS = 86_400_000;

/** Who the receptionist is serving: the booking's contact and phone, and the channel it came from. */
export interface ReceptionScope {
  contactId?: string | undefined;
  phone?: string | undefined;
  source: 'sms' | 'voice' | 'whatsapp' | 'web';
  language: Language;
}

export const asOffered = (s: Service): OfferedService => ({
  id: s.id,
  name: s.name,
  unit_name: s.unit_name,
  base_price_minor: s.base_price_minor,
  unit_price_minor: s.unit_price_minor,
  currency: s.currency,
  turnaround: s.turnaround,
  keywords: s.keywords,
});

/** The active services, in display order. */
export async function offeredServices(ctx: Ctx): Promise<OfferedService[]> {
  return (await searchServices(ctx, { limit: 50 })).map(asOffered);
}

const LABELS = new Map<string, Intl.DateTimeFormat>();

/** "Mon 23 Nov 09:00": short enough that four fit in a text message. */
export function shortSlotLabel(start: Date, timeZone: string, language: Language): string {
  const key = `${language}|${timeZone}`;
  let fmt = LABELS.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(language === 'es' ? 'es-CO' : 'en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    LABELS.set(key, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(start).map((x) => [x.type, x.value.replace(/\.$/, '')]));
  return `${p.weekday} ${p.day} ${p.month} ${p.hour}:${p.minute}`;
}

/** Free pickup times from now on, soonest first. */
export async function freeSlots(ctx: Ctx, language: Language, opts: { limit: number; date?: string | undefined }): Promise<{ timeZone: string; slots: OfferedSlot[] }> {
  const profile = await loadProfile(ctx);
  const now = ctx.clock.now();
  let from = now;
  let to = new Date(now.getTime() + HORIZON_DAYS * DAY_MS);
  if (opts.date) {
    const day = Temporal.PlainDate.from(opts.date);
    from = new Date(Math.max(now.getTime(), day.toZonedDateTime(profile.timeZone).epochMilliseconds));
    to = new Date(day.add({ days: 1 }).toZonedDateTime(profile.timeZone).epochMilliseconds);
    if (to <= from) return { timeZone: profile.timeZone, slots: [] };
  }
  const slots = await slotsBetween(ctx, profile, { from, to });
  return {
    timeZone: profile.timeZone,
    slots: slots.slice(0, opts.limit).map((s) => ({ start: s.start, end: s.end, consultant_id: s.consultant_id, label: shortSlotLabel(new Date(s.start), profile.timeZone, language) })),
  };
}

/**
 * Books a pickup through the scheduling engine (which guards the slot's seats): the service,
 * units, address and price on the booking row. A slot that is gone is a result, not an error.
 */
export async function bookPickup(ctx: Ctx, scope: ReceptionScope, draft: BookingDraft): Promise<BookResult> {
  if (!scope.phone && !scope.contactId) throw new AppError('booking.no_contact', 'invalid', 'a booking needs the customer\'s phone or contact');
  const phone = scope.phone ?? (await phoneToBookWith(ctx, scope.contactId!));
  try {
    const booking = await inSavepoint(ctx, 'reception_book', () =>
      createBooking(
        ctx,
        {
          customer_name: draft.name,
          customer_phone: phone,
          ...(scope.contactId ? { contact_id: scope.contactId } : {}),
          service_type: draft.service,
          title: `Pickup: ${draft.name}`,
          start: draft.slot.start,
          source: scope.source,
          status: 'scheduled',
          pickup_address: draft.address,
          ...(draft.unitName === 'load' ? { number_of_loads: draft.units } : {}),
          notes: `Postal code ${draft.postal_code}; ${draft.units} ${draft.unitName}(s).`,
          payment_amount: decimalAmount(draft.total_minor, draft.currency),
          payment_currency: draft.currency,
          payment_status: 'pending',
        },
        { canForce: false },
      ),
    );
    return { ok: true, booking_id: booking.id };
  } catch (e) {
    if (isAppError(e) && (e.code === 'booking.slot_taken' || e.code === 'booking.no_such_slot')) return { ok: false, reason: 'slot_taken' };
    throw e;
  }
}

async function phoneToBookWith(ctx: Ctx, contactId: string): Promise<string> {
  const phone = await contactPhone(ctx.tx, workspaceIdOf(ctx), contactId);
  if (!phone) throw new AppError('booking.no_contact', 'invalid', 'the contact has no phone number to book with');
  return phone;
}

/** An answer from the FAQs and knowledge good enough to give; a FAQ's use is counted. */
export async function answerFromKnowledge(ctx: Ctx, question: string): Promise<string | undefined> {
  const hits = await searchKnowledge(ctx, { q: question });
  const best = pickAnswer(question, hits);
  if (!best) return undefined;
  if (best.hit.source === 'faq') await inSavepoint(ctx, 'reception_faq_use', () => recordFaqUse(ctx, best.hit.id));
  return best.hit.snippet || best.hit.title;
}

/** The built-in receptionist's tools over this workspace, in the turn's transaction. */
export function receptionTools(ctx: Ctx, scope: ReceptionScope): ReceptionistTools {
  return {
    checkArea: (postalCode) => serviceAreaCovers(ctx, postalCode),
    availableSlots: async (language, limit = 4) => (await freeSlots(ctx, language, { limit })).slots,
    book: (draft) => bookPickup(ctx, scope, draft),
    answer: (question) => answerFromKnowledge(ctx, question),
  };
}

// Tools for a voice agent or a model ------------------------------------------------------------------

/**
 * A tool as a voice agent or a model calls it: `parameters` is the JSON schema sent to them,
 * made from `schema`, which also validates what comes back (the shape ModelTool takes).
 */
export interface ReceptionistTool<A = any> {
  name: string;
  description: string;
  schema: z.ZodType<A>;
  parameters: Record<string, unknown>;
  run(args: A): Promise<unknown>;
}

const ServicesArgs = z.object({
  query: z.string().max(200).optional().describe('words of the service asked for, such as "express"'),
  units: z.number().int().min(1).max(100).optional().describe('number of units (loads, hours) to price'),
  loads: z.number().int().min(1).max(100).optional().describe('the same as units, for laundry'),
});
const AreaArgs = z.object({ postal_code: z.string().min(1).max(20) });
const QuestionArgs = z.object({ question: z.string().min(1).max(500).describe("the customer's question, in their words") });
const AvailabilityArgs = z.object({
  date: z.iso.date().optional().describe('only this day (YYYY-MM-DD), in the business\'s time zone'),
  limit: z.number().int().min(1).max(10).optional(),
});
export const BookingArgs = z.object({
  service: z.string().min(1).max(200),
  loads: z.coerce.number().int().min(1).max(100).optional(),
  units: z.coerce.number().int().min(1).max(100).optional().describe('for services priced per hour or other unit'),
  postal_code: z.string().min(1).max(20),
  address: z.string().min(3).max(500),
  pickup_time: z.string().min(10).max(40).describe('a start from get_availability (ISO 8601)'),
  name: z.string().min(1).max(200),
  phone: z.string().min(5).max(40).optional().describe("the caller's number when it differs from the one calling"),
});
export type BookingArgs = z.infer<typeof BookingArgs>;

/** A tool's refusal, said back to the caller rather than failing the request. */
const refusal = (code: string, message: string) => ({ error: { code, message } });

function tool<A>(name: string, description: string, schema: z.ZodType<A>, run: (args: A) => Promise<unknown>): ReceptionistTool<A> {
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return { name, description, schema, parameters, run };
}

/**
 * An instant from what a caller says: an ISO instant with its offset, or a local date and
 * time ('2026-11-23T11:00', '2026-11-23 11:00') in the workspace's zone.
 */
export function pickupInstant(text: string, timeZone: string): Date | undefined {
  const t = text.trim().replace(' ', 'T');
  try {
    if (/(?:Z|[+-]\d\d:?\d\d)$/i.test(t)) return new Date(Temporal.Instant.from(t).epochMilliseconds);
    return new Date(Temporal.PlainDateTime.from(t).toZonedDateTime(timeZone).epochMilliseconds);
  } catch {
    return undefined;
  }
}

/**
 * A pickup booked from the details a caller gave (a voice agent's tool call or its end-of-call
 * structured data): the service found by name, the area checked, the price computed, the slot
 * taken through the scheduling engine. Refusals come back as `{error}`.
 */
export async function bookFromDetails(ctx: Ctx, scope: ReceptionScope, args: BookingArgs): Promise<{ booking_id: string; total: string; total_minor: number; currency: string } | { error: { code: string; message: string } }> {
  const services = await offeredServices(ctx);
  const service = extractService(args.service, services, false) ?? services.find((s) => foldAccents(s.name) === foldAccents(args.service));
  if (!service) return refusal('service.not_found', `no service called "${args.service}"; offer one of: ${services.map((s) => s.name).join(', ')}`);
  const area = await serviceAreaCovers(ctx, args.postal_code);
  if (!area.covered) return refusal('service_area.not_covered', `postal code ${area.postal_code} is outside the service area`);
  const profile = await loadProfile(ctx);
  const at = pickupInstant(args.pickup_time, profile.timeZone);
  if (!at) return refusal('booking.invalid_time', 'pickup_time must be a date and time such as 2026-11-23T11:00');
  const units = args.loads ?? args.units ?? 1;
  const price = quote(service, units);
  const booked = await bookPickup(ctx, { ...scope, ...(args.phone ? { phone: args.phone } : {}) }, {
    service_id: service.id,
    service: service.name,
    unitName: service.unit_name,
    units,
    postal_code: area.postal_code,
    address: args.address,
    name: args.name,
    slot: { start: at.toISOString(), end: at.toISOString(), consultant_id: null, label: at.toISOString() },
    total_minor: price.total_minor,
    currency: price.currency,
  });
  if (!booked.ok) return refusal('booking.slot_taken', 'that time is not free; call get_availability and offer one of its times');
  return { booking_id: booked.booking_id, total: formatPrice(price.total_minor, price.currency, scope.language), total_minor: price.total_minor, currency: price.currency };
}

/** Runs a tool on arguments as a caller sent them: invalid ones are refused with the reasons. */
export async function runTool(t: ReceptionistTool, raw: unknown): Promise<unknown> {
  const r = t.schema.safeParse(raw ?? {});
  if (!r.success) return refusal('tool.invalid_arguments', r.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
  return t.run(r.data);
}

/** The receptionist's tools as a voice agent or a model calls them. */
export function receptionistTools(ctx: Ctx, scope: ReceptionScope): ReceptionistTool[] {
  const price = (minor: number, currency: string) => formatPrice(minor, currency, scope.language);
  return [
    tool('check_services', 'The services offered with their prices (a base price plus a price per unit, such as per load). Give units to get the total.', ServicesArgs, async (args) => {
      const found = await searchServices(ctx, args.query ? { q: args.query, limit: 10 } : { limit: 50 });
      const units = args.units ?? args.loads;
      return {
        services: found.map((s) => ({
          name: s.name,
          description: s.description,
          turnaround: s.turnaround,
          unit: s.unit_name,
          currency: s.currency,
          base_price: price(s.base_price_minor, s.currency),
          unit_price: price(s.unit_price_minor, s.currency),
          ...(units ? { units, total: price(quote(s, units).total_minor, s.currency), total_minor: quote(s, units).total_minor } : {}),
        })),
      };
    }),
    tool('check_service_area', 'Whether a postal code is inside the service area.', AreaArgs, async (args) => {
      const check = await serviceAreaCovers(ctx, args.postal_code);
      return { postal_code: check.postal_code, covered: check.covered, area: check.area?.label ?? check.area?.postal_prefix ?? null };
    }),
    tool('get_availability', 'Free pickup times, soonest first, optionally on one date.', AvailabilityArgs, async (args) => {
      const { timeZone, slots } = await freeSlots(ctx, scope.language, { limit: args.limit ?? 4, date: args.date });
      return { time_zone: timeZone, slots: slots.map((s) => ({ start: s.start, label: s.label })) };
    }),
    tool('answer_question', "An answer from the business's FAQs and knowledge base to a customer's question.", QuestionArgs, async (args) => {
      const answer = await answerFromKnowledge(ctx, args.question);
      return answer ? { found: true, answer } : { found: false, answer: null };
    }),
    tool(
      'create_booking',
      'Book a pickup once the caller confirmed the service, loads, postal code, address, time (a start from get_availability) and name.',
      BookingArgs,
      (args) => bookFromDetails(ctx, scope, args),
    ),
  ];
}
