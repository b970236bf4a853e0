import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { computeAvailability, type HeldSeats, type Slot } from './availability.ts';
import { localIso, nextDay, startOfLocalDay } from './local-time.ts';
import * as repo from './scheduling.repo.ts';
import { MAX_RANGE_DAYS, SchedulingSettings, type AvailabilityQuery } from './scheduling.schema.ts';

export const workspaceOf = workspaceIdOf;

export const forceNeedsAdmin = () =>
  new AppError('auth.forbidden', 'forbidden', 'only admins may book outside the offered slots (force)', { required: 'admin' });

export interface Profile {
  workspaceId: string;
  timeZone: string;
  locale: string;
  currency: string;
  country: string;
  settings: SchedulingSettings;
}

/** The workspace's zone, language, currency, country and scheduling settings. */
export async function loadProfile(ctx: Ctx): Promise<Profile> {
  workspaceOf(ctx);
  const row = await repo.schedulingProfile(ctx.tx);
  if (!row) throw new AppError('workspace.not_found', 'not_found', 'no such workspace');
  return {
    workspaceId: row.workspace_id,
    timeZone: row.time_zone,
    locale: row.locale,
    currency: row.currency,
    country: row.country,
    settings: SchedulingSettings.parse(typeof row.settings === 'object' && row.settings !== null ? row.settings : {}),
  };
}

/**
 * Database refusals as the scheduling API names them (anything else passes through, for the
 * edge to map). `slot` is the one being written, for the slot_taken details.
 */
export function schedulingError(e: unknown, slot?: { at: Date; consultantId: string | null }): unknown {
  if ((e as { code?: string }).code === 'P0002' && /no contact/.test((e as Error).message)) return contactNotFound();
  const err = fromDatabaseError(e);
  const constraint = err?.details?.constraint;
  switch (constraint) {
    case 'booking_slot_full':
    case 'booking_consultant_busy':
      return slotTaken(slot, constraint === 'booking_consultant_busy' ? 'the consultant has another booking at that time' : 'every seat of that slot is taken');
    case 'ari_appointments_consultant_member':
    case 'bookings_consultant_member':
    case 'consultant_slots_consultant_member':
    case 'closed_dates_consultant_member_fkey':
      return invalidField('consultant_id', 'is not a member of this workspace');
    case 'consultant_slots_pattern_key':
      return new AppError('consultant_slot.duplicate', 'conflict', 'a pattern for this consultant, day and start time already exists', { fields: ['consultant_id', 'day_of_week', 'start_time'] });
    case 'closed_dates_date_consultant_key':
      return new AppError('closed_date.duplicate', 'conflict', 'this date is already closed for this consultant (or for everyone)', { fields: ['date', 'consultant_id'] });
    case 'bookings_workspace_id_contact_id_fkey':
    case 'ari_conversations_workspace_id_contact_id_fkey':
      return contactNotFound();
    case 'bookings_workspace_id_guest_session_id_fkey':
      return new AppError('guest_session.not_found', 'not_found', 'no such guest session in this workspace');
    default:
      return err ?? e;
  }
}

const contactNotFound = () => new AppError('contact.not_found', 'not_found', 'no such contact in this workspace');

const slotTaken = (slot: { at: Date; consultantId: string | null } | undefined, why: string) =>
  new AppError('booking.slot_taken', 'conflict', `that slot is no longer available: ${why}`, {
    ...(slot ? { start: slot.at.toISOString(), consultant_id: slot.consultantId } : {}),
  });

// Availability -------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/** A query's from/to as instants: a date is the start of that local day; `to` as a date includes the day. */
export function resolveRange(from: string, to: string, timeZone: string): { from: Date; to: Date } {
  const isDate = (s: string) => s.length === 10;
  const start = isDate(from) ? startOfLocalDay(from, timeZone) : new Date(from);
  const end = isDate(to) ? startOfLocalDay(nextDay(to), timeZone) : new Date(to);
  if (end <= start) throw invalidField('to', 'must be after from');
  // An hour of slack: a range of whole local days may gain one at a daylight-saving change.
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY_MS + 3_600_000) throw invalidField('to', `at most ${MAX_RANGE_DAYS} days after from`);
  return { from: start, to: end };
}

