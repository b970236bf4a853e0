import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { Ctx } from '../../platform/context.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { createJobs } from '../../platform/jobs/queue.ts';
import { silentLogger } from '../../platform/log.ts';
import { changeBookingStatus } from './bookings.service.ts';
import type { Notification } from './notifications.ts';
import { book, contact, expectCall, pattern, workspace, type App, type Body, type Who } from '../../../test/support/scheduling.ts';
import { schedulingJobs, sendDueNotices } from './scheduling.jobs.ts';

// Bookings are made on Monday 2 March 2026; the reminders go out a week later, on Monday 9
// March, the day after Toronto moved to EDT (-04:00): 10:00 EDT is 14:00Z.
const BOOKED_AT = '2026-03-02T12:00:00Z';

interface Sent extends Notification {
  workspaceId: string;
}

describeEachDatabase('reminders and confirmations', (db) => {
  const clock = fixedClock(BOOKED_AT);
  const sent: Sent[] = [];
  let failNext = false;
  const notify = async (ctx: Ctx, n: Notification) => {
    if (failNext) {
      failNext = false;
      throw new Error('the channel is down');
    }
    sent.push({ ...n, workspaceId: (ctx.actor as { workspaceId: string }).workspaceId });
  };
  const deps = () => ({ db: db(), log: silentLogger(), clock, notify });
  // The API queues a confirmation as soon as a booking is confirmed; a booking the payments
  // trigger confirms has had none yet. That is the case the job catches, so emulate it.
  const confirmedWithoutNotice = (workspaceId: string, id: string) =>
    withTenant(db(), { kind: 'system', workspaceId }, (tx) => tx.query('update bookings set confirmation_sent = false where id = $1', [id]));
  const sentTo = (workspaceId: string) => sent.filter((s) => s.workspaceId === workspaceId).map(({ workspaceId: _w, ...n }) => n);

  let t: App;
  let as: Who;
  let toronto: string;
  let olivia: Body;
  const made: Record<string, Body> = {};

  beforeAll(async () => {
    const w = await workspace(db(), clock, { time_zone: 'America/Toronto', locale: 'en', currency: 'CAD', country: 'CA' });
    ({ t, as } = w);
    toronto = w.owner.workspaceId;
    await pattern(t, as, { day_of_week: 1, start_time: '09:00', end_time: '13:00', max_bookings_per_slot: 2, booking_window_days: 60 });
    olivia = await contact(t, as, 'Olivia Chen', '+14165550101');
    const appt = async (start: string, extra: Body = {}) => (await book(t, as, { contact_id: olivia.id, start, ...extra })).body;
    const booking = (start: string, extra: Body = {}) =>
      expectCall(t, 201, 'POST', '/api/v1/bookings', { ...as, body: { customer_name: 'Marcus Brown', customer_phone: '+14165550102', service_type: 'Wash & Fold', start, ...extra } });
    made.a1 = await appt('2026-03-09T10:00:00-04:00', { meeting_link: 'https://meet.example.com/a1' });
    made.a2 = await appt('2026-03-09T11:00:00-04:00');
    made.cancelled = await appt('2026-03-09T11:00:00-04:00');
    await expectCall(t, 200, 'POST', `/api/v1/appointments/${made.cancelled!.id}/status`, { ...as, body: { status: 'cancelled' } });
    made.b1 = await booking('2026-03-09T10:00:00-04:00', { status: 'scheduled' });
    made.b2 = await booking('2026-03-09T12:00:00-04:00', { status: 'confirmed' });
    await confirmedWithoutNotice(toronto, made.b2!.id);
  });

  it('sends the reminders due within the lead time and the pending confirmations, once, in the workspace language', async () => {
    clock.set('2026-03-09T13:30:00Z'); // 09:30 EDT
    expect(await sendDueNotices(deps())).toEqual({ reminders: 2, confirmations: 1 });
    expect(sentTo(toronto)).toEqual([
      { contactId: olivia.id, kind: 'reminder', appointmentId: made.a1!.id, body: 'Reminder: your consultation starts on Monday, 9 March 2026 at 10:00 EDT. Meeting link: https://meet.example.com/a1' },
      { contactId: made.b1!.contact_id, kind: 'reminder', bookingId: made.b1!.id, body: 'Reminder: your Wash & Fold is booked for Monday, 9 March 2026 at 10:00 EDT.' },
      { contactId: made.b2!.contact_id, kind: 'confirmation', bookingId: made.b2!.id, body: 'Your booking is confirmed: Wash & Fold, Monday, 9 March 2026 at 12:00 EDT.' },
    ]);
    expect(await expectCall(t, 200, 'GET', `/api/v1/appointments/${made.a1!.id}`, as)).toMatchObject({ reminder_sent_at: '2026-03-09T13:30:00.000Z' });
    expect(await expectCall(t, 200, 'GET', `/api/v1/bookings/${made.b1!.id}`, as)).toMatchObject({ reminder_sent: true, confirmation_sent: false });
    expect(await expectCall(t, 200, 'GET', `/api/v1/bookings/${made.b2!.id}`, as)).toMatchObject({ reminder_sent: false, confirmation_sent: true });

    expect(await sendDueNotices(deps())).toEqual({ reminders: 0, confirmations: 0 });
    expect(sentTo(toronto)).toHaveLength(3);

    // Half an hour later the 11:00 is within the hour; the cancelled one never is.
    clock.set('2026-03-09T14:00:00Z');
    expect(await sendDueNotices(deps())).toEqual({ reminders: 1, confirmations: 0 });
    expect(sentTo(toronto).at(-1)).toEqual({
      contactId: olivia.id, kind: 'reminder', appointmentId: made.a2!.id, body: 'Reminder: your consultation starts on Monday, 9 March 2026 at 11:00 EDT. Your consultant will contact you.',
    });
    clock.set('2026-03-09T15:05:00Z');
    expect(await sendDueNotices(deps())).toEqual({ reminders: 1, confirmations: 0 }); // b2 at 12:00 EDT
    clock.set('2026-03-09T15:30:00Z');
    expect(await sendDueNotices(deps())).toEqual({ reminders: 0, confirmations: 0 });
  });

  it('reminds again after a reschedule', async () => {
    clock.set(BOOKED_AT);
    await expectCall(t, 200, 'POST', `/api/v1/appointments/${made.a1!.id}/reschedule`, { ...as, body: { start: '2026-03-16T09:00:00-04:00' } });
    clock.set('2026-03-16T12:15:00Z');
    expect(await sendDueNotices(deps())).toEqual({ reminders: 1, confirmations: 0 });
    expect(sentTo(toronto).at(-1)).toMatchObject({ appointmentId: made.a1!.id, body: expect.stringContaining('Monday, 16 March 2026 at 09:00 EDT') });
  });

  it('sends nothing and marks nothing when the hand-over fails; the next run sends it', async () => {
    clock.set(BOOKED_AT);
    const a = (await book(t, as, { contact_id: olivia.id, start: '2026-03-23T09:00:00-04:00' })).body;
    clock.set('2026-03-23T12:30:00Z');
    failNext = true;
    const before = sent.length;
    expect(await sendDueNotices(deps())).toEqual({ reminders: 0, confirmations: 0 });
    expect(failNext).toBe(false);
    expect(sent.length).toBe(before);
    expect((await expectCall(t, 200, 'GET', `/api/v1/appointments/${a.id}`, as)).reminder_sent_at).toBeNull();
    expect(await sendDueNotices(deps())).toEqual({ reminders: 1, confirmations: 0 });
  });

  it('sends once when two runs overlap', async () => {
    clock.set(BOOKED_AT);
    for (const start of ['2026-03-30T09:00:00-04:00', '2026-03-30T10:00:00-04:00']) {
      await book(t, as, { contact_id: olivia.id, start });
      await expectCall(t, 201, 'POST', '/api/v1/bookings', { ...as, body: { customer_name: 'M', customer_phone: '+14165550102', service_type: 'Dry cleaning', start } });
    }
    clock.set('2026-03-30T13:30:00Z'); // 09:30 EDT: the 10:00s are due
    const runs = await Promise.all([sendDueNotices(deps()), sendDueNotices(deps()), sendDueNotices(deps())]);
    expect(runs.reduce((n, r) => n + r.reminders, 0)).toBe(2);
  });

  it('confirms a booking once when its status becomes confirmed, whoever sends it first', async () => {
    clock.set(BOOKED_AT);
    const b = await expectCall(t, 201, 'POST', '/api/v1/bookings', { ...as, body: { customer_name: 'M', customer_phone: '+14165550102', service_type: 'Ironing', start: '2026-03-30T11:00:00-04:00' } });
    const actor = { kind: 'system' as const, workspaceId: toronto };
    const confirmed = await withTenant(db(), actor, (tx) => changeBookingStatus({ tx, actor, clock, log: silentLogger() }, b.id, 'confirmed', notify));
    expect(confirmed).toMatchObject({ status: 'confirmed', confirmation_sent: true });
    expect(sentTo(toronto).at(-1)).toEqual({ contactId: b.contact_id, kind: 'confirmation', bookingId: b.id, body: 'Your booking is confirmed: Ironing, Monday, 30 March 2026 at 11:00 EDT.' });
    expect(await sendDueNotices(deps())).toEqual({ reminders: 0, confirmations: 0 });
  });

  describe('in the workspace language and zone, with its lead time', () => {
    it('writes Indonesian in WIB with a two-hour lead, and Spanish in Bogota', async () => {
      clock.set(BOOKED_AT);
      const jakarta = await workspace(db(), clock, { time_zone: 'Asia/Jakarta', locale: 'id', currency: 'IDR', country: 'ID' });
      await expectCall(jakarta.t, 200, 'PATCH', '/api/v1/workspace', { ...jakarta.as, body: { settings: { scheduling: { reminder_minutes: 120 } } } });
      await pattern(jakarta.t, jakarta.as, { day_of_week: 2, start_time: '10:00', end_time: '11:00' });
      const rina = await contact(jakarta.t, jakarta.as, 'Rina', '+6281234567001');
      const a = (await book(jakarta.t, jakarta.as, { contact_id: rina.id, start: '2026-03-10T10:00:00+07:00' })).body;

      const bogota = await workspace(db(), clock, { time_zone: 'America/Bogota', locale: 'es', currency: 'COP', country: 'CO' });
      await pattern(bogota.t, bogota.as, { day_of_week: 2, start_time: '10:00', end_time: '11:00' });
      const b = await expectCall(bogota.t, 201, 'POST', '/api/v1/bookings', {
        ...bogota.as, body: { customer_name: 'Carlos Gómez', customer_phone: '300 123 4567', service_type: 'limpieza básica', start: '2026-03-10T10:00:00-05:00', status: 'confirmed' },
      });
      await confirmedWithoutNotice(bogota.owner.workspaceId, b.id);

      clock.set('2026-03-10T01:20:00Z'); // 08:20 WIB: 100 minutes ahead, within two hours
      await sendDueNotices(deps());
      expect(sentTo(jakarta.owner.workspaceId)).toEqual([
        { contactId: rina.id, kind: 'reminder', appointmentId: a.id, body: 'Pengingat: konsultasi Anda dimulai Selasa, 10 Maret 2026 pukul 10.00 WIB. Konsultan kami akan menghubungi Anda.' },
      ]);
      expect(sentTo(bogota.owner.workspaceId)).toEqual([
        { contactId: b.contact_id, kind: 'confirmation', bookingId: b.id, body: 'Su reserva está confirmada: limpieza básica, el martes, 10 de marzo de 2026 a las 10:00 COT.' },
      ]);
      clock.set('2026-03-10T14:30:00Z'); // 09:30 in Bogota
      await sendDueNotices(deps());
      expect(sentTo(bogota.owner.workspaceId).at(-1)).toEqual({
        contactId: b.contact_id, kind: 'reminder', bookingId: b.id, body: 'Recordatorio: su reserva de limpieza básica es el martes, 10 de marzo de 2026 a las 10:00 COT.',
      });
    });
  });

  it('runs as a queued job that survives a restart of the queue, and sends once', async () => {
    clock.set(BOOKED_AT);
    const a = (await book(t, as, { contact_id: olivia.id, start: '2026-04-06T09:00:00-04:00' })).body;
    clock.set('2026-04-06T12:30:00Z');
    const [definition] = schedulingJobs(deps());
    expect(definition).toMatchObject({ name: 'scheduling-notices', cron: '*/5 * * * *' });
    const first = createJobs({ db: db(), log: silentLogger(), definitions: schedulingJobs(deps()), work: false });
    await first.start();
    await db().transaction((tx) => first.send(tx, 'scheduling-notices', {}));
    await db().transaction((tx) => first.send(tx, 'scheduling-notices', {}));
    await first.stop();
    const second = createJobs({ db: db(), log: silentLogger(), definitions: schedulingJobs(deps()), work: false });
    expect(await second.drain()).toBe(2);
    await second.stop();
    expect(sent.filter((s) => s.appointmentId === a.id)).toHaveLength(1);
  });
});
