import { sql, type Insertable, type Updateable } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { AriAppointments, Bookings, ClosedDates, ConsultantSlots, GuestSessions } from '../../platform/db/schema.ts';
import type { ClosedDate, HeldSeats, WeeklyPattern } from './availability.ts';
import type { Appointment, Booking, ClosedDateRow, ConsultantSlot } from './scheduling.schema.ts';

// Workspace profile and availability inputs (0011: callable by guests too) ------------------------

export interface SchedulingProfile {
  workspace_id: string;
  time_zone: string;
  locale: string;
  currency: string;
  country: string;
  settings: Record<string, unknown>;
}

export async function schedulingProfile(tx: Tx): Promise<SchedulingProfile | undefined> {
  const { rows } = await tx.query<SchedulingProfile>('select * from app.scheduling_profile()');
  return rows[0];
}

export interface AvailabilityInputs {
  patterns: WeeklyPattern[];
  closed: ClosedDate[];
  held: HeldSeats[];
}

/** Scope: undefined for everyone's, a consultant id, or null for the pool's. */
export async function availabilityInputs(tx: Tx, from: Date, to: Date, scope?: string | null): Promise<AvailabilityInputs> {
  const { rows } = await tx.query<{ inputs: { patterns: WeeklyPattern[]; closed: ClosedDate[]; held: [string | null, number, number, number][] } }>(
    'select app.availability_inputs($1, $2, $3, $4) as inputs',
    [from, to, scope !== undefined, scope ?? null],
  );
  const inputs = rows[0]!.inputs;
  return {
    patterns: inputs.patterns,
    closed: inputs.closed,
    held: inputs.held.map(([consultant_id, at, minutes, taken]) => ({ consultant_id, at: new Date(at), minutes, taken })),
  };
}

// Weekly patterns -----------------------------------------------------------------------------

const PATTERN_COLUMNS = [
  'id', 'consultant_id', 'day_of_week', 'start_time', 'end_time', 'duration_minutes', 'booking_window_days',
  'max_bookings_per_slot', 'is_active', 'created_at', 'updated_at',
] as const;

export async function insertPattern(tx: Tx, values: Insertable<ConsultantSlots>): Promise<ConsultantSlot> {
  return tx.db.insertInto('consultant_slots').values(values).returning(PATTERN_COLUMNS).executeTakeFirstOrThrow();
}

