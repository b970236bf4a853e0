import type { Ctx } from '../../platform/context.ts';
import { languageOf, spokenDateTime } from './local-time.ts';

/** A message for a contact, handed to whatever delivers it (the channels' outbox). */
export interface Notification {
  contactId: string;
  kind: 'reminder' | 'confirmation';
  body: string;
  appointmentId?: string;
  bookingId?: string;
}

/**
 * Delivers a notification inside the caller's transaction: if the transaction rolls back,
 * the notification must not have been sent (queue it, do not send it from here).
 */
export type Notify = (ctx: Ctx, notification: Notification) => Promise<void>;

/**
 * Told that a booking's status moved, inside the caller's transaction (payments captures a held
 * payment when the service is completed and releases it when the booking is cancelled). A
 * throw rolls the status change back. Scheduling does not import payments: src/http.ts wires it.
 */
export type BookingStatusListener = (ctx: Ctx, booking: { id: string; status: string | null }, from: string) => Promise<void>;

export interface MessagePlace {
  timeZone: string;
  locale: string;
  country: string;
}

export function appointmentReminder(place: MessagePlace, at: Date, meetingLink: string | null): string {
  const language = languageOf(place.locale);
  const when = spokenDateTime(at, place.timeZone, language, place.country);
  switch (language) {
    case 'id':
      return `Pengingat: konsultasi Anda dimulai ${when}. ${meetingLink ? `Link meeting: ${meetingLink}` : 'Konsultan kami akan menghubungi Anda.'}`;
    case 'es':
      return `Recordatorio: su consulta comienza el ${when}. ${meetingLink ? `Enlace de la reunión: ${meetingLink}` : 'Su asesor se pondrá en contacto con usted.'}`;
    case 'en':
      return `Reminder: your consultation starts on ${when}. ${meetingLink ? `Meeting link: ${meetingLink}` : 'Your consultant will contact you.'}`;
  }
}

export function bookingReminder(place: MessagePlace, at: Date, service: string): string {
  const language = languageOf(place.locale);
  const when = spokenDateTime(at, place.timeZone, language, place.country);
  switch (language) {
    case 'id':
      return `Pengingat: ${service} Anda dijadwalkan ${when}.`;
    case 'es':
      return `Recordatorio: su reserva de ${service} es el ${when}.`;
    case 'en':
      return `Reminder: your ${service} is booked for ${when}.`;
  }
}

export function bookingConfirmation(place: MessagePlace, at: Date, service: string): string {
  const language = languageOf(place.locale);
  const when = spokenDateTime(at, place.timeZone, language, place.country);
  switch (language) {
    case 'id':
      return `Pemesanan Anda terkonfirmasi: ${service}, ${when}.`;
    case 'es':
      return `Su reserva está confirmada: ${service}, el ${when}.`;
    case 'en':
      return `Your booking is confirmed: ${service}, ${when}.`;
  }
}
