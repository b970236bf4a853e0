import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { computeAvailability, minuteOfDay, type AvailabilityRequest, type HeldSeats, type WeeklyPattern } from './availability.ts';

// Weekdays: 0 Sunday ... 6 Saturday. 2025-03-03 is a Monday. America/Toronto springs forward
// on Sunday 2025-03-09 at 02:00 (EST -05:00 -> EDT -04:00) and falls back on Sunday
// 2025-11-02 at 02:00 (EDT -> EST). Asia/Jakarta is +07:00 and America/Bogota -05:00, all year.

const pattern = (over: Partial<WeeklyPattern> = {}): WeeklyPattern => ({
  id: 'p',
  consultant_id: null,
  day_of_week: 1,
  start_time: '10:00',
  end_time: '12:00',
  duration_minutes: 60,
  booking_window_days: 365,
  max_bookings_per_slot: 1,
  ...over,
});

const held = (consultant_id: string | null, at: string, minutes = 60, taken = 1): HeldSeats => ({ consultant_id, at: new Date(at), minutes, taken });

const slots = (over: Partial<AvailabilityRequest>) =>
  computeAvailability({
    timeZone: 'Asia/Jakarta',
    now: new Date('2025-03-01T00:00:00Z'),
    // Monday 2025-03-03, the whole local day in Jakarta.
    from: new Date('2025-03-02T17:00:00Z'),
    to: new Date('2025-03-03T17:00:00Z'),
    minNoticeMinutes: 0,
    patterns: [],
    closed: [],
    held: [],
    ...over,
  });

const starts = (list: { start: string }[]) => list.map((s) => s.start);
const keys = (list: { start: string; consultant_id: string | null }[]) => list.map((s) => `${s.start} ${s.consultant_id ?? 'pool'}`);

describe('slots from weekly patterns', () => {
  it('fills a pattern with back-to-back slots of its duration, in the workspace zone', () => {
    expect(slots({ patterns: [pattern()] })).toEqual([
      { start: '2025-03-03T03:00:00.000Z', end: '2025-03-03T04:00:00.000Z', consultant_id: null, seats_left: 1 },
      { start: '2025-03-03T04:00:00.000Z', end: '2025-03-03T05:00:00.000Z', consultant_id: null, seats_left: 1 },
    ]);
  });

  it('offers only slots that end by the end time', () => {
    expect(starts(slots({ patterns: [pattern({ start_time: '09:00', end_time: '10:30' })] }))).toEqual(['2025-03-03T02:00:00.000Z']);
    expect(starts(slots({ patterns: [pattern({ start_time: '09:00', end_time: '10:30', duration_minutes: 30 })] }))).toEqual([
      '2025-03-03T02:00:00.000Z',
      '2025-03-03T02:30:00.000Z',
      '2025-03-03T03:00:00.000Z',
    ]);
  });

  it('reads day_of_week with Sunday as 0, over a week', () => {
    const week = { from: new Date('2025-03-01T17:00:00Z'), to: new Date('2025-03-08T17:00:00Z') }; // Sun 2 .. Sat 8 March, Jakarta
    const patterns = [0, 1, 3, 6].map((d) => pattern({ id: `d${d}`, day_of_week: d, start_time: '09:00', end_time: '10:00' }));
    expect(starts(slots({ ...week, patterns }))).toEqual([
      '2025-03-02T02:00:00.000Z',
      '2025-03-03T02:00:00.000Z',
      '2025-03-05T02:00:00.000Z',
      '2025-03-08T02:00:00.000Z',
    ]);
  });

  it('keeps to [from, to): a slot starting at `to` is outside', () => {
    const out = slots({ patterns: [pattern({ end_time: '13:00' })], from: new Date('2025-03-03T03:30:00Z'), to: new Date('2025-03-03T05:00:00Z') });
    expect(starts(out)).toEqual(['2025-03-03T04:00:00.000Z']);
    expect(slots({ patterns: [pattern()], to: new Date('2025-03-02T17:00:00Z') })).toEqual([]);
  });

  it('reads America/Bogota at -05:00', () => {
    const out = slots({
      timeZone: 'America/Bogota',
      patterns: [pattern({ day_of_week: 2, start_time: '09:00', end_time: '11:00' })],
      from: new Date('2025-03-04T05:00:00Z'), // Tuesday 4 March, Bogota
      to: new Date('2025-03-05T05:00:00Z'),
    });
    expect(out).toEqual([
      { start: '2025-03-04T14:00:00.000Z', end: '2025-03-04T15:00:00.000Z', consultant_id: null, seats_left: 1 },
      { start: '2025-03-04T15:00:00.000Z', end: '2025-03-04T16:00:00.000Z', consultant_id: null, seats_left: 1 },
    ]);
  });
});

