import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { getService, quote, searchServices } from '../../modules/catalog/index.ts';
import { normalizePhone } from '../../modules/contacts/index.ts';
import { searchKnowledge } from '../../modules/knowledge/index.ts';
import { createBooking, loadProfile, slotsBetween } from '../../modules/scheduling/index.ts';
import { recordEvent, type EventType } from '../../modules/analytics/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { fromMinor } from '../../platform/money.ts';
import {
  choiceOf,
  isExplicitConfirmation,
  MAX_HOURS,
  normalize,
  priceText,
  type AmaraSlot,
  type AmaraState,
  type AmaraToolResult,
  type Locale,
} from '../../modules/assistant/index.ts';

/**
 * Amara's tools, one list for both engines: the built-in engine calls them by name, and a
 * model gets `name`, `description` and `parameters` (JSON schema) to call them itself. Each
 * runs as the workspace's assistant (see `asAssistant`), because an end user may not read
 * the catalogue, the calendar or the knowledge base directly. Failures come back as results
 * ({ ok: false, error }), which the engine or the model reads and answers from.
 */

export interface ToolSession {
  /** Runs `fn` as the workspace's assistant, in the same transaction; a failure undoes only what `fn` did. */
  asAssistant<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T>;
  state: AmaraState;
  locale: Locale;
  workspace: { timeZone: string; country: string };
  /**
   * Who is booking: a signed-in end user (userId, the in-app chat) or a contact writing on a
   * channel (contactId); the booking is theirs.
   */
  customer: { userId?: string | undefined; contactId?: string | undefined; name: string; email: string | null; phone: string | null };
  conversationId: string;
  /** The user's message this turn: confirmation is read from it, never from the caller's say-so. */
  userText: string;
  /** Where the booking came from (bookings.source): the channel, 'web' for the in-app chat. */
  source: 'web' | 'whatsapp' | 'sms';
  /**
   * Seed 003's funnel events this turn reached, for the caller to record with the turn's
   * outcome (as the signed-in user, or as the workspace for a channel's contact). Absent:
   * none are collected (the model's read-only wording tools).
   */
  funnel?: FunnelEvent[] | undefined;
}

export interface FunnelEvent {
  event: EventType;
  properties: Record<string, unknown>;
}

/**
 * The funnel of seed 003 as Amara walks it: a search, a service's free times looked at, a
 * draft (checkout) and the confirmed booking. Each stage is recorded once per booking the
 * customer works towards (state.funnel), and the booking starts the next round.
 */
function reached(session: ToolSession, event: EventType, properties: Record<string, unknown>): void {
  if (!session.funnel) return;
  const seen = session.state.funnel ?? [];
  if (event !== 'BookingConfirmed' && seen.includes(event)) return;
  session.funnel.push({ event, properties: { assistant: 'amara', ...properties } });
  session.state.funnel = event === 'BookingConfirmed' ? [] : [...seen, event];
}

/** Records the funnel events a turn reached, in the caller's transaction, under one analytics session. */
export async function recordFunnel(ctx: Ctx, sessionId: string, events: FunnelEvent[]): Promise<void> {
  for (const e of events) await recordEvent(ctx, { eventType: e.event, sessionId, properties: e.properties });
}


export interface AmaraTool {
  name: string;
  description: string;
  /** The arguments, validated by `run`; a model gets them as `parameters`. */
  schema: z.ZodType;
  /** JSON schema of the arguments. */
  parameters: Record<string, unknown>;
  run(args: unknown): Promise<AmaraToolResult>;
}

/** One call as stored on amara_messages.tool_calls. */
export interface ToolRun {
  id: string;
  name: string;
  arguments: unknown;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string };
  ms: number;
}

const fail = (code: string, message: string): AmaraToolResult => ({ ok: false, error: { code, message } });

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('a local date, YYYY-MM-DD, in the workspace time zone');
const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).describe('a local start time, HH:MM (24 h)');

/** A tool from a zod schema: the schema is both the model's contract and the run's validation. */
function tool<S extends z.ZodType>(name: string, description: string, schema: S, run: (args: z.infer<S>) => Promise<AmaraToolResult>): AmaraTool {
  const { $schema: _drop, ...parameters } = z.toJSONSchema(schema) as Record<string, unknown>;
  return {
    name,
    description,
    schema,
    parameters,
    async run(args) {
      const parsed = schema.safeParse(args ?? {});
      if (!parsed.success) return fail('tool.invalid_arguments', parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
      return run(parsed.data);
    },
  };
}

const instantOf = (date: string, time: string, timeZone: string): Date =>
  new Date(Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds);

const localOf = (at: Date, timeZone: string) => {
  const z = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);
  return { date: z.toPlainDate().toString(), time: z.toPlainTime().toString({ smallestUnit: 'minute' }) };
};

