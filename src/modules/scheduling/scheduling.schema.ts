import { z } from '@hono/zod-openapi';
import { PageQuery } from '../../platform/http/router.ts';
import type { FieldIssue } from '../../platform/errors.ts';
import { timeZoneSchema } from '../tenancy/index.ts';

/** Bookings last at most a day: the seat guard looks back one day for overlaps. */
export const MAX_MINUTES = 24 * 60;
/** The longest range one availability request covers. */
export const MAX_RANGE_DAYS = 62;

export const APPOINTMENT_STATUSES = ['scheduled', 'confirmed', 'completed', 'cancelled', 'no_show'] as const;
export const BOOKING_STATUSES = ['pending', 'pending_payment', 'scheduled', 'confirmed', 'completed', 'cancelled', 'no-show'] as const;
export const BOOKING_SOURCES = ['voice', 'sms', 'manual', 'web', 'whatsapp'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

const Time = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, "a time like '09:30' (24-hour HH:MM)")
  .openapi({ example: '10:00' });
const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-03-02')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date')
  .openapi({ example: '2026-03-02' });
const Instant = z.iso
  .datetime({ offset: true })
  .openapi({ description: 'an instant with its offset (ISO 8601)', example: '2026-03-02T10:00:00+07:00' });
const Minutes = z.number().int().min(1).max(MAX_MINUTES);
const ConsultantId = z.uuid().openapi({ description: 'a member of the workspace; null: the workspace-wide pool' });
const Notes = z.string().max(10_000);
const Force = z.boolean().optional().openapi({ description: 'admins only: book even where no slot is offered (seats are still enforced)' });
const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

// Weekly patterns (consultant_slots) ------------------------------------------------------------