describe('booking window and minimum notice', () => {
  const daily = [0, 1, 2, 3, 4, 5, 6].map((d) => pattern({ id: `d${d}`, day_of_week: d, start_time: '09:00', end_time: '10:00', booking_window_days: 2 }));
  const fortnight = { from: new Date('2025-03-01T17:00:00Z'), to: new Date('2025-03-15T17:00:00Z') };

  it('offers days up to booking_window_days after today, counted in local dates from now', () => {
    // Now: Sunday 2 March, 12:00 in Jakarta; today's 09:00 has passed.
    const out = slots({ ...fortnight, now: new Date('2025-03-02T05:00:00Z'), patterns: daily });
    expect(starts(out)).toEqual(['2025-03-03T02:00:00.000Z', '2025-03-04T02:00:00.000Z']);
  });

  it('starts no slot sooner than the minimum notice', () => {
    const now = new Date('2025-03-03T02:30:00Z'); // Monday 09:30 in Jakarta
    const patterns = [pattern({ end_time: '13:00' })];
    expect(starts(slots({ now, patterns, minNoticeMinutes: 0 }))).toEqual(['2025-03-03T03:00:00.000Z', '2025-03-03T04:00:00.000Z', '2025-03-03T05:00:00.000Z']);
    expect(starts(slots({ now, patterns, minNoticeMinutes: 30 }))).toEqual(['2025-03-03T03:00:00.000Z', '2025-03-03T04:00:00.000Z', '2025-03-03T05:00:00.000Z']);
    expect(starts(slots({ now, patterns, minNoticeMinutes: 60 }))).toEqual(['2025-03-03T04:00:00.000Z', '2025-03-03T05:00:00.000Z']);
    expect(starts(slots({ now, patterns, minNoticeMinutes: 24 * 60 }))).toEqual([]);
  });
});

describe('closed dates', () => {
  const patterns = [pattern({ id: 'pool', end_time: '11:00' }), pattern({ id: 'a', consultant_id: 'a', end_time: '11:00' }), pattern({ id: 'b', consultant_id: 'b', end_time: '11:00' })];

  it("closes one consultant's day, or everyone's", () => {
    expect(keys(slots({ patterns, closed: [{ date: '2025-03-03', consultant_id: 'a' }] }))).toEqual(['2025-03-03T03:00:00.000Z pool', '2025-03-03T03:00:00.000Z b']);
    expect(slots({ patterns, closed: [{ date: '2025-03-03', consultant_id: null }] })).toEqual([]);
    expect(slots({ patterns, closed: [{ date: '2025-03-04', consultant_id: null }] })).toHaveLength(3);
  });
});

describe('seats', () => {
  it('leaves what the active bookings at that consultant and start do not hold', () => {
    const patterns = [pattern({ end_time: '11:00', max_bookings_per_slot: 3 })];
    const at = '2025-03-03T03:00:00Z';
    expect(slots({ patterns, held: [held(null, at, 60, 2)] })).toEqual([
      { start: '2025-03-03T03:00:00.000Z', end: '2025-03-03T04:00:00.000Z', consultant_id: null, seats_left: 1 },
    ]);
    expect(slots({ patterns, held: [held(null, at, 60, 3)] })).toEqual([]);
    expect(slots({ patterns, held: [held(null, at, 60, 4)], includeFull: true })).toEqual([
      { start: '2025-03-03T03:00:00.000Z', end: '2025-03-03T04:00:00.000Z', consultant_id: null, seats_left: 0 },
    ]);
    // Another consultant's bookings, or the pool's, hold none of these seats.
    expect(slots({ patterns, held: [held('a', at, 60, 3)] })[0]!.seats_left).toBe(3);
  });

  it('takes the most seats when two patterns offer the same start', () => {
    const patterns = [pattern({ id: 'x', consultant_id: 'a' }), pattern({ id: 'y', consultant_id: 'a', start_time: '11:00', max_bookings_per_slot: 4 })];
    expect(slots({ patterns, held: [held('a', '2025-03-03T04:00:00Z')] }).map((s) => [s.start, s.seats_left])).toEqual([
      ['2025-03-03T03:00:00.000Z', 1],
      ['2025-03-03T04:00:00.000Z', 3],
    ]);
  });

  it("does not offer a consultant's slot that another of their bookings overlaps", () => {
    const patterns = [pattern({ consultant_id: 'a', end_time: '13:00' }), pattern({ id: 'b', consultant_id: 'b', end_time: '13:00' })];
    // A forced booking of a at 10:30-11:30 local overlaps a's 10:00 and 11:00.
    expect(keys(slots({ patterns, held: [held('a', '2025-03-03T03:30:00Z')], consultantId: 'a' }))).toEqual(['2025-03-03T05:00:00.000Z a']);
    // One ending exactly when a slot starts does not.
    expect(keys(slots({ patterns, held: [held('a', '2025-03-03T04:00:00Z')], consultantId: 'a' }))).toEqual(['2025-03-03T03:00:00.000Z a', '2025-03-03T05:00:00.000Z a']);
    expect(slots({ patterns, held: [held('a', '2025-03-03T03:30:00Z'), held(null, '2025-03-03T03:30:00Z')], consultantId: 'b' })).toHaveLength(3);
  });

  it('filters by consultant and sorts by start, then consultant with the pool first', () => {
    const patterns = [pattern({ id: '1', consultant_id: 'b', end_time: '11:00' }), pattern({ id: '2', end_time: '11:00' }), pattern({ id: '3', consultant_id: 'a' })];
    expect(keys(slots({ patterns }))).toEqual([
      '2025-03-03T03:00:00.000Z pool',
      '2025-03-03T03:00:00.000Z a',
      '2025-03-03T03:00:00.000Z b',
      '2025-03-03T04:00:00.000Z a',
    ]);
    expect(keys(slots({ patterns, consultantId: null }))).toEqual(['2025-03-03T03:00:00.000Z pool']);
    expect(keys(slots({ patterns, consultantId: 'a' }))).toEqual(['2025-03-03T03:00:00.000Z a', '2025-03-03T04:00:00.000Z a']);
  });
});

