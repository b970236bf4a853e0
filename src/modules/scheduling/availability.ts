import { Temporal } from 'temporal-polyfill';

/**
 * The availability engine: slots from weekly patterns, with no database. Patterns are
 * wall-clock times in the workspace's zone, so every local date and time becomes an instant
 * through that zone, which is where daylight saving is handled: a local time that does not
 * exist that day (spring forward) gives no slot, and one that happens twice (fall back) gives
 * its first occurrence.
 *
 * The seat rules match the database's guard (app.slot_seats and app.guard_slot_seats in
 * 0011_scheduling.sql): a slot is a consultant (or the pool, null) and a start; its seats are
 * the most any pattern offering that start allows; every active booking or appointment at that
 * consultant and start holds one; and a named consultant's slot is not offered while another
 * of their bookings, starting at another time, overlaps it.
 */

/** One row of consultant_slots, active. */
export interface WeeklyPattern {
  id: string;
  consultant_id: string | null;
  /** 0 = Sunday ... 6 = Saturday. */
  day_of_week: number;
  /** 'HH:MM', local. */
  start_time: string;
  end_time: string;
  duration_minutes: number;
  booking_window_days: number;
  max_bookings_per_slot: number;
}

/** A local date (YYYY-MM-DD) with no slots for one consultant, or for everyone (null). */
export interface ClosedDate {
  date: string;
  consultant_id: string | null;
}

/** Seats held at one consultant and start: the active bookings and appointments there. */
export interface HeldSeats {
  consultant_id: string | null;
  at: Date;
  /** The longest of them, for overlaps. */
  minutes: number;
  taken: number;
}

export interface AvailabilityRequest {
  /** IANA zone of the workspace: patterns and closed dates are read in it. */
  timeZone: string;
  now: Date;
  /** Slots starting in [from, to). */
  from: Date;
  to: Date;
  /** No slot starts sooner than this after now. */
  minNoticeMinutes: number;
  patterns: readonly WeeklyPattern[];
  closed: readonly ClosedDate[];
  held: readonly HeldSeats[];
  /** Only this consultant's slots (null: the pool's); undefined: everyone's. */
  consultantId?: string | null | undefined;
  /** Keep full slots (seats_left 0), to tell a taken slot from one never offered. */
  includeFull?: boolean;
}

export interface Slot {
  /** ISO 8601 instants. */
  start: string;
  end: string;
  consultant_id: string | null;
  seats_left: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** 'HH:MM' -> minutes after midnight. */
export const minuteOfDay = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** The local date of an instant in a zone. */
export const localDate = (at: Date, timeZone: string): Temporal.PlainDate =>
  Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone).toPlainDate();

/**
 * The instant a local date and time names in a zone, or null when that time does not exist
 * there that day. When it happens twice, the first.
 */
export function localInstant(date: Temporal.PlainDate, minute: number, timeZone: string): number | null {
  const wall = date.toPlainDateTime({ hour: Math.floor(minute / 60), minute: minute % 60 });
  const zoned = wall.toZonedDateTime(timeZone, { disambiguation: 'earlier' });
  return zoned.toPlainDateTime().equals(wall) ? zoned.epochMilliseconds : null;
}

interface Candidate {
  consultant_id: string | null;
  start: number;
  minutes: number;
  seats: number;
  /** Whether a pattern whose booking window reaches it offers it. */
  offered: boolean;
}

/** One consultant's (or the pool's) slots by start, and the seats held. */
interface Calendar {
  slots: Map<number, Candidate>;
  taken: Map<number, number>;
  /** Their bookings as [start, end) in ms, sorted by start: what overlaps. */
  busy: { start: number; end: number }[];
}