export const ConsultantSlot = z
  .object({
    id: z.uuid(),
    consultant_id: z.uuid().nullable(),
    day_of_week: z.number().int().openapi({ description: '0 = Sunday ... 6 = Saturday' }),
    start_time: z.string(),
    end_time: z.string(),
    duration_minutes: z.number().int(),
    booking_window_days: z.number().int(),
    max_bookings_per_slot: z.number().int(),
    is_active: z.boolean(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('ConsultantSlot');
export type ConsultantSlot = z.infer<typeof ConsultantSlot>;

const patternFields = {
  consultant_id: ConsultantId.nullable(),
  day_of_week: z.number().int().min(0).max(6).openapi({ description: '0 = Sunday ... 6 = Saturday' }),
  start_time: Time,
  end_time: Time,
  duration_minutes: Minutes,
  booking_window_days: z.number().int().min(1).max(365),
  max_bookings_per_slot: z.number().int().min(1).max(1000),
  is_active: z.boolean(),
};

/** The rules a whole pattern obeys, reported on the field that breaks them. */
export function patternIssues(p: { start_time: string; end_time: string; duration_minutes: number }): FieldIssue[] {
  if (toMinutes(p.end_time) <= toMinutes(p.start_time)) return [{ field: 'end_time', message: 'must be after start_time' }];
  if (toMinutes(p.start_time) + p.duration_minutes > toMinutes(p.end_time)) {
    return [{ field: 'duration_minutes', message: 'longer than the time between start_time and end_time: the pattern would offer no slot' }];
  }
  return [];
}

export const ConsultantSlotCreate = z
  .strictObject({
    ...patternFields,
    consultant_id: patternFields.consultant_id.default(null),
    duration_minutes: Minutes.default(60),
    booking_window_days: patternFields.booking_window_days.default(14),
    max_bookings_per_slot: patternFields.max_bookings_per_slot.default(1).openapi({ description: 'seats: how many may book the same slot' }),
    is_active: z.boolean().default(true),
  })
  .openapi('ConsultantSlotCreate', {
    description: 'Slots start at start_time and every duration_minutes after it while they end by end_time, on every day_of_week, in the workspace time zone.',
  });
export type ConsultantSlotCreate = z.infer<typeof ConsultantSlotCreate>;

export const ConsultantSlotPatch = z.strictObject(patternFields).partial().openapi('ConsultantSlotPatch');
export type ConsultantSlotPatch = z.infer<typeof ConsultantSlotPatch>;

export const ConsultantSlotQuery = PageQuery.extend({
  consultant_id: z.uuid().optional(),
  day_of_week: z.coerce.number().int().min(0).max(6).optional(),
});

// Closed dates -------------------------------------------------------------------------------

export const ClosedDateSchema = z
  .object({ id: z.uuid(), date: z.string(), consultant_id: z.uuid().nullable(), reason: z.string().nullable(), created_at: z.date(), updated_at: z.date() })
  .openapi('ClosedDate');
export type ClosedDateRow = z.infer<typeof ClosedDateSchema>;

const closedFields = { date: LocalDate, consultant_id: ConsultantId.nullable(), reason: z.string().trim().min(1).max(500).nullable() };
export const ClosedDateCreate = z
  .strictObject({ ...closedFields, consultant_id: closedFields.consultant_id.default(null), reason: closedFields.reason.default(null) })
  .openapi('ClosedDateCreate', { description: 'No slots on this local date: for everyone (consultant_id null) or one consultant.' });
export type ClosedDateCreate = z.infer<typeof ClosedDateCreate>;
export const ClosedDatePatch = z.strictObject(closedFields).partial().openapi('ClosedDatePatch');
export type ClosedDatePatch = z.infer<typeof ClosedDatePatch>;
export const ClosedDateQuery = PageQuery.extend({ from: LocalDate.optional(), to: LocalDate.optional(), consultant_id: z.uuid().optional() });

// Availability -------------------------------------------------------------------------------

const RangeBound = z.union([LocalDate, Instant]);
export const AvailabilityQuery = z.object({
  from: RangeBound.openapi({ description: 'a date (its start, in the workspace time zone) or an instant' }),
  to: RangeBound.openapi({ description: `a date (through its end, inclusive) or an instant (exclusive); at most ${MAX_RANGE_DAYS} days after from` }),
  consultant_id: z.uuid().optional().openapi({ description: "only this consultant's slots" }),
  tz: timeZoneSchema.optional().openapi({ description: 'the zone local_start is given in (default: the workspace time zone)', example: 'America/Toronto' }),
});
export type AvailabilityQuery = z.infer<typeof AvailabilityQuery>;

export const SlotSchema = z
  .object({
    start: z.string().openapi({ example: '2026-03-02T03:00:00.000Z' }),
    end: z.string(),
    local_start: z.string().openapi({ description: 'the start in the requested zone, with its offset', example: '2026-03-02T10:00:00+07:00' }),
    consultant_id: z.uuid().nullable(),
    seats_left: z.number().int(),
  })
  .openapi('Slot');
export const Availability = z.object({ time_zone: z.string(), data: z.array(SlotSchema) }).openapi('Availability');

// Appointments (seed 000's ari_appointments) -----------------------------------------------------

export const Appointment = z
  .object({
    id: z.uuid(),
    contact_id: z.uuid(),
    ari_conversation_id: z.uuid(),
    consultant_id: z.uuid().nullable(),
    payment_id: z.uuid().nullable(),
    scheduled_at: z.date(),
    duration_minutes: z.number().int(),
    meeting_link: z.string().nullable(),
    status: z.enum(APPOINTMENT_STATUSES),
    reminder_sent_at: z.date().nullable(),
    notes: z.string().nullable(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('Appointment');
export type Appointment = z.infer<typeof Appointment>;

const MeetingLink = z.url({ protocol: /^https?$/ }).max(2000);

export const AppointmentCreate = z
  .strictObject({
    contact_id: z.uuid(),
    start: Instant,
    consultant_id: ConsultantId.optional(),
    duration_minutes: Minutes.optional().openapi({ description: "default: the slot's duration" }),
    notes: Notes.optional(),
    meeting_link: MeetingLink.optional(),
    force: Force,
  })
  .openapi('AppointmentCreate');
export type AppointmentCreate = z.infer<typeof AppointmentCreate>;

export const AppointmentPatch = z
  .strictObject({ notes: Notes.nullable(), meeting_link: MeetingLink.nullable(), duration_minutes: Minutes })
  .partial()
  .openapi('AppointmentPatch', { description: 'the time moves with /reschedule and the status with /status' });
export type AppointmentPatch = z.infer<typeof AppointmentPatch>;

export const AppointmentQuery = PageQuery.extend({
  from: Instant.optional().openapi({ description: 'scheduled at or after' }),
  to: Instant.optional().openapi({ description: 'scheduled before' }),
  status: z.enum(APPOINTMENT_STATUSES).optional(),
  consultant_id: z.uuid().optional(),
  contact_id: z.uuid().optional(),
});
export type AppointmentQuery = z.infer<typeof AppointmentQuery>;

export const AppointmentStatusBody = z.strictObject({ status: z.enum(APPOINTMENT_STATUSES) }).openapi('AppointmentStatusChange');

export const Reschedule = z
  .strictObject({
    start: Instant,
    consultant_id: ConsultantId.optional().openapi({ description: 'move to another consultant as well' }),
    duration_minutes: Minutes.optional().openapi({ description: "default: the new slot's duration" }),
    force: Force,
  })
  .openapi('Reschedule');
export type Reschedule = z.infer<typeof Reschedule>;

// Bookings (seed 004, and seed 003's guest checkout) ---------------------------------------------

const Money = z
  .string()
  .regex(/^\d{1,8}(\.\d{1,2})?$/, 'a decimal amount like "32.00" (at most 8 digits before the point and 2 after)')
  .openapi({ example: '32.00' });
const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO currency code like "CAD"');
const Phone = z.string().trim().min(1).max(40).openapi({ description: "any common format; read in the workspace's country, stored as E.164", example: '+1 416 555 0101' });
/**
 * A phone refused at the edge when it cannot be one in any country: 7 to 15 digits with the
 * usual punctuation. Where no workspace profile can be read yet (a guest opening a session),
 * this is the check; the number is read in the workspace's country when it is used.
 */
const PhoneShape = Phone.refine((p) => /^\+?[0-9 ().\-/]+$/.test(p) && /^(?:\D*\d){7,15}\D*$/.test(p), {
  message: 'not a phone number; write it with its country code, like +1 416 555 0101',
});
const Email = z.string().trim().toLowerCase().pipe(z.email().max(254));

export const Booking = z
  .object({
    id: z.uuid(),
    contact_id: z.uuid().nullable(),
    consultant_id: z.uuid().nullable(),
    guest_session_id: z.uuid().nullable(),
    customer_id: z.uuid().nullable(),
    customer_name: z.string(),
    customer_phone: z.string(),
    customer_email: z.string().nullable(),
    service_type: z.string(),
    title: z.string().nullable(),
    scheduled_at: z.date().nullable(),
    duration_minutes: z.number().int().nullable(),
    appointment_date: z.string().openapi({ description: "seed 004: the local date, 'YYYY-MM-DD'" }),
    appointment_time: z.string().openapi({ description: "seed 004: the local time, 'hh:mm AM'" }),
    status: z.string().nullable(),
    source: z.string().nullable(),
    notes: z.string().nullable(),
    pickup_address: z.string().nullable(),
    number_of_loads: z.number().int().nullable(),
    payment_amount: z.string().nullable(),
    payment_currency: z.string().nullable(),
    payment_status: z.string().nullable(),
    reminder_sent: z.boolean().nullable(),
    confirmation_sent: z.boolean().nullable(),
    hold_expires_at: z.date().nullable().openapi({ description: "a guest's booking: when its unpaid hold lapses and the booking is cancelled" }),
    cancel_reason: z.string().nullable().openapi({ description: "why the system cancelled it: 'hold_expired'" }),
    created_at: z.date().nullable(),
    updated_at: z.date().nullable(),
  })
  .openapi('Booking');
export type Booking = z.infer<typeof Booking>;

const bookingDetails = {
  customer_email: Email.nullable(),
  service_type: z.string().trim().min(1).max(200),
  title: z.string().trim().min(1).max(200).nullable(),
  notes: Notes.nullable(),
  pickup_address: z.string().trim().min(1).max(1000).nullable(),
  number_of_loads: z.number().int().min(1).max(1000).nullable(),
  payment_amount: Money.nullable(),
  payment_currency: Currency,
  payment_status: z.enum(['pending', 'paid', 'failed']).nullable(),
};

export const BookingCreate = z
  .strictObject({
    customer_name: z.string().trim().min(1).max(200),
    customer_phone: Phone,
    ...bookingDetails,
    customer_email: bookingDetails.customer_email.optional(),
    title: bookingDetails.title.optional(),
    notes: bookingDetails.notes.optional(),
    pickup_address: bookingDetails.pickup_address.optional(),
    number_of_loads: bookingDetails.number_of_loads.optional(),
    payment_amount: bookingDetails.payment_amount.optional(),
    payment_currency: Currency.optional().openapi({ description: 'default: the workspace currency' }),
    payment_status: bookingDetails.payment_status.optional(),
    start: Instant,
    duration_minutes: Minutes.optional().openapi({ description: "default: the slot's duration" }),
    consultant_id: ConsultantId.optional(),
    source: z.enum(BOOKING_SOURCES).default('manual'),
    status: z.enum(['pending', 'pending_payment', 'scheduled', 'confirmed']).default('pending'),
    contact_id: z.uuid().optional().openapi({ description: 'default: the contact with this phone, created if there is none' }),
    guest_session_id: z.uuid().optional(),
    force: Force,
  })
  .openapi('BookingCreate');
export type BookingCreate = z.infer<typeof BookingCreate>;

export const BookingPatch = z
  .strictObject({ customer_name: z.string().trim().min(1).max(200), customer_phone: Phone, ...bookingDetails, duration_minutes: Minutes })
  .partial()
  .openapi('BookingPatch', { description: 'the time moves with /reschedule and the status with /status' });
export type BookingPatch = z.infer<typeof BookingPatch>;

export const BookingQuery = PageQuery.extend({
  from: Instant.optional().openapi({ description: 'scheduled at or after' }),
  to: Instant.optional().openapi({ description: 'scheduled before' }),
  status: z.enum(BOOKING_STATUSES).optional(),
  source: z.enum(BOOKING_SOURCES).optional(),
  consultant_id: z.uuid().optional(),
  contact_id: z.uuid().optional(),
  guest_session_id: z.uuid().optional(),
});
export type BookingQuery = z.infer<typeof BookingQuery>;

export const BookingStatusBody = z.strictObject({ status: z.enum(BOOKING_STATUSES) }).openapi('BookingStatusChange');

// Guest checkout (seed 003) ------------------------------------------------------------------------

export const GuestSessionCreate = z
  .strictObject({ email: Email, full_name: z.string().trim().min(1).max(200), phone: PhoneShape.optional() })
  .openapi('GuestSessionCreate');
export type GuestSessionCreate = z.infer<typeof GuestSessionCreate>;

export const GuestSessionCreated = z
  .object({
    id: z.uuid(),
    token: z.string().openapi({ description: 'send it back as X-Guest-Token; shown only here' }),
    expires_at: z.date(),
  })
  .openapi('GuestSessionCreated');

const SetByService = 'set by the service; a value that differs from it is refused (400)';

export const GuestBookingCreate = z
  .strictObject({
    start: Instant,
    service_id: z.uuid().optional().openapi({ description: 'one of the workspace\'s active services (or name it with service_type)' }),
    service_type: bookingDetails.service_type.optional().openapi({ description: 'the exact name of one of the workspace\'s active services' }),
    units: z.number().int().min(1).max(1000).optional().openapi({ description: "how many of the service's units (hours, loads); default: number_of_loads, else 1" }),
    consultant_id: ConsultantId.optional(),
    customer_name: z.string().trim().min(1).max(200).optional().openapi({ description: "default: the guest session's name" }),
    customer_email: Email.optional().openapi({ description: "default: the guest session's email, if it has one" }),
    customer_phone: Phone.optional().openapi({ description: "default: the guest session's phone" }),
    notes: Notes.optional(),
    pickup_address: bookingDetails.pickup_address.optional(),
    number_of_loads: bookingDetails.number_of_loads.optional(),
    duration_minutes: Minutes.optional().openapi({ description: SetByService }),
    payment_amount: Money.optional().openapi({ description: SetByService }),
    payment_currency: Currency.optional().openapi({ description: SetByService }),
  })
  .openapi('GuestBookingCreate', {
    description:
      'Booked as the guest of X-Guest-Token: pending payment, from the web, holding its seat for GUEST_HOLD_MINUTES. The price, currency and duration are the service\'s.',
  });
export type GuestBookingCreate = z.infer<typeof GuestBookingCreate>;

export const GuestConvert = z.strictObject({ guest_session_id: z.uuid() }).openapi('GuestConvert');
export const GuestConverted = z.object({ guest_session_id: z.uuid(), bookings_relinked: z.number().int() }).openapi('GuestConverted');

// Settings -----------------------------------------------------------------------------------------

/** workspaces.settings.scheduling, each value falling back to its default when absent or unusable. */
export const SchedulingSettings = z.object({
  min_notice_minutes: z.number().int().min(0).max(525_600).catch(60),
  reminder_minutes: z.number().int().min(1).max(10_080).catch(60),
  /** Anonymous guests may book (POST /guest-sessions, /guest/bookings); off unless an admin turns it on. */
  guest_checkout: z.boolean().catch(false),
  /** Where a booked consultation meets: an https URL in which {room} becomes a fresh room name (https://meet.jit.si/eagle-{room}); none when absent. */
  meeting_link_pattern: z
    .string()
    .max(300)
    .regex(/^https:\/\/[^\s{}]+$|^https:\/\/[^\s{}]*\{room\}[^\s{}]*$/)
    .nullable()
    .catch(null),
});
export type SchedulingSettings = z.infer<typeof SchedulingSettings>;