describe('daylight saving time (America/Toronto)', () => {
  const toronto = { timeZone: 'America/Toronto', now: new Date('2025-03-01T00:00:00Z') };

  it('skips a time that does not exist on the spring-forward day', () => {
    const out = slots({
      ...toronto,
      from: new Date('2025-03-08T05:00:00Z'), // Saturday 8 March 00:00 EST
      to: new Date('2025-03-11T04:00:00Z'), // Tuesday 11 March 00:00 EDT
      patterns: [
        pattern({ id: 'sat', day_of_week: 6, end_time: '11:00' }),
        pattern({ id: 'mon', day_of_week: 1, end_time: '11:00' }),
        pattern({ id: 'night', day_of_week: 0, start_time: '01:00', end_time: '04:00' }),
        pattern({ id: 'gap', day_of_week: 0, start_time: '02:30', end_time: '03:30' }),
      ],
    });
    expect(out).toEqual([
      { start: '2025-03-08T15:00:00.000Z', end: '2025-03-08T16:00:00.000Z', consultant_id: null, seats_left: 1 }, // 10:00 EST
      { start: '2025-03-09T06:00:00.000Z', end: '2025-03-09T07:00:00.000Z', consultant_id: null, seats_left: 1 }, // 01:00 EST
      // 02:00 and 02:30 do not happen that night.
      { start: '2025-03-09T07:00:00.000Z', end: '2025-03-09T08:00:00.000Z', consultant_id: null, seats_left: 1 }, // 03:00 EDT
      { start: '2025-03-10T14:00:00.000Z', end: '2025-03-10T15:00:00.000Z', consultant_id: null, seats_left: 1 }, // 10:00 EDT
    ]);
  });

  it('gives the first of a time that happens twice on the fall-back day', () => {
    const out = slots({
      ...toronto,
      now: new Date('2025-10-01T00:00:00Z'),
      from: new Date('2025-11-01T04:00:00Z'), // Saturday 1 November 00:00 EDT
      to: new Date('2025-11-04T05:00:00Z'), // Tuesday 4 November 00:00 EST
      patterns: [
        pattern({ id: 'sat', day_of_week: 6, end_time: '11:00' }),
        pattern({ id: 'mon', day_of_week: 1, end_time: '11:00' }),
        pattern({ id: 'night', day_of_week: 0, start_time: '00:30', end_time: '02:30' }),
        pattern({ id: 'x', consultant_id: 'x', day_of_week: 0, start_time: '01:00', end_time: '03:00' }),
      ],
    });
    expect(out).toEqual([
      { start: '2025-11-01T14:00:00.000Z', end: '2025-11-01T15:00:00.000Z', consultant_id: null, seats_left: 1 }, // 10:00 EDT
      { start: '2025-11-02T04:30:00.000Z', end: '2025-11-02T05:30:00.000Z', consultant_id: null, seats_left: 1 }, // 00:30 EDT
      { start: '2025-11-02T05:00:00.000Z', end: '2025-11-02T06:00:00.000Z', consultant_id: 'x', seats_left: 1 }, // 01:00 EDT
      { start: '2025-11-02T05:30:00.000Z', end: '2025-11-02T06:30:00.000Z', consultant_id: null, seats_left: 1 }, // the first 01:30 (EDT)
      { start: '2025-11-02T07:00:00.000Z', end: '2025-11-02T08:00:00.000Z', consultant_id: 'x', seats_left: 1 }, // 02:00 EST
      { start: '2025-11-03T15:00:00.000Z', end: '2025-11-03T16:00:00.000Z', consultant_id: null, seats_left: 1 }, // 10:00 EST
    ]);
  });

  it('applies the minimum notice in real minutes across the change', () => {
    // Saturday 23:30 EST with 3 hours' notice: nothing before 03:30 EDT (07:30Z), an hour less on the clock.
    const out = slots({
      ...toronto,
      now: new Date('2025-03-09T04:30:00Z'),
      minNoticeMinutes: 180,
      from: new Date('2025-03-09T05:00:00Z'),
      to: new Date('2025-03-10T04:00:00Z'),
      patterns: [pattern({ day_of_week: 0, start_time: '01:00', end_time: '05:00' })],
    });
    expect(starts(out)).toEqual(['2025-03-09T08:00:00.000Z']);
  });

  it('counts the booking window in local days across the change', () => {
    const out = slots({
      ...toronto,
      now: new Date('2025-03-08T17:00:00Z'), // Saturday 12:00 EST
      from: new Date('2025-03-08T05:00:00Z'),
      to: new Date('2025-03-12T04:00:00Z'),
      patterns: [0, 1, 6].map((d) => pattern({ id: `d${d}`, day_of_week: d, end_time: '11:00', booking_window_days: 1 })),
    });
    expect(starts(out)).toEqual(['2025-03-09T14:00:00.000Z']);
  });
});