/** Every slot in the request's range, sorted by start, then consultant (the pool first). */
export function computeAvailability(req: AvailabilityRequest): Slot[] {
  const { timeZone } = req;
  const fromMs = req.from.getTime();
  const toMs = req.to.getTime();
  if (toMs <= fromMs) return [];
  const earliest = Math.max(fromMs, req.now.getTime() + req.minNoticeMinutes * MINUTE);
  const today = localDate(req.now, timeZone);
  const firstDay = localDate(req.from, timeZone);
  const lastDay = localDate(new Date(toMs - 1), timeZone);

  const calendars = new Map<string | null, Calendar>();
  const calendarOf = (consultant: string | null) => {
    let calendar = calendars.get(consultant);
    if (!calendar) {
      calendar = { slots: new Map(), taken: new Map(), busy: [] };
      calendars.set(consultant, calendar);
    }
    return calendar;
  };

  const byWeekday = new Map<number, WeeklyPattern[]>();
  for (const p of req.patterns) {
    if (req.consultantId !== undefined && p.consultant_id !== req.consultantId) continue;
    byWeekday.set(p.day_of_week, [...(byWeekday.get(p.day_of_week) ?? []), p]);
  }
  const closed = new Set(req.closed.map((c) => `${c.date}|${c.consultant_id ?? ''}`));

  // A start's seats are the most any pattern offering it allows, whether or not that pattern's
  // booking window reaches it, as the database's guard counts them.
  for (let day = firstDay; Temporal.PlainDate.compare(day, lastDay) <= 0; day = day.add({ days: 1 })) {
    const date = day.toString();
    if (closed.has(`${date}|`)) continue;
    const daysAhead = today.until(day, { largestUnit: 'days' }).days;
    // Consultants share their times, so each local time of the day is converted once.
    const instants = new Map<number, number | null>();
    for (const p of byWeekday.get(day.dayOfWeek % 7) ?? []) {
      if (p.consultant_id !== null && closed.has(`${date}|${p.consultant_id}`)) continue;
      const slots = calendarOf(p.consultant_id).slots;
      const inWindow = daysAhead <= p.booking_window_days;
      const end = minuteOfDay(p.end_time);
      for (let m = minuteOfDay(p.start_time); m + p.duration_minutes <= end; m += p.duration_minutes) {
        let start = instants.get(m);
        if (start === undefined) {
          start = localInstant(day, m, timeZone);
          instants.set(m, start);
        }
        if (start === null || start < earliest || start >= toMs) continue;
        const seen = slots.get(start);
        if (!seen) {
          slots.set(start, { consultant_id: p.consultant_id, start, minutes: p.duration_minutes, seats: p.max_bookings_per_slot, offered: inWindow });
        } else {
          if (p.max_bookings_per_slot > seen.seats) Object.assign(seen, { seats: p.max_bookings_per_slot, minutes: p.duration_minutes });
          seen.offered ||= inWindow;
        }
      }
    }
  }

  for (const h of req.held) {
    const calendar = calendars.get(h.consultant_id);
    if (!calendar || h.taken <= 0) continue;
    const at = h.at.getTime();
    calendar.taken.set(at, (calendar.taken.get(at) ?? 0) + h.taken);
    if (h.consultant_id !== null) calendar.busy.push({ start: at, end: at + h.minutes * MINUTE });
  }

  const open: { c: Candidate; left: number }[] = [];
  for (const calendar of calendars.values()) {
    calendar.busy.sort((a, b) => a.start - b.start);
    for (const c of calendar.slots.values()) {
      if (!c.offered) continue;
      let left = Math.max(0, c.seats - (calendar.taken.get(c.start) ?? 0));
      if (left > 0 && overlapsAnother(calendar.busy, c.start, c.start + c.minutes * MINUTE)) left = 0;
      if (left > 0 || req.includeFull) open.push({ c, left });
    }
  }
  open.sort((a, b) => a.c.start - b.c.start || compareConsultants(a.c.consultant_id, b.c.consultant_id));
  // Consultants share their starts and ends: each instant is written once.
  const written = new Map<number, string>();
  const iso = (ms: number) => {
    let text = written.get(ms);
    if (text === undefined) {
      text = new Date(ms).toISOString();
      written.set(ms, text);
    }
    return text;
  };
  return open.map(({ c, left }) => ({ start: iso(c.start), end: iso(c.start + c.minutes * MINUTE), consultant_id: c.consultant_id, seats_left: left }));
}

const compareConsultants = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/** Whether a booking starting at another time overlaps [start, end); bookings last at most a day. */
function overlapsAnother(sorted: { start: number; end: number }[], start: number, end: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.start <= start - DAY) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length && sorted[i]!.start < end; i++) {
    const b = sorted[i]!;
    if (b.start !== start && b.end > start) return true;
  }
  return false;
}