export async function findPattern(tx: Tx, ws: string, id: string): Promise<ConsultantSlot | undefined> {
  return tx.db.selectFrom('consultant_slots').select(PATTERN_COLUMNS).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export async function updatePattern(tx: Tx, ws: string, id: string, patch: Updateable<ConsultantSlots>): Promise<ConsultantSlot | undefined> {
  return tx.db.updateTable('consultant_slots').set(patch).where('workspace_id', '=', ws).where('id', '=', id).returning(PATTERN_COLUMNS).executeTakeFirst();
}

export async function deletePattern(tx: Tx, ws: string, id: string): Promise<boolean> {
  const res = await tx.db.deleteFrom('consultant_slots').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

export async function listPatterns(
  tx: Tx,
  ws: string,
  f: { consultantId?: string | undefined; dayOfWeek?: number | undefined; cursor?: string | undefined; limit: number },
): Promise<ConsultantSlot[]> {
  let q = tx.db.selectFrom('consultant_slots').select(PATTERN_COLUMNS).where('workspace_id', '=', ws);
  if (f.consultantId !== undefined) q = q.where('consultant_id', '=', f.consultantId);
  if (f.dayOfWeek !== undefined) q = q.where('day_of_week', '=', f.dayOfWeek);
  if (f.cursor !== undefined) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

// Closed dates --------------------------------------------------------------------------------

const CLOSED_COLUMNS = ['id', 'date', 'consultant_id', 'reason', 'created_at', 'updated_at'] as const;

export async function insertClosedDate(tx: Tx, values: Insertable<ClosedDates>): Promise<ClosedDateRow> {
  return tx.db.insertInto('closed_dates').values(values).returning(CLOSED_COLUMNS).executeTakeFirstOrThrow();
}

export async function findClosedDate(tx: Tx, ws: string, id: string): Promise<ClosedDateRow | undefined> {
  return tx.db.selectFrom('closed_dates').select(CLOSED_COLUMNS).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export async function updateClosedDate(tx: Tx, ws: string, id: string, patch: Updateable<ClosedDates>): Promise<ClosedDateRow | undefined> {
  return tx.db.updateTable('closed_dates').set(patch).where('workspace_id', '=', ws).where('id', '=', id).returning(CLOSED_COLUMNS).executeTakeFirst();
}

export async function deleteClosedDate(tx: Tx, ws: string, id: string): Promise<boolean> {
  const res = await tx.db.deleteFrom('closed_dates').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

export async function listClosedDates(
  tx: Tx,
  ws: string,
  f: { from?: string | undefined; to?: string | undefined; consultantId?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<ClosedDateRow[]> {
  let q = tx.db.selectFrom('closed_dates').select(CLOSED_COLUMNS).where('workspace_id', '=', ws);
  if (f.from !== undefined) q = q.where('date', '>=', f.from);
  if (f.to !== undefined) q = q.where('date', '<=', f.to);
  if (f.consultantId !== undefined) q = q.where('consultant_id', '=', f.consultantId);
  if (f.cursor !== undefined) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

// Appointments --------------------------------------------------------------------------------

/** The assistant's record of the contact, found or made (0011/0012); raises for an unknown contact. */
export async function ensureAriConversation(tx: Tx, contactId: string): Promise<string> {
  const { rows } = await tx.query<{ id: string }>('select app.ensure_ari_conversation($1) as id', [contactId]);
  return rows[0]!.id;
}

// The contact is the assistant record's (seed 000 reaches it that way); the join only reads it.
function appointments(tx: Tx, ws: string) {
  return tx.db
    .selectFrom('ari_appointments as a')
    .innerJoin('ari_conversations as c', (j) => j.onRef('c.workspace_id', '=', 'a.workspace_id').onRef('c.id', '=', 'a.ari_conversation_id'))
    .select([
      'a.id', 'c.contact_id', 'a.ari_conversation_id', 'a.consultant_id', 'a.payment_id', 'a.scheduled_at', 'a.duration_minutes',
      'a.meeting_link', 'a.status', 'a.reminder_sent_at', 'a.notes', 'a.created_at', 'a.updated_at',
    ])
    .where('a.workspace_id', '=', ws);
}

const toAppointment = (row: Omit<Appointment, 'status'> & { status: string }): Appointment => row as Appointment;

export async function insertAppointment(tx: Tx, values: Insertable<AriAppointments> & { id: string; workspace_id: string }): Promise<void> {
  await tx.db.insertInto('ari_appointments').values(values).execute();
}

export async function findAppointment(tx: Tx, ws: string, id: string, lock = false): Promise<Appointment | undefined> {
  let q = appointments(tx, ws).where('a.id', '=', id);
  if (lock) q = q.forUpdate('a');
  const row = await q.executeTakeFirst();
  return row && toAppointment(row);
}

export async function updateAppointment(tx: Tx, ws: string, id: string, patch: Updateable<AriAppointments>): Promise<boolean> {
  const res = await tx.db.updateTable('ari_appointments').set(patch).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

export interface ScheduleFilter {
  from?: Date | undefined;
  to?: Date | undefined;
  status?: string | undefined;
  consultantId?: string | undefined;
  contactId?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export async function listAppointments(tx: Tx, ws: string, f: ScheduleFilter): Promise<Appointment[]> {
  let q = appointments(tx, ws);
  if (f.from !== undefined) q = q.where('a.scheduled_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('a.scheduled_at', '<', f.to);
  if (f.status !== undefined) q = q.where('a.status', '=', f.status);
  if (f.consultantId !== undefined) q = q.where('a.consultant_id', '=', f.consultantId);
  if (f.contactId !== undefined) q = q.where('c.contact_id', '=', f.contactId);
  if (f.cursor !== undefined) q = q.where('a.id', '<', f.cursor);
  const rows = await q.orderBy('a.id', 'desc').limit(f.limit + 1).execute();
  return rows.map(toAppointment);
}

// Bookings ------------------------------------------------------------------------------------

const BOOKING_COLUMNS = [
  'id', 'contact_id', 'consultant_id', 'guest_session_id', 'customer_id', 'customer_name', 'customer_phone', 'customer_email',
  'service_type', 'title', 'scheduled_at', 'duration_minutes', 'appointment_date', 'appointment_time', 'status', 'source',
  'notes', 'pickup_address', 'number_of_loads', 'payment_amount', 'payment_currency', 'payment_status', 'reminder_sent',
  'confirmation_sent', 'hold_expires_at', 'cancel_reason', 'created_at', 'updated_at',
] as const;

/** The workspace's contact with this E.164 phone, made if there is none (0011). */
export async function ensureContactByPhone(
  tx: Tx,
  c: { id: string; phone: string; name: string; email: string | null; source: string },
): Promise<string> {
  const { rows } = await tx.query<{ id: string }>('select app.ensure_contact_by_phone($1, $2, $3, $4, $5) as id', [c.id, c.phone, c.name, c.email, c.source]);
  return rows[0]!.id;
}

export async function insertBooking(tx: Tx, values: Insertable<Bookings>): Promise<Booking> {
  return tx.db.insertInto('bookings').values(values).returning(BOOKING_COLUMNS).executeTakeFirstOrThrow();
}

export async function findBooking(tx: Tx, ws: string, id: string, lock = false): Promise<Booking | undefined> {
  let q = tx.db.selectFrom('bookings').select(BOOKING_COLUMNS).where('workspace_id', '=', ws).where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function updateBooking(tx: Tx, ws: string, id: string, patch: Updateable<Bookings>): Promise<Booking | undefined> {
  return tx.db.updateTable('bookings').set(patch).where('workspace_id', '=', ws).where('id', '=', id).returning(BOOKING_COLUMNS).executeTakeFirst();
}

export async function listBookings(tx: Tx, ws: string, f: ScheduleFilter & { source?: string | undefined; guestSessionId?: string | undefined }): Promise<Booking[]> {
  let q = tx.db.selectFrom('bookings').select(BOOKING_COLUMNS).where('workspace_id', '=', ws);
  if (f.from !== undefined) q = q.where('scheduled_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('scheduled_at', '<', f.to);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.source !== undefined) q = q.where('source', '=', f.source);
  if (f.consultantId !== undefined) q = q.where('consultant_id', '=', f.consultantId);
  if (f.contactId !== undefined) q = q.where('contact_id', '=', f.contactId);
  if (f.guestSessionId !== undefined) q = q.where('guest_session_id', '=', f.guestSessionId);
  if (f.cursor !== undefined) q = q.where('id', '<', f.cursor);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

// Guest checkout --------------------------------------------------------------------------------

export async function insertGuestSession(tx: Tx, values: Insertable<GuestSessions> & { id: string }): Promise<void> {
  // No RETURNING: a guest may read back only the session whose token is in their claims.
  await tx.db.insertInto('guest_sessions').values(values).execute();
}

/**
 * The session of a guest token, as the anon actor holding it may read it: seed 003's policy
 * shows a guest only the session whose token they hold, in the claimed workspace.
 */
export async function findGuestSessionByToken(tx: Tx, ws: string, token: string) {
  // workspace_id too: on Citus the statement then goes to the workspace's one shard.
  return tx.db.selectFrom('guest_sessions').select(['id', 'expires_at', 'metadata']).where('workspace_id', '=', ws).where('session_token', '=', token).executeTakeFirst();
}

/** The live session of the guest token in the caller's claims (0011), as the guest may read it. */
export async function currentGuestSession(tx: Tx, ws: string) {
  return tx.db
    .selectFrom('guest_sessions')
    .select(['id', 'email', 'full_name', 'phone', 'expires_at'])
    .where('workspace_id', '=', ws)
    .where('id', '=', sql<string>`app.current_guest_session_id()`)
    .executeTakeFirst();
}

/** Whether the claimed workspace takes guest checkout (0022; guests cannot read workspaces); undefined: no such workspace. */
export async function guestCheckoutEnabled(tx: Tx): Promise<boolean | undefined> {
  const { rows } = await tx.query<{ on: boolean | null }>('select app.guest_checkout_enabled() as on');
  return rows[0]?.on ?? undefined;
}

/**
 * The live holds of the caller's guest session and of the client digest (0022), counted under
 * transaction locks on both, so that the insert that follows is decided against this count.
 */
export async function guestHoldCounts(tx: Tx, client: string, now: Date): Promise<{ session_holds: number; client_holds: number }> {
  const { rows } = await tx.query<{ session_holds: number; client_holds: number }>('select * from app.guest_hold_counts($1, $2)', [client, now]);
  return rows[0] ?? { session_holds: 0, client_holds: 0 };
}

export interface LapsedHold {
  id: string;
  workspace_id: string;
  scheduled_at: Date | null;
  guest_session_id: string | null;
}

/**
 * Cancels every guest hold that lapsed by `now` and is still unpaid, recording why; a
 * cancelled booking holds no seat (app.holds_seat). Service role: spans workspaces. A payment
 * that succeeds at the same moment either commits first (the booking is confirmed, so not
 * pending_payment here) or finds the booking cancelled, and staff see it paid and cancelled.
 */
export async function cancelLapsedGuestHolds(tx: Tx, now: Date): Promise<LapsedHold[]> {
  const { rows } = await tx.query<LapsedHold>(
    `update public.bookings
        set status = 'cancelled', cancel_reason = 'hold_expired'
      where status = 'pending_payment' and hold_expires_at is not null and hold_expires_at <= $1
      returning id, workspace_id, scheduled_at, guest_session_id`,
    [now],
  );
  return rows;
}

export async function convertGuestSession(tx: Tx, guestSessionId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>('select app.convert_guest_session($1) as n', [guestSessionId]);
  return rows[0]!.n;
}

// Reminders and confirmations -------------------------------------------------------------------

/**
 * Workspaces with a reminder or a confirmation due at `now` (service role: spans tenants). The
 * lead time is read as SchedulingSettings reads it: a whole number of minutes, else 60.
 */
export async function workspacesWithDueNotices(tx: Tx, now: Date): Promise<string[]> {
  const { rows } = await tx.query<{ workspace_id: string }>(
    `with lead as (
       select w.id, make_interval(mins => case
                when jsonb_typeof(w.settings -> 'scheduling' -> 'reminder_minutes') = 'number'
                 and (w.settings -> 'scheduling' ->> 'reminder_minutes')::numeric between 1 and 10080
                 and (w.settings -> 'scheduling' ->> 'reminder_minutes')::numeric % 1 = 0
                then (w.settings -> 'scheduling' ->> 'reminder_minutes')::int else 60 end) as lead
         from public.workspaces w)
     select a.workspace_id from public.ari_appointments a join lead on lead.id = a.workspace_id
      where a.reminder_sent_at is null and a.status in ('scheduled', 'confirmed')
        and a.scheduled_at > $1 and a.scheduled_at <= $1 + lead.lead
     union
     select b.workspace_id from public.bookings b join lead on lead.id = b.workspace_id
      where b.reminder_sent is not true and b.status in ('pending', 'scheduled', 'confirmed') and b.contact_id is not null
        and b.scheduled_at > $1 and b.scheduled_at <= $1 + lead.lead
     union
     select b.workspace_id from public.bookings b
      where b.confirmation_sent is not true and b.status = 'confirmed' and b.contact_id is not null and b.scheduled_at > $1`,
    [now],
  );
  return rows.map((r) => r.workspace_id);
}

export interface DueAppointment {
  id: string;
  contact_id: string;
  scheduled_at: Date;
  meeting_link: string | null;
}

/**
 * Marks the appointments starting in (now, now + lead] that had no reminder as reminded and
 * returns them. A concurrent run waits on the same rows and then finds them marked.
 */
export async function claimAppointmentReminders(tx: Tx, ws: string, now: Date, leadMinutes: number): Promise<DueAppointment[]> {
  const { rows } = await tx.query<DueAppointment>(
    `update public.ari_appointments a set reminder_sent_at = $2
       from public.ari_conversations c
      where a.workspace_id = $1 and c.workspace_id = a.workspace_id and c.id = a.ari_conversation_id
        and a.reminder_sent_at is null and a.status in ('scheduled', 'confirmed')
        and a.scheduled_at > $2 and a.scheduled_at <= $2 + make_interval(mins => $3)
     returning a.id, c.contact_id, a.scheduled_at, a.meeting_link`,
    [ws, now, leadMinutes],
  );
  return rows;
}

export interface DueBooking {
  id: string;
  contact_id: string;
  scheduled_at: Date;
  service_type: string;
}

export async function claimBookingReminders(tx: Tx, ws: string, now: Date, leadMinutes: number): Promise<DueBooking[]> {
  const { rows } = await tx.query<DueBooking>(
    `update public.bookings set reminder_sent = true
      where workspace_id = $1 and reminder_sent is not true and status in ('pending', 'scheduled', 'confirmed')
        and contact_id is not null and scheduled_at > $2 and scheduled_at <= $2 + make_interval(mins => $3)
     returning id, contact_id, scheduled_at, service_type`,
    [ws, now, leadMinutes],
  );
  return rows;
}

/** Confirmed future bookings whose confirmation has not gone out; `id` narrows it to one. */
export async function claimBookingConfirmations(tx: Tx, ws: string, now: Date, id?: string): Promise<DueBooking[]> {
  const { rows } = await tx.query<DueBooking>(
    `update public.bookings set confirmation_sent = true
      where workspace_id = $1 and confirmation_sent is not true and status = 'confirmed'
        and contact_id is not null and scheduled_at > $2 and ($3::uuid is null or id = $3)
     returning id, contact_id, scheduled_at, service_type`,
    [ws, now, id ?? null],
  );
  return rows;
}
