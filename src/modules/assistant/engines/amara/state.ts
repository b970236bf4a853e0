/**
 * What Amara's engine keeps between messages and what its tools answer: the same shapes for
 * the built-in engine and a model, which call the same tools.
 */

/** A service as a request or a draft keeps it: the catalogue's row, what pricing needs. */
export interface ServiceChoice {
  id: string;
  name: string;
  /** What is counted: 'hour'. */
  unit_name: string;
  base_price_minor: number;
  unit_price_minor: number;
  currency: string;
}

export interface AmaraSlot {
  /** The instant, ISO 8601 UTC. */
  start: string;
  /** Local date and time in the workspace's zone. */
  date: string;
  time: string;
}

/** A booking the user has not confirmed yet: only in the conversation, never in bookings. */
export interface AmaraDraft {
  service: ServiceChoice;
  start: string;
  date: string;
  time: string;
  hours: number;
  total_minor: number;
  currency: string;
  customer_phone: string;
}

/** The conversation's working memory, kept in amara_conversations.context. */
export interface AmaraState {
  /** What the user asked for so far, before it is complete enough to draft. */
  request?: { service?: ServiceChoice; date?: string; time?: string; hours?: number; phone?: string; budget?: number };
  /** The numbered slots last shown, so that 'la 2' means something. */
  offered?: AmaraSlot[];
  draft?: AmaraDraft;
  /** The funnel stages (seed 003's event types) already reached on the way to the next booking. */
  funnel?: string[];
  /** What the last reply asked for, so that an answer to it needs no receipt. */
  asked?: 'service' | 'slot' | 'hours' | 'phone' | 'confirm';
  /** Messages answered so far: the first one is a greeting, not a misunderstanding. */
  turns?: number;
  /** Messages with nothing usable in a row (the engines' shared count). */
  misses?: number;
  /** Bookings confirmed in this conversation. */
  booked?: { booking_id: string; start: string; /** Local, as the customer was told (absent on bookings kept before they were recorded). */ date?: string; time?: string; service: string; hours: number; total_minor: number; currency: string }[];
}

/** What a tool answers: a result, or an error the engine or the model reads and answers from. */
export type AmaraToolResult = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/** The service as a request or draft keeps it: what pricing needs, nothing more. */
export const choiceOf = (s: ServiceChoice): ServiceChoice => ({
  id: s.id, name: s.name, unit_name: s.unit_name, base_price_minor: s.base_price_minor, unit_price_minor: s.unit_price_minor, currency: s.currency,
});

/** The longest booking Amara takes, in hours. */
export const MAX_HOURS = 8;
