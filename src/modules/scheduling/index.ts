export { schedulingRoutes, type SchedulingRouteDeps } from './scheduling.routes.ts';
export { expireGuestHolds, schedulingJobs, sendDueNotices, type SchedulingJobDeps } from './scheduling.jobs.ts';
export { DEFAULT_GUEST_CHECKOUT, type GuestCheckoutLimits } from './guests.service.ts';
export type { Notification, Notify } from './notifications.ts';
export { computeAvailability, type AvailabilityRequest, type ClosedDate, type HeldSeats, type Slot, type WeeklyPattern } from './availability.ts';
export { getAvailability, loadProfile, slotsBetween } from './scheduling.service.ts';
export { changeAppointmentStatus, createAppointment, getAppointment } from './appointments.service.ts';
export { changeBookingStatus, createBooking, getBooking } from './bookings.service.ts';
export { dayName, monthName } from './local-time.ts';