const startOfDay = (date: string, timeZone: string): Date => new Date(Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds);

const MAX_OFFERED = 6;

export function amaraTools(session: ToolSession): AmaraTool[] {
  const { state, workspace } = session;
  const money = (minor: number, currency: string) => priceText(minor, currency, session.locale, workspace.country);

  async function freeSlots(ctx: Ctx, from: Date, to: Date): Promise<AmaraSlot[]> {
    const profile = await loadProfile(ctx);
    const slots = await slotsBetween(ctx, profile, { from, to });
    const seen = new Set<string>();
    // Several consultants may offer the same start; the customer picks a time, not a person.
    return slots
      .filter((s) => s.seats_left > 0 && !seen.has(s.start) && seen.add(s.start))
      .map((s) => ({ start: s.start, ...localOf(new Date(s.start), workspace.timeZone) }));
  }

  return [
    tool(
      'searchServices',
      "Searches the workspace's services (with their hourly price) and its knowledge base (FAQs and articles). Returns the best 3 of each.",
      z.strictObject({ query: z.string().trim().min(1).max(300).optional().describe("the customer's words: the service, or the question; none lists the catalogue") }),
      ({ query }) =>
        session.asAssistant(async (ctx) => {
          const found = await searchServices(ctx, { q: query, limit: 10 });
          const text = normalize(query ?? '');
          // A service named in full ('limpieza profunda'), or by its longest keyword ('deep
          // cleaning' beats 'cleaning'), beats one that only shares a word.
          const said = (x: string) => (x && text.includes(normalize(x)) ? normalize(x).length : 0);
          const fit = new Map(found.map((s) => [s.id, Math.max(said(s.name) * 2, ...(s.keywords ?? []).map(said))]));
          const ranked = [...found].sort((a, b) => fit.get(b.id)! - fit.get(a.id)!);
          const best = ranked[0] && fit.get(ranked[0].id)! > 0 && (ranked.length < 2 || fit.get(ranked[0].id)! > fit.get(ranked[1]!.id)!) ? ranked[0].id : undefined;
          const knowledge = query ? await searchKnowledge(ctx, { q: query, limit: 3 }) : [];
          reached(session, 'SearchStarted', { query: query ?? null, results: found.length });
          return {
            ok: true,
            result: {
              services: ranked.slice(0, 3).map((s) => ({ ...choiceOf(s), description: s.description, rate: money(s.unit_price_minor, s.currency), ...(s.id === best ? { named: true } : {}) })),
              knowledge: knowledge.map((k) => ({ source: k.source, id: k.id, title: k.title, snippet: k.snippet, score: k.score })),
            },
          };
        }),
    ),

    tool(
      'checkAvailability',
      'Lists the free start times from a local date (default today) for a number of days (default 7).',
      z.strictObject({ date: LocalDate.optional(), days: z.number().int().min(1).max(14).default(7) }),
      ({ date, days }) =>
        session.asAssistant(async (ctx) => {
          const from = date ?? localOf(ctx.clock.now(), workspace.timeZone).date;
          const until = Temporal.PlainDate.from(from).add({ days }).toString();
          const slots = await freeSlots(ctx, startOfDay(from, workspace.timeZone), startOfDay(until, workspace.timeZone));
          state.offered = slots.slice(0, MAX_OFFERED);
          const service = state.request?.service ?? state.draft?.service;
          reached(session, 'ProfessionalViewed', { service: service?.name ?? null, date: from, slots: state.offered.length });
          return { ok: true, result: { time_zone: workspace.timeZone, from, days, slots: state.offered } };
        }),
    ),

    tool(
      'createBookingDraft',
      `Prepares a booking of a service for 1-${MAX_HOURS} hours at a free start time and shows its price (hourly rate × hours). It books nothing: only confirmBooking does, after the customer says yes.`,
      z.strictObject({
        service_id: z.uuid(),
        date: LocalDate,
        time: LocalTime,
        hours: z.number().int().min(1).max(MAX_HOURS),
        customer_phone: z.string().trim().min(7).max(40).optional().describe("only when the customer gave one; otherwise the one on file"),
      }),
      async (args) => {
        const phoneGiven = args.customer_phone ?? state.request?.phone ?? session.customer.phone;
        if (!phoneGiven) return fail('amara.phone_required', 'ask the customer for a phone number first');
        const phone = normalizePhone(phoneGiven, workspace.country);
        if (!phone) return fail('amara.invalid_phone', 'that is not a phone number; ask again, with the country code if it is foreign');
        return session.asAssistant(async (ctx) => {
          const service = await getService(ctx, args.service_id);
          const start = instantOf(args.date, args.time, workspace.timeZone);
          const offered = await freeSlots(ctx, start, new Date(start.getTime() + 1));
          if (!offered.some((s) => s.start === start.toISOString())) {
            return fail('amara.slot_unavailable', 'no free slot starts then; check availability for that day');
          }
          const price = quote(service, args.hours);
          state.draft = {
            service: choiceOf(service),
            start: start.toISOString(),
            ...localOf(start, workspace.timeZone),
            hours: args.hours,
            total_minor: price.total_minor,
            currency: price.currency,
            customer_phone: phone,
          };
          reached(session, 'CheckoutStarted', { service: service.name, hours: args.hours, total_minor: price.total_minor, currency: price.currency });
          return { ok: true, result: { draft: state.draft, rate: money(service.unit_price_minor, service.currency), total: money(price.total_minor, price.currency), booked: false } };
        });
      },
    ),

    tool(
      'confirmBooking',
      "Books the pending draft through the scheduling engine. Only when the customer's latest message explicitly confirms it (such as 'sí, confirmo' or 'yes').",
      z.strictObject({}),
      async () => {
        const draft = state.draft;
        if (!draft) return fail('amara.no_draft', 'there is no draft to confirm; prepare one with createBookingDraft');
        if (!isExplicitConfirmation(session.userText)) {
          return fail('amara.confirmation_required', 'the customer has not confirmed in their latest message; ask them to confirm the draft');
        }
        return session.asAssistant(async (ctx) => {
          const booking = await createBooking(
            ctx,
            {
              customer_name: session.customer.name,
              customer_phone: draft.customer_phone,
              ...(session.customer.email ? { customer_email: session.customer.email } : {}),
              ...(session.customer.contactId ? { contact_id: session.customer.contactId } : {}),
              service_type: draft.service.name,
              title: `Amara: ${draft.service.name}`,
              notes: `Booked by Amara in conversation ${session.conversationId} after the customer confirmed.`,
              start: draft.start,
              duration_minutes: draft.hours * 60,
              source: session.source,
              status: 'pending',
              payment_amount: fromMinor(draft.total_minor, draft.currency).toFixed(2),
              payment_currency: draft.currency,
              payment_status: 'pending',
            },
            // A signed-in customer's own booking: they read it back through
            // bookings_customer_read (0005), which goes by customer_id.
            { canForce: false, customerId: session.customer.userId },
          );
          reached(session, 'BookingConfirmed', { booking_id: booking.id, service: draft.service.name, hours: draft.hours, total_minor: draft.total_minor, currency: draft.currency });
          state.booked = [
            ...(state.booked ?? []),
            { booking_id: booking.id, start: draft.start, date: draft.date, time: draft.time, service: draft.service.name, hours: draft.hours, total_minor: draft.total_minor, currency: draft.currency },
          ];
          delete state.draft;
          delete state.request;
          delete state.offered;
          return { ok: true, result: { booking_id: booking.id, status: booking.status, start: draft.start, total: money(draft.total_minor, draft.currency) } };
        });
      },
    ),

    tool('cancelBookingDraft', 'Drops the pending draft (and the request being collected). Nothing was booked, so nothing else changes.', z.strictObject({}), async () => {
      if (!state.draft && !state.request) return fail('amara.no_draft', 'there is no draft to cancel');
      delete state.draft;
      delete state.request;
      delete state.offered;
      return { ok: true, result: { cancelled: true } };
    }),
  ];
}

/** Runs tools by name and records every call, for amara_messages.tool_calls and the stream. */
export class ToolBox {
  readonly runs: ToolRun[] = [];
  private readonly byName: Map<string, AmaraTool>;

  constructor(readonly tools: AmaraTool[]) {
    this.byName = new Map(tools.map((t) => [t.name, t]));
  }

  async call(name: string, args: unknown, id = `call_${this.runs.length + 1}`): Promise<AmaraToolResult> {
    const started = performance.now();
    const t = this.byName.get(name);
    let outcome: AmaraToolResult;
    try {
      outcome = t ? await t.run(args) : fail('tool.unknown', `no tool named ${name}`);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      outcome = fail(e.code, e.message);
    }
    const run: ToolRun = { id, name, arguments: args ?? {}, ok: outcome.ok, ...(outcome.ok ? { result: outcome.result } : { error: outcome.error }), ms: Math.round(performance.now() - started) };
    this.runs.push(run);
    return outcome;
  }
}
