import { createMiddleware } from 'hono/factory';
import { assume, claimsFor, type Actor } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import { Rank, type AppEnv, type RouteDeps } from '../../platform/http/env.ts';
import { clientAddress, rateLimit } from '../../platform/http/rate-limit.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, UuidParam, z } from '../../platform/http/router.ts';
import * as appointments from './appointments.service.ts';
import * as bookings from './bookings.service.ts';
import * as calendar from './calendar.service.ts';
import * as guests from './guests.service.ts';
import type { BookingStatusListener, Notify } from './notifications.ts';
import {
  Appointment,
  AppointmentCreate,
  AppointmentPatch,
  AppointmentQuery,
  AppointmentStatusBody,
  Availability,
  AvailabilityQuery,
  Booking,
  BookingCreate,
  BookingPatch,
  BookingQuery,
  BookingStatusBody,
  ClosedDateCreate,
  ClosedDatePatch,
  ClosedDateQuery,
  ClosedDateSchema,
  ConsultantSlot,
  ConsultantSlotCreate,
  ConsultantSlotPatch,
  ConsultantSlotQuery,
  GuestBookingCreate,
  GuestConvert,
  GuestConverted,
  GuestSessionCreate,
  GuestSessionCreated,
  Reschedule,
} from './scheduling.schema.ts';
import { getAvailability } from './scheduling.service.ts';

const tags = ['scheduling'];
const IdParams = z.object({ id: UuidParam });
const GUEST_TOKEN = /^[0-9a-f]{64}$/;

/**
 * Puts the X-Guest-Token header in the transaction's claims, where seed 003's policies and
 * convert_guest_to_user look for it. Runs inside the tenant transaction, after it.
 */
const guestToken = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.req.header('x-guest-token');
  if (token !== undefined) {
    if (!GUEST_TOKEN.test(token)) throw new AppError('guest.invalid_token', 'unauthenticated', 'X-Guest-Token must be the 64 hex characters of a guest session token');
    const actor: Actor = c.var.actor.kind === 'anon' ? { ...c.var.actor, guestToken: token } : c.var.actor;
    const claims = { ...claimsFor(actor), guest_token: token };
    await assume(c.var.tx, claims.role, claims);
    c.set('actor', actor);
    c.set('ctx', { ...c.var.ctx, actor });
  }
  await next();
});

export interface SchedulingRouteDeps extends RouteDeps {
  /** Sends a booking's confirmation when it is confirmed; without it, the scheduling job sends it. */
  notify?: Notify;
  /** GUEST_HOLD_MINUTES and the caps on live guest holds; defaults in DEFAULT_GUEST_CHECKOUT. */
  guestCheckout?: Partial<guests.GuestCheckoutLimits> | undefined;
  /** Told of every booking status change in its transaction (payments captures or releases a hold); wired in src/http.ts. */
  onBookingStatus?: BookingStatusListener | undefined;
}