/** Slots in [from, to); `consultantId` undefined for everyone's, null for the pool's. */
export async function slotsBetween(
  ctx: Ctx,
  profile: Profile,
  range: { from: Date; to: Date; consultantId?: string | null | undefined; includeFull?: boolean },
  release?: { consultantId: string | null; at: Date },
): Promise<Slot[]> {
  const inputs = await repo.availabilityInputs(ctx.tx, range.from, range.to, range.consultantId);
  return computeAvailability({
    timeZone: profile.timeZone,
    now: ctx.clock.now(),
    from: range.from,
    to: range.to,
    minNoticeMinutes: profile.settings.min_notice_minutes,
    ...inputs,
    held: release ? releaseSeat(inputs.held, release) : inputs.held,
    consultantId: range.consultantId,
    includeFull: range.includeFull ?? false,
  });
}

/** The held seats without the one a rescheduled booking gives up. */
function releaseSeat(held: HeldSeats[], seat: { consultantId: string | null; at: Date }): HeldSeats[] {
  return held
    .map((h) => (h.consultant_id === seat.consultantId && h.at.getTime() === seat.at.getTime() ? { ...h, taken: h.taken - 1 } : h))
    .filter((h) => h.taken > 0);
}

export async function getAvailability(ctx: Ctx, query: AvailabilityQuery) {
  const profile = await loadProfile(ctx);
  const range = resolveRange(query.from, query.to, profile.timeZone);
  const zone = query.tz ?? profile.timeZone;
  const slots = await slotsBetween(ctx, profile, { ...range, consultantId: query.consultant_id });
  // Consultants share their start times: each is written in the zone once (100 consultants'
  // month is about 18,000 slots over fewer than 200 starts, and a zone conversion is costly).
  const written = new Map<string, string>();
  const localStart = (start: string) => {
    let text = written.get(start);
    if (text === undefined) {
      text = localIso(new Date(start), zone);
      written.set(start, text);
    }
    return text;
  };
  return {
    time_zone: zone,
    data: slots.map((s) => ({ start: s.start, end: s.end, local_start: localStart(s.start), consultant_id: s.consultant_id, seats_left: s.seats_left })),
  };
}

/**
 * The slot a booking at `at` takes, checked like a new booking: it must be offered (409
 * booking.no_such_slot) and have a seat left (409 booking.slot_taken). With `force` (admins),
 * any time goes and the slot, if there is one, only gives its duration. The database's seat
 * guard has the last word either way.
 */
export async function takeSlot(
  ctx: Ctx,
  profile: Profile,
  want: { at: Date; consultantId: string | null; force: boolean },
  release?: { consultantId: string | null; at: Date },
): Promise<{ minutes: number | undefined }> {
  const slots = await slotsBetween(
    ctx,
    profile,
    { from: want.at, to: new Date(want.at.getTime() + 1), consultantId: want.consultantId, includeFull: true },
    release,
  );
  const slot = slots.find((s) => s.start === want.at.toISOString());
  const minutes = slot && (Date.parse(slot.end) - Date.parse(slot.start)) / 60_000;
  if (want.force) return { minutes };
  if (!slot) {
    throw new AppError(
      'booking.no_such_slot',
      'conflict',
      'no slot starts at that time: it is outside the weekly patterns, on a closed date, sooner than the minimum notice or beyond the booking window',
      { start: want.at.toISOString(), consultant_id: want.consultantId },
    );
  }
  if (slot.seats_left === 0) throw slotTaken({ at: want.at, consultantId: want.consultantId }, 'no seat is left');
  return { minutes };
}
