import { queueNotice } from './modules/conversations/index.ts';
import type { Notify } from './modules/scheduling/index.ts';

/**
 * Reminders and confirmations from scheduling go into the contact's inbox as queued
 * messages, in the same transaction that marks them sent; the channels deliver the queue.
 */
export const notify: Notify = async (ctx, n) => {
  await queueNotice(ctx, {
    contactId: n.contactId,
    body: n.body,
    metadata: { kind: n.kind, ...(n.appointmentId ? { appointment_id: n.appointmentId } : {}), ...(n.bookingId ? { booking_id: n.bookingId } : {}) },
  });
};