export function schedulingRoutes(deps: SchedulingRouteDeps) {
  const r = createRouter();
  const canForce = (rank: number | null) => ({ canForce: (rank ?? -1) >= Rank.admin });

  // Weekly patterns ---------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'post', path: '/consultant-slots', tags, summary: 'Add a weekly availability pattern (admin)',
      middleware: deps.inWorkspace(Rank.admin),
      request: { body: jsonBody(ConsultantSlotCreate) },
      responses: { 201: json(ConsultantSlot, 'created'), ...errorResponses },
    }),
    async (c) => c.json(await calendar.createPattern(c.var.ctx, c.req.valid('json')), 201),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/consultant-slots', tags, summary: 'Weekly availability patterns, newest first',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: ConsultantSlotQuery },
      responses: { 200: json(page(ConsultantSlot)), ...errorResponses },
    }),
    async (c) => c.json(await calendar.listPatterns(c.var.ctx, c.req.valid('query')), 200),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/consultant-slots/{id}', tags, summary: 'A weekly availability pattern',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: IdParams },
      responses: { 200: json(ConsultantSlot), ...errorResponses },
    }),
    async (c) => c.json(await calendar.getPattern(c.var.ctx, c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({
      method: 'patch', path: '/consultant-slots/{id}', tags, summary: 'Change a weekly availability pattern (admin)',
      description: 'Existing bookings stay where they are.',
      middleware: deps.inWorkspace(Rank.admin),
      request: { params: IdParams, body: jsonBody(ConsultantSlotPatch) },
      responses: { 200: json(ConsultantSlot), ...errorResponses },
    }),
    async (c) => c.json(await calendar.updatePattern(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );
  r.openapi(
    createRoute({
      method: 'delete', path: '/consultant-slots/{id}', tags, summary: 'Delete a weekly availability pattern (admin)',
      description: 'Existing bookings stay where they are.',
      middleware: deps.inWorkspace(Rank.admin),
      request: { params: IdParams },
      responses: { 204: { description: 'deleted' }, ...errorResponses },
    }),
    async (c) => {
      await calendar.deletePattern(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // Closed dates ------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'post', path: '/closed-dates', tags, summary: 'Close a date, for everyone or one consultant (admin)',
      middleware: deps.inWorkspace(Rank.admin),
      request: { body: jsonBody(ClosedDateCreate) },
      responses: { 201: json(ClosedDateSchema, 'created'), ...errorResponses },
    }),
    async (c) => c.json(await calendar.createClosedDate(c.var.ctx, c.req.valid('json')), 201),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/closed-dates', tags, summary: 'Closed dates, newest first',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: ClosedDateQuery },
      responses: { 200: json(page(ClosedDateSchema)), ...errorResponses },
    }),
    async (c) => c.json(await calendar.listClosedDates(c.var.ctx, c.req.valid('query')), 200),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/closed-dates/{id}', tags, summary: 'A closed date',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: IdParams },
      responses: { 200: json(ClosedDateSchema), ...errorResponses },
    }),
    async (c) => c.json(await calendar.getClosedDate(c.var.ctx, c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({
      method: 'patch', path: '/closed-dates/{id}', tags, summary: 'Change a closed date (admin)',
      middleware: deps.inWorkspace(Rank.admin),
      request: { params: IdParams, body: jsonBody(ClosedDatePatch) },
      responses: { 200: json(ClosedDateSchema), ...errorResponses },
    }),
    async (c) => c.json(await calendar.updateClosedDate(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );
  r.openapi(
    createRoute({
      method: 'delete', path: '/closed-dates/{id}', tags, summary: 'Reopen a closed date (admin)',
      middleware: deps.inWorkspace(Rank.admin),
      request: { params: IdParams },
      responses: { 204: { description: 'deleted' }, ...errorResponses },
    }),
    async (c) => {
      await calendar.deleteClosedDate(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // Availability ------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/availability', tags, summary: 'Bookable slots between two dates',
      description:
        'Slots from the active weekly patterns in the workspace time zone, within each pattern\'s booking window, after the minimum notice ' +
        '(settings.scheduling.min_notice_minutes, default 60), outside closed dates, with the seats that active appointments and bookings leave. ' +
        'Sorted by start, then consultant (the workspace-wide pool first).',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: AvailabilityQuery },
      responses: { 200: json(Availability), ...errorResponses },
    }),
    async (c) => c.json(await getAvailability(c.var.ctx, c.req.valid('query')), 200),
  );

  // Appointments ------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'post', path: '/appointments', tags, summary: 'Book a consultation into an offered slot',
      description: '409 booking.no_such_slot when no slot starts then; 409 booking.slot_taken when its seats are gone (also under concurrent requests).',
      middleware: deps.inWorkspace(Rank.member),
      request: { body: jsonBody(AppointmentCreate) },
      responses: { 201: json(Appointment, 'booked'), ...errorResponses },
    }),
    async (c) => c.json(await appointments.createAppointment(c.var.ctx, c.req.valid('json'), canForce(c.var.rank)), 201),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/appointments', tags, summary: 'Appointments, newest first',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: AppointmentQuery },
      responses: { 200: json(page(Appointment)), ...errorResponses },
    }),
    async (c) => c.json(await appointments.listAppointments(c.var.ctx, c.req.valid('query')), 200),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/appointments/{id}', tags, summary: 'An appointment',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: IdParams },
      responses: { 200: json(Appointment), ...errorResponses },
    }),
    async (c) => c.json(await appointments.getAppointment(c.var.ctx, c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({
      method: 'patch', path: '/appointments/{id}', tags, summary: "Change an appointment's notes, meeting link or length",
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(AppointmentPatch) },
      responses: { 200: json(Appointment), ...errorResponses },
    }),
    async (c) => c.json(await appointments.updateAppointment(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/appointments/{id}/status', tags, summary: 'Confirm, complete, cancel or mark a no-show',
      description: 'scheduled -> confirmed -> completed; scheduled or confirmed -> cancelled or no_show. Anything else: 409 appointment.invalid_transition.',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(AppointmentStatusBody) },
      responses: { 200: json(Appointment), ...errorResponses },
    }),
    async (c) => c.json(await appointments.changeAppointmentStatus(c.var.ctx, c.req.valid('param').id, c.req.valid('json').status), 200),
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/appointments/{id}/reschedule', tags, summary: 'Move an appointment to another offered slot',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(Reschedule) },
      responses: { 200: json(Appointment), ...errorResponses },
    }),
    async (c) => c.json(await appointments.rescheduleAppointment(c.var.ctx, c.req.valid('param').id, c.req.valid('json'), canForce(c.var.rank)), 200),
  );

  // Bookings ----------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'post', path: '/bookings', tags, summary: 'Book a service into an offered slot',
      description:
        "The customer's contact is found by phone (or made). appointment_date and appointment_time (seed 004) are the start in the workspace time zone. " +
        '409 booking.no_such_slot when no slot starts then; 409 booking.slot_taken when its seats are gone.',
      middleware: deps.inWorkspace(Rank.member),
      request: { body: jsonBody(BookingCreate) },
      responses: { 201: json(Booking, 'booked'), ...errorResponses },
    }),
    async (c) => c.json(await bookings.createBooking(c.var.ctx, c.req.valid('json'), { ...canForce(c.var.rank), notify: deps.notify }), 201),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/bookings', tags, summary: 'Bookings, newest first',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: BookingQuery },
      responses: { 200: json(page(Booking)), ...errorResponses },
    }),
    async (c) => c.json(await bookings.listBookings(c.var.ctx, c.req.valid('query')), 200),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/bookings/{id}', tags, summary: 'A booking',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: IdParams },
      responses: { 200: json(Booking), ...errorResponses },
    }),
    async (c) => c.json(await bookings.getBooking(c.var.ctx, c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({
      method: 'patch', path: '/bookings/{id}', tags, summary: "Change a booking's details",
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(BookingPatch) },
      responses: { 200: json(Booking), ...errorResponses },
    }),
    async (c) => c.json(await bookings.updateBooking(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/bookings/{id}/status', tags, summary: 'Confirm, complete, cancel or mark a no-show',
      description:
        'pending -> pending_payment, scheduled, confirmed or cancelled; pending_payment -> confirmed or cancelled; scheduled -> confirmed, cancelled or no-show; ' +
        'confirmed -> completed, cancelled or no-show. Anything else: 409 booking.invalid_transition. Confirming sends the confirmation once.',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(BookingStatusBody) },
      responses: { 200: json(Booking), ...errorResponses },
    }),
    async (c) => c.json(await bookings.changeBookingStatus(c.var.ctx, c.req.valid('param').id, c.req.valid('json').status, deps.notify, deps.onBookingStatus), 200),
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/bookings/{id}/reschedule', tags, summary: 'Move a booking to another offered slot',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(Reschedule) },
      responses: { 200: json(Booking), ...errorResponses },
    }),
    async (c) => c.json(await bookings.rescheduleBooking(c.var.ctx, c.req.valid('param').id, c.req.valid('json'), canForce(c.var.rank)), 200),
  );

  // Guest checkout (seed 003) -------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'post', path: '/guest-sessions', tags, summary: 'Start a guest checkout (no account needed)',
      description:
        'Name the workspace with X-Workspace-Id. The token, shown once, is the guest\'s credential for 24 hours: send it as X-Guest-Token. ' +
        'Only where the workspace has turned guest checkout on (settings.scheduling.guest_checkout); otherwise 403 guest_checkout.disabled.',
      middleware: [rateLimit({ bucket: 'guest-sessions', limit: 20, windowMs: 60_000 }), deps.anonymousPlace, ...deps.asCaller()] as const,
      request: { body: jsonBody(GuestSessionCreate) },
      responses: { 201: json(GuestSessionCreated, 'created'), ...errorResponses },
    }),
    async (c) => c.json(await guests.createGuestSession(c.var.ctx, c.req.valid('json')), 201),
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/guest/bookings', tags, summary: 'Book as a guest (X-Guest-Token)',
      description:
        'The booking waits for payment (pending_payment), comes from the web and holds its seat for GUEST_HOLD_MINUTES (hold_expires_at), after which it is cancelled (cancel_reason hold_expired). ' +
        "The service (service_id or service_type) sets the price, currency and duration; a different value sent is refused with 400. The guest session gives the name and email unless the body does. " +
        'A guest session, and a client address, may hold only so many unpaid bookings at once (429 guest.hold_limit). 403 guest_checkout.disabled where the workspace has not turned guest checkout on.',
      middleware: [deps.anonymousPlace, ...deps.asCaller(), guestToken] as const,
      request: { body: jsonBody(GuestBookingCreate) },
      responses: { 201: json(Booking, 'booked'), ...errorResponses },
    }),
    async (c) => {
      if (c.var.actor.kind !== 'anon' || !c.var.actor.guestToken) {
        throw new AppError('guest.token_required', 'unauthenticated', 'send the guest session token as X-Guest-Token (staff book with POST /bookings)');
      }
      return c.json(await guests.createGuestBooking(c.var.ctx, c.req.valid('json'), { clientAddress: clientAddress(c), limits: deps.guestCheckout }), 201);
    },
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/guest-sessions/convert', tags, summary: "Move a guest checkout's bookings to your account",
      description:
        "Signed in, with X-Workspace-Id. Prove the session is yours with its X-Guest-Token, or by having confirmed the email address the guest used.",
      middleware: [deps.signedIn, ...deps.asCaller(), guestToken] as const,
      request: { body: jsonBody(GuestConvert) },
      responses: { 200: json(GuestConverted), ...errorResponses },
    }),
    async (c) => c.json(await guests.convertGuest(c.var.ctx, c.req.valid('json').guest_session_id), 200),
  );

  return r;
}