describe('invariants', () => {
  const zones = ['America/Toronto', 'Asia/Jakarta', 'America/Bogota', 'Europe/London', 'Australia/Lord_Howe'];
  const time = fc.integer({ min: 0, max: 23 * 60 + 59 }).map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  const arbPattern = fc
    .record({
      consultant_id: fc.constantFrom(null, 'a', 'b'),
      day_of_week: fc.integer({ min: 0, max: 6 }),
      start: time,
      end: time,
      duration_minutes: fc.constantFrom(30, 45, 60, 90),
      booking_window_days: fc.integer({ min: 1, max: 40 }),
      max_bookings_per_slot: fc.integer({ min: 1, max: 3 }),
    })
    .filter((p) => p.end > p.start)
    .map(({ start, end, ...p }): WeeklyPattern => ({ ...p, id: `${p.consultant_id}-${p.day_of_week}-${start}`, start_time: start, end_time: end }));

  it('offers each consultant and start once, sorted, inside the range, on a pattern time of that local weekday', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.array(arbPattern, { maxLength: 6 }),
        fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2025-12-31T00:00:00Z') }),
        fc.integer({ min: 0, max: 600 }),
        (timeZone, patterns, nowMs, notice) => {
          const now = new Date(nowMs);
          const from = new Date(nowMs - 86_400_000);
          const to = new Date(nowMs + 20 * 86_400_000);
          const out = computeAvailability({ timeZone, now, from, to, minNoticeMinutes: notice, patterns, closed: [], held: [] });
          const seen = new Set<string>();
          let previous = -Infinity;
          for (const s of out) {
            const at = Date.parse(s.start);
            expect(at).toBeGreaterThanOrEqual(Math.max(from.getTime(), nowMs + notice * 60_000));
            expect(at).toBeLessThan(to.getTime());
            expect(at).toBeGreaterThanOrEqual(previous);
            previous = at;
            expect(seen.has(`${s.consultant_id}|${at}`)).toBe(false);
            seen.add(`${s.consultant_id}|${at}`);
            const local = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(timeZone);
            const minute = local.hour * 60 + local.minute;
            const offering = patterns.filter(
              (p) =>
                p.consultant_id === s.consultant_id &&
                p.day_of_week === local.dayOfWeek % 7 &&
                minute >= minuteOfDay(p.start_time) &&
                minute + p.duration_minutes <= minuteOfDay(p.end_time) &&
                (minute - minuteOfDay(p.start_time)) % p.duration_minutes === 0,
            );
            expect(offering.length).toBeGreaterThan(0);
            expect(s.seats_left).toBe(Math.max(...offering.map((p) => p.max_bookings_per_slot)));
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
