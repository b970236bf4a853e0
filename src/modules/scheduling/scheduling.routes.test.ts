import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { book, contact, expectCall, paths, pattern, workspace, type App, type Body, type Who } from '../../../test/support/scheduling.ts';

// Now: Monday 2 March 2026, 19:00 in Jakarta (+07:00). Tuesday 3 March 10:00 WIB is 03:00Z.
const NOW = '2026-03-02T12:00:00Z';
const TUE_10 = '2026-03-03T03:00:00.000Z';
const TUE_11 = '2026-03-03T04:00:00.000Z';

describeEachDatabase('scheduling over HTTP', (db) => {
  let t: App;
  let people: App;
  let as: Who;
  let other: { t: App; as: Who };
  let tuesday: Body;
  let rina: Body;

  beforeAll(async () => {
    ({ t, people, as } = await workspace(db(), fixedClock(NOW), { time_zone: 'Asia/Jakarta', locale: 'id', currency: 'IDR', country: 'ID' }));
    other = await workspace(db(), fixedClock(NOW), { time_zone: 'Asia/Jakarta', locale: 'id', currency: 'IDR', country: 'ID' });
    tuesday = await pattern(t, as, { day_of_week: 2, start_time: '10:00', end_time: '12:00', booking_window_days: 90 });
    rina = await contact(t, as, 'Rina Wijaya', '+6281234567001');
  });

  describe('weekly patterns', () => {
    it('creates a pattern with the seed defaults and reads it back', () => {
      expect(tuesday).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
        consultant_id: null,
        day_of_week: 2,
        start_time: '10:00',
        end_time: '12:00',
        duration_minutes: 60,
        booking_window_days: 90,
        max_bookings_per_slot: 1,
        is_active: true,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
    });

    it('changes, lists and deletes a pattern; a second pattern at the same day and start is 409', async () => {
      const p = await pattern(t, as, { day_of_week: 5, start_time: '08:00', end_time: '09:00', max_bookings_per_slot: 2 });
      expect(p).toMatchObject({ consultant_id: null, duration_minutes: 60, booking_window_days: 14, max_bookings_per_slot: 2, is_active: true });
      expect(await expectCall(t, 200, 'GET', `/api/v1/consultant-slots/${p.id}`, as)).toEqual(p);
      const changed = await expectCall(t, 200, 'PATCH', `/api/v1/consultant-slots/${p.id}`, { ...as, body: { end_time: '10:00', duration_minutes: 30 } });
      expect(changed).toEqual({ ...p, end_time: '10:00', duration_minutes: 30, updated_at: expect.any(String) });
      const dup = await t.call('POST', '/api/v1/consultant-slots', { ...as, body: { day_of_week: 5, start_time: '08:00', end_time: '11:00' } });
      expect(dup.status).toBe(409);
      expect(dup.body.error).toMatchObject({ code: 'consultant_slot.duplicate', details: { fields: ['consultant_id', 'day_of_week', 'start_time'] } });
      const friday = await expectCall(t, 200, 'GET', '/api/v1/consultant-slots?day_of_week=5', as);
      expect(friday).toEqual({ data: [changed], next_cursor: null });
      const first = await expectCall(t, 200, 'GET', '/api/v1/consultant-slots?limit=1', as);
      expect(first.data).toHaveLength(1);
      expect(first.next_cursor).toBe(first.data[0].id);
      await expectCall(t, 204, 'DELETE', `/api/v1/consultant-slots/${p.id}`, as);
      expect((await t.call('GET', `/api/v1/consultant-slots/${p.id}`, as)).body.error.code).toBe('consultant_slot.not_found');
      expect((await t.call('DELETE', `/api/v1/consultant-slots/${p.id}`, as)).status).toBe(404);
    });

    it('validates like the seed: HH:MM, an end after the start, a day 0-6; with field paths', async () => {
      const bad = await t.call('POST', '/api/v1/consultant-slots', {
        ...as,
        body: { day_of_week: 7, start_time: '9:00', end_time: '24:00', max_bookings_per_slot: 0, duration_minutes: 0, extra: true },
      });
      expect(bad.status).toBe(400);
      expect(paths(bad).sort()).toEqual(['body', 'body.day_of_week', 'body.duration_minutes', 'body.end_time', 'body.max_bookings_per_slot', 'body.start_time']);
      const backwards = await t.call('POST', '/api/v1/consultant-slots', { ...as, body: { day_of_week: 1, start_time: '12:00', end_time: '11:00' } });
      expect(paths(backwards)).toEqual(['body.end_time']);
      const tooLong = await t.call('POST', '/api/v1/consultant-slots', { ...as, body: { day_of_week: 1, start_time: '10:00', end_time: '10:30' } });
      expect(paths(tooLong)).toEqual(['body.duration_minutes']);
      const patched = await t.call('PATCH', `/api/v1/consultant-slots/${tuesday.id}`, { ...as, body: { start_time: '12:30' } });
      expect(paths(patched)).toEqual(['body.end_time']);
      const stranger = await t.call('POST', '/api/v1/consultant-slots', { ...as, body: { consultant_id: newId(), day_of_week: 1, start_time: '10:00', end_time: '11:00' } });
      expect(stranger.status).toBe(400);
      expect(paths(stranger)).toEqual(['body.consultant_id']);
    });
  });

  describe('closed dates', () => {
    it('closes a date for everyone; the same date again is 409; a date that does not exist is 400', async () => {
      const c = await expectCall(t, 201, 'POST', '/api/v1/closed-dates', { ...as, body: { date: '2026-03-17', reason: 'Nyepi' } });
      expect(c).toEqual({ id: expect.any(String), date: '2026-03-17', consultant_id: null, reason: 'Nyepi', created_at: expect.any(String), updated_at: expect.any(String) });
      const dup = await t.call('POST', '/api/v1/closed-dates', { ...as, body: { date: '2026-03-17' } });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('closed_date.duplicate');
      expect(paths(await t.call('POST', '/api/v1/closed-dates', { ...as, body: { date: '2026-02-30' } }))).toEqual(['body.date']);
      expect(await expectCall(t, 200, 'PATCH', `/api/v1/closed-dates/${c.id}`, { ...as, body: { reason: 'Hari Raya Nyepi' } })).toMatchObject({ reason: 'Hari Raya Nyepi' });
      expect((await expectCall(t, 200, 'GET', '/api/v1/closed-dates?from=2026-03-01&to=2026-03-31', as)).data.map((d: Body) => d.date)).toEqual(['2026-03-17']);
      await expectCall(t, 204, 'DELETE', `/api/v1/closed-dates/${c.id}`, as);
      expect((await t.call('GET', `/api/v1/closed-dates/${c.id}`, as)).body.error.code).toBe('closed_date.not_found');
    });
  });

  describe('availability', () => {
    it("lists the week's slots in UTC with the local start in the workspace zone, or in ?tz", async () => {
      const week = await expectCall(t, 200, 'GET', '/api/v1/availability?from=2026-03-02&to=2026-03-08', as);
      expect(week).toEqual({
        time_zone: 'Asia/Jakarta',
        data: [
          { start: TUE_10, end: TUE_11, local_start: '2026-03-03T10:00:00+07:00', consultant_id: null, seats_left: 1 },
          { start: TUE_11, end: '2026-03-03T05:00:00.000Z', local_start: '2026-03-03T11:00:00+07:00', consultant_id: null, seats_left: 1 },
        ],
      });
      const toronto = await expectCall(t, 200, 'GET', '/api/v1/availability?from=2026-03-03T00:00:00%2B07:00&to=2026-03-04T00:00:00%2B07:00&tz=America/Toronto', as);
      expect(toronto.time_zone).toBe('America/Toronto');
      expect(toronto.data.map((s: Body) => s.local_start)).toEqual(['2026-03-02T22:00:00-05:00', '2026-03-02T23:00:00-05:00']);
    });

    it('offers nothing on a closed date and honours the workspace minimum notice', async () => {
      const closed = await expectCall(t, 201, 'POST', '/api/v1/closed-dates', { ...as, body: { date: '2026-03-10' } });
      expect((await expectCall(t, 200, 'GET', '/api/v1/availability?from=2026-03-09&to=2026-03-15', as)).data).toEqual([]);
      await expectCall(t, 204, 'DELETE', `/api/v1/closed-dates/${closed.id}`, as);
      expect((await expectCall(t, 200, 'GET', '/api/v1/availability?from=2026-03-09&to=2026-03-15', as)).data).toHaveLength(2);

      // 15 hours from Monday 19:00 is Tuesday 10:00: that slot stays; 16 hours takes it away.
      await expectCall(t, 200, 'PATCH', '/api/v1/workspace', { ...as, body: { settings: { scheduling: { min_notice_minutes: 15 * 60 } } } });
      expect((await expectCall(t, 200, 'GET', '/api/v1/availability?from=2026-03-03&to=2026-03-03', as)).data.map((s: Body) => s.start)).toEqual([TUE_10, TUE_11]);
      await expectCall(t, 200, 'PATCH', '/api/v1/workspace', { ...as, body: { settings: { scheduling: { min_notice_minutes: 16 * 60 } } } });
      expect((await expectCall(t, 200, 'GET', '/api/v1/availability?from=2026-03-03&to=2026-03-03', as)).data.map((s: Body) => s.start)).toEqual([TUE_11]);
      await expectCall(t, 200, 'PATCH', '/api/v1/workspace', { ...as, body: { settings: {} } });
    });

    it('reads unusable scheduling settings as the defaults', async () => {
      for (const scheduling of ['soon', { min_notice_minutes: -5 }, { min_notice_minutes: '15' }]) {
        await expectCall(t, 200, 'PATCH', '/api/v1/workspace', { ...as, body: { settings: { scheduling } } });
        // Tuesday 10:00 is 15 hours away: offered with the default hour's notice.
        expect((await expectCall(t, 200, 'GET', '/api/v1/availability?from=2026-03-03&to=2026-03-03', as)).data).toHaveLength(2);
      }
      await expectCall(t, 200, 'PATCH', '/api/v1/workspace', { ...as, body: { settings: {} } });
    });

    it('refuses ranges over 62 days or backwards, and bad zones, with the field path', async () => {
      expect((await t.call('GET', '/api/v1/availability?from=2026-03-01&to=2026-05-01', as)).status).toBe(200);
      const long = await t.call('GET', '/api/v1/availability?from=2026-03-01&to=2026-05-02', as);
      expect(long.status).toBe(400);
      expect(paths(long)).toEqual(['query.to']);
      expect(paths(await t.call('GET', '/api/v1/availability?from=2026-03-05&to=2026-03-04', as))).toEqual(['query.to']);
      expect(paths(await t.call('GET', '/api/v1/availability?from=2026-03-05&to=2026-03-06&tz=Mars/Olympus', as))).toEqual(['query.tz']);
      expect(paths(await t.call('GET', '/api/v1/availability?from=yesterday&to=2026-03-06', as))).toEqual(['query.from']);
    });
  });

  describe('appointments', () => {
    it('books an offered slot, which then has no seat left; a second booking of it is 409 booking.slot_taken', async () => {
      const res = await book(t, as, { contact_id: rina.id, start: '2026-03-10T10:00:00+07:00', notes: 'IELTS 7.0', meeting_link: 'https://meet.example.com/rina' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
        contact_id: rina.id,
        ari_conversation_id: expect.any(String),
        consultant_id: null,
        payment_id: null,
        scheduled_at: '2026-03-10T03:00:00.000Z',
        duration_minutes: 60,
        meeting_link: 'https://meet.example.com/rina',
        status: 'scheduled',
        reminder_sent_at: null,
        notes: 'IELTS 7.0',
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(await expectCall(t, 200, 'GET', `/api/v1/appointments/${res.body.id}`, as)).toEqual(res.body);
      const left = await expectCall(t, 200, 'GET', '/api/v1/availability?from=2026-03-10&to=2026-03-10', as);
      expect(left.data.map((s: Body) => s.start)).toEqual(['2026-03-10T04:00:00.000Z']);

      const budi = await contact(t, as, 'Budi', '+6281234567002');
      const again = await book(t, as, { contact_id: budi.id, start: '2026-03-10T03:00:00Z' });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'booking.slot_taken', details: { start: '2026-03-10T03:00:00.000Z', consultant_id: null } });
      // The same contact keeps one assistant record.
      const second = await book(t, as, { contact_id: rina.id, start: '2026-03-10T11:00:00+07:00' });
      expect(second.body.ari_conversation_id).toBe(res.body.ari_conversation_id);
    });

    it('refuses a start no slot offers with 409 booking.no_such_slot, unless an admin forces it', async () => {
      for (const start of ['2026-03-10T10:30:00+07:00', '2026-03-11T10:00:00+07:00', '2026-03-03T09:00:00+07:00', '2026-06-02T10:00:00+07:00']) {
        const res = await book(t, as, { contact_id: rina.id, start });
        expect(res.status, start).toBe(409);
        expect(res.body.error.code).toBe('booking.no_such_slot');
      }
      const forced = await book(t, as, { contact_id: rina.id, start: '2026-03-11T10:30:00+07:00', duration_minutes: 45, force: true });
      expect(forced.status).toBe(201);
      expect(forced.body).toMatchObject({ scheduled_at: '2026-03-11T03:30:00.000Z', duration_minutes: 45 });
      // Forced in, the time still has one seat.
      const budi = await contact(t, as, 'Budi Forced', '+6281234567003');
      const twice = await book(t, as, { contact_id: budi.id, start: '2026-03-11T10:30:00+07:00', force: true });
      expect(twice.body.error.code).toBe('booking.slot_taken');
    });

    it('moves along scheduled -> confirmed -> completed and refuses other moves with 409 naming from and to', async () => {
      const a = (await book(t, as, { contact_id: rina.id, start: '2026-03-17T11:00:00+07:00', force: true })).body;
      const skip = await t.call('POST', `/api/v1/appointments/${a.id}/status`, { ...as, body: { status: 'completed' } });
      expect(skip.status).toBe(409);
      expect(skip.body.error).toEqual({
        code: 'appointment.invalid_transition',
        message: 'an appointment cannot go from scheduled to completed',
        details: { from: 'scheduled', to: 'completed', allowed: ['confirmed', 'cancelled', 'no_show'] },
      });
      expect((await expectCall(t, 200, 'POST', `/api/v1/appointments/${a.id}/status`, { ...as, body: { status: 'confirmed' } })).status).toBe('confirmed');
      expect((await expectCall(t, 200, 'POST', `/api/v1/appointments/${a.id}/status`, { ...as, body: { status: 'confirmed' } })).status).toBe('confirmed');
      expect((await expectCall(t, 200, 'POST', `/api/v1/appointments/${a.id}/status`, { ...as, body: { status: 'completed' } })).status).toBe('completed');
      const back = await t.call('POST', `/api/v1/appointments/${a.id}/status`, { ...as, body: { status: 'cancelled' } });
      expect(back.body.error.details).toMatchObject({ from: 'completed', to: 'cancelled', allowed: [] });
      expect(paths(await t.call('POST', `/api/v1/appointments/${a.id}/status`, { ...as, body: { status: 'no-show' } }))).toEqual(['body.status']);
    });

    it('frees the seat when cancelled or marked no_show', async () => {
      const start = '2026-03-24T10:00:00+07:00';
      const a = (await book(t, as, { contact_id: rina.id, start })).body;
      expect((await book(t, as, { contact_id: rina.id, start })).status).toBe(409);
      await expectCall(t, 200, 'POST', `/api/v1/appointments/${a.id}/status`, { ...as, body: { status: 'cancelled' } });
      const b = await book(t, as, { contact_id: rina.id, start });
      expect(b.status).toBe(201);
      await expectCall(t, 200, 'POST', `/api/v1/appointments/${b.body.id}/status`, { ...as, body: { status: 'no_show' } });
      expect((await book(t, as, { contact_id: rina.id, start })).status).toBe(201);
    });

    it('reschedules into a free slot (freeing the old one), not into a taken one or from a final status', async () => {
      const a = (await book(t, as, { contact_id: rina.id, start: '2026-03-31T10:00:00+07:00' })).body;
      const moved = await expectCall(t, 200, 'POST', `/api/v1/appointments/${a.id}/reschedule`, { ...as, body: { start: '2026-03-31T11:00:00+07:00' } });
      expect(moved).toEqual({ ...a, scheduled_at: '2026-03-31T04:00:00.000Z', updated_at: expect.any(String) });
      const free = await expectCall(t, 200, 'GET', '/api/v1/availability?from=2026-03-31&to=2026-03-31', as);
      expect(free.data.map((s: Body) => s.start)).toEqual(['2026-03-31T03:00:00.000Z']);
      const b = (await book(t, as, { contact_id: rina.id, start: '2026-03-31T10:00:00+07:00' })).body;
      const onto = await t.call('POST', `/api/v1/appointments/${b.id}/reschedule`, { ...as, body: { start: '2026-03-31T11:00:00+07:00' } });
      expect(onto.body.error.code).toBe('booking.slot_taken');
      const nowhere = await t.call('POST', `/api/v1/appointments/${b.id}/reschedule`, { ...as, body: { start: '2026-03-31T12:00:00+07:00' } });
      expect(nowhere.body.error.code).toBe('booking.no_such_slot');
      // Rescheduling to its own time changes nothing.
      expect(await expectCall(t, 200, 'POST', `/api/v1/appointments/${b.id}/reschedule`, { ...as, body: { start: '2026-03-31T10:00:00+07:00' } })).toEqual(b);
      await expectCall(t, 200, 'POST', `/api/v1/appointments/${b.id}/status`, { ...as, body: { status: 'cancelled' } });
      const late = await t.call('POST', `/api/v1/appointments/${b.id}/reschedule`, { ...as, body: { start: '2026-03-31T10:00:00+07:00' } });
      expect(late.body.error).toMatchObject({ code: 'appointment.invalid_transition', details: { from: 'cancelled' } });
    });

    it('changes notes and meeting link, filters and pages the list', async () => {
      const budi = await contact(t, as, 'Budi Listed', '+6281234567004');
      const a = (await book(t, as, { contact_id: budi.id, start: '2026-03-12T09:00:00+07:00', force: true })).body;
      const patched = await expectCall(t, 200, 'PATCH', `/api/v1/appointments/${a.id}`, { ...as, body: { notes: null, meeting_link: 'https://meet.example.com/x' } });
      expect(patched).toEqual({ ...a, meeting_link: 'https://meet.example.com/x', notes: null, updated_at: expect.any(String) });
      const mine = await expectCall(t, 200, 'GET', `/api/v1/appointments?contact_id=${budi.id}`, as);
      expect(mine).toEqual({ data: [patched], next_cursor: null });
      const march12 = await expectCall(t, 200, 'GET', '/api/v1/appointments?from=2026-03-12T00:00:00%2B07:00&to=2026-03-13T00:00:00%2B07:00&status=scheduled', as);
      expect(march12.data.map((x: Body) => x.id)).toEqual([a.id]);
      const page1 = await expectCall(t, 200, 'GET', '/api/v1/appointments?limit=2', as);
      const page2 = await expectCall(t, 200, 'GET', `/api/v1/appointments?limit=2&cursor=${page1.next_cursor}`, as);
      expect(page1.data).toHaveLength(2);
      expect(page2.data[0].id < page1.data[1].id).toBe(true);
      expect(paths(await t.call('POST', '/api/v1/appointments', { ...as, body: { contact_id: 'x', start: 'tomorrow', meeting_link: 'ftp://x', duration_minutes: 2000 } })).sort()).toEqual([
        'body.contact_id', 'body.duration_minutes', 'body.meeting_link', 'body.start',
      ]);
    });

    it('answers 404 for a contact of another workspace', async () => {
      const theirs = await contact(other.t, other.as, 'Elsewhere', '+6281234567099');
      const res = await book(t, as, { contact_id: theirs.id, start: '2026-03-17T10:00:00+07:00' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('contact.not_found');
    });
  });

  describe('bookings', () => {
    it("books with seed 004's fields, the customer's contact found or made by phone, and the local date and time", async () => {
      const res = await t.call('POST', '/api/v1/bookings', {
        ...as,
        body: {
          customer_name: 'Sari Dewi', customer_phone: '0812-3456-7050', customer_email: 'Sari@Example.com', service_type: 'Konsultasi visa',
          start: '2026-04-07T11:00:00+07:00', source: 'whatsapp', pickup_address: 'Jl. Sudirman 1', number_of_loads: 2, payment_amount: '500000.00', notes: 'first visit',
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        contact_id: expect.any(String),
        consultant_id: null,
        guest_session_id: null,
        customer_id: null,
        customer_name: 'Sari Dewi',
        customer_phone: '+6281234567050',
        customer_email: 'sari@example.com',
        service_type: 'Konsultasi visa',
        title: null,
        scheduled_at: '2026-04-07T04:00:00.000Z',
        duration_minutes: 60,
        appointment_date: '2026-04-07',
        appointment_time: '11:00 AM',
        status: 'pending',
        source: 'whatsapp',
        notes: 'first visit',
        pickup_address: 'Jl. Sudirman 1',
        number_of_loads: 2,
        payment_amount: '500000.00',
        payment_currency: 'IDR',
        payment_status: null,
        reminder_sent: false,
        confirmation_sent: false,
        hold_expires_at: null,
        cancel_reason: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      const person = await expectCall(t, 200, 'GET', `/api/v1/contacts/${res.body.contact_id}`, as);
      expect(person).toMatchObject({ name: 'Sari Dewi', phone: '+6281234567050', email: 'sari@example.com', source: 'whatsapp' });
      // The same phone written another way is the same contact.
      const again = await expectCall(t, 201, 'POST', '/api/v1/bookings', {
        ...as, body: { customer_name: 'Sari', customer_phone: '+62 812 3456 7050', service_type: 'Follow-up', start: '2026-04-07T10:00:00+07:00', payment_currency: 'USD' },
      });
      expect(again).toMatchObject({ contact_id: res.body.contact_id, payment_currency: 'USD', appointment_time: '10:00 AM' });
      expect(await expectCall(t, 200, 'GET', `/api/v1/bookings/${again.id}`, as)).toEqual(again);
    });

    it('shares the seats with appointments: a slot held by one is taken for the other', async () => {
      const start = '2026-04-14T10:00:00+07:00';
      expect((await book(t, as, { contact_id: rina.id, start })).status).toBe(201);
      const res = await t.call('POST', '/api/v1/bookings', { ...as, body: { customer_name: 'X', customer_phone: '+6281234567051', service_type: 'S', start } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('booking.slot_taken');
    });

    it('follows its lifecycle, including pending_payment and no-show, and reschedules with its seed date and time', async () => {
      const b = await expectCall(t, 201, 'POST', '/api/v1/bookings', {
        ...as, body: { customer_name: 'Dewi', customer_phone: '+6281234567052', service_type: 'S', start: '2026-04-21T10:00:00+07:00', status: 'pending_payment' },
      });
      const refused = await t.call('POST', `/api/v1/bookings/${b.id}/status`, { ...as, body: { status: 'completed' } });
      expect(refused.body.error).toMatchObject({ code: 'booking.invalid_transition', details: { from: 'pending_payment', to: 'completed', allowed: ['confirmed', 'cancelled'] } });
      const moved = await expectCall(t, 200, 'POST', `/api/v1/bookings/${b.id}/reschedule`, { ...as, body: { start: '2026-04-21T11:00:00+07:00' } });
      expect(moved).toMatchObject({ scheduled_at: '2026-04-21T04:00:00.000Z', appointment_date: '2026-04-21', appointment_time: '11:00 AM', status: 'pending_payment' });
      expect(await expectCall(t, 200, 'POST', `/api/v1/bookings/${b.id}/status`, { ...as, body: { status: 'confirmed' } })).toMatchObject({ status: 'confirmed' });
      expect(await expectCall(t, 200, 'POST', `/api/v1/bookings/${b.id}/status`, { ...as, body: { status: 'no-show' } })).toMatchObject({ status: 'no-show' });
      // No-show freed the seat.
      await expectCall(t, 201, 'POST', '/api/v1/bookings', { ...as, body: { customer_name: 'Next', customer_phone: '+6281234567053', service_type: 'S', start: '2026-04-21T11:00:00+07:00' } });
      const patched = await expectCall(t, 200, 'PATCH', `/api/v1/bookings/${b.id}`, { ...as, body: { payment_status: 'failed', customer_phone: '0812 3456 7054', notes: null } });
      expect(patched).toMatchObject({ payment_status: 'failed', customer_phone: '+6281234567054', notes: null });
      const listed = await expectCall(t, 200, 'GET', `/api/v1/bookings?status=no-show&contact_id=${b.contact_id}`, as);
      expect(listed.data.map((x: Body) => x.id)).toEqual([b.id]);
    });

    it('refuses a phone that is not one, and an unknown contact or guest session', async () => {
      const base = { customer_name: 'X', service_type: 'S', start: '2026-04-28T10:00:00+07:00' };
      const phone = await t.call('POST', '/api/v1/bookings', { ...as, body: { ...base, customer_phone: '12' } });
      expect(paths(phone)).toEqual(['body.customer_phone']);
      const c = await t.call('POST', '/api/v1/bookings', { ...as, body: { ...base, customer_phone: '+6281234567055', contact_id: newId() } });
      expect(c.body.error.code).toBe('contact.not_found');
      const g = await t.call('POST', '/api/v1/bookings', { ...as, body: { ...base, customer_phone: '+6281234567055', guest_session_id: newId() } });
      expect(g.body.error.code).toBe('guest_session.not_found');
      const bad = await t.call('POST', '/api/v1/bookings', { ...as, body: { ...base, customer_phone: '+6281234567055', source: 'fax', payment_amount: '1.234', status: 'completed' } });
      expect(paths(bad).sort()).toEqual(['body.payment_amount', 'body.source', 'body.status']);
    });
  });

  describe('seats and consultants', () => {
    it('sells a three-seat slot three times, counting appointments and bookings together', async () => {
      await pattern(t, as, { day_of_week: 3, start_time: '14:00', end_time: '15:00', max_bookings_per_slot: 3 });
      const start = '2026-03-04T14:00:00+07:00';
      expect((await book(t, as, { contact_id: rina.id, start })).status).toBe(201);
      const seats = async () => (await expectCall(t, 200, 'GET', '/api/v1/availability?from=2026-03-04&to=2026-03-04', as)).data;
      expect(await seats()).toEqual([expect.objectContaining({ start: '2026-03-04T07:00:00.000Z', seats_left: 2 })]);
      for (const phone of ['+6281234567060', '+6281234567061']) {
        await expectCall(t, 201, 'POST', '/api/v1/bookings', { ...as, body: { customer_name: 'G', customer_phone: phone, service_type: 'Group', start } });
      }
      expect(await seats()).toEqual([]);
      const fourth = await t.call('POST', '/api/v1/bookings', { ...as, body: { customer_name: 'G', customer_phone: '+6281234567062', service_type: 'Group', start } });
      expect(fourth.body.error.code).toBe('booking.slot_taken');
    });

    it("keeps each consultant's slots apart, and no consultant in two places at once", async () => {
      const hendra = await people.teammate(as as { cookie: string; workspace: string }, email('hendra'), 'member');
      const ayu = await people.teammate(as as { cookie: string; workspace: string }, email('ayu'), 'member');
      await pattern(t, as, { consultant_id: hendra.userId, day_of_week: 4, start_time: '09:00', end_time: '11:00' });
      await pattern(t, as, { consultant_id: hendra.userId, day_of_week: 4, start_time: '09:30', end_time: '10:30' });
      await pattern(t, as, { consultant_id: ayu.userId, day_of_week: 4, start_time: '09:00', end_time: '10:00' });
      const day = async (q = '') => (await expectCall(t, 200, 'GET', `/api/v1/availability?from=2026-03-05&to=2026-03-05${q}`, as)).data.map((s: Body) => `${s.local_start} ${s.consultant_id === hendra.userId ? 'hendra' : 'ayu'}`);
      // Same start: by consultant id.
      const atNine = ayu.userId < hendra.userId ? ['ayu', 'hendra'] : ['hendra', 'ayu'];
      expect(await day()).toEqual([
        ...atNine.map((who) => `2026-03-05T09:00:00+07:00 ${who}`), '2026-03-05T09:30:00+07:00 hendra', '2026-03-05T10:00:00+07:00 hendra',
      ]);
      expect(await day(`&consultant_id=${ayu.userId}`)).toEqual(['2026-03-05T09:00:00+07:00 ayu']);
      // Hendra at 09:30 (until 10:30) takes his 09:00 and 10:00 away too; Ayu keeps hers.
      await expectCall(t, 201, 'POST', '/api/v1/appointments', { ...as, body: { contact_id: rina.id, start: '2026-03-05T09:30:00+07:00', consultant_id: hendra.userId } });
      expect(await day()).toEqual(['2026-03-05T09:00:00+07:00 ayu']);
      const clash = await book(t, as, { contact_id: rina.id, start: '2026-03-05T10:00:00+07:00', consultant_id: hendra.userId, force: true });
      expect(clash.body.error.code).toBe('booking.slot_taken');
      const outsider = await book(t, as, { contact_id: rina.id, start: '2026-03-05T09:00:00+07:00', consultant_id: newId(), force: true });
      expect(outsider.status).toBe(400);
      expect(paths(outsider)).toEqual(['body.consultant_id']);
      // A day off for Ayu alone; then Ayu leaves the team and offers nothing.
      await expectCall(t, 201, 'POST', '/api/v1/closed-dates', { ...as, body: { date: '2026-03-12', consultant_id: ayu.userId, reason: 'cuti' } });
      expect(await day('&consultant_id=' + ayu.userId)).toEqual(['2026-03-05T09:00:00+07:00 ayu']);
      expect((await expectCall(t, 200, 'GET', `/api/v1/availability?from=2026-03-12&to=2026-03-12&consultant_id=${ayu.userId}`, as)).data).toEqual([]);
      expect((await expectCall(t, 200, 'GET', `/api/v1/availability?from=2026-03-12&to=2026-03-12&consultant_id=${hendra.userId}`, as)).data).toHaveLength(3);
      await expectCall(t, 204, 'DELETE', `/api/v1/members/${ayu.userId}`, as);
      expect(await day()).toEqual([]);
      expect((await expectCall(t, 200, 'GET', `/api/v1/closed-dates?consultant_id=${ayu.userId}`, as)).data).toEqual([]);
    });
  });

  describe('roles', () => {
    it('lets read-only keys read, members book, and only admins change patterns, closed dates or force a booking', async () => {
      await pattern(t, as, { day_of_week: 6, start_time: '08:00', end_time: '18:00', max_bookings_per_slot: 50 });
      const owner = as as { cookie: string; workspace: string };
      const member = (await people.teammate(owner, email('member'), 'member')).as;
      const admin = (await people.teammate(owner, email('admin'), 'admin')).as;
      const reader = { key: (await people.apiKey(owner, true)).key };
      const slot = '2026-03-07T09:00:00+07:00';
      const table: [string, string, (() => Body) | undefined, number, number, number][] = [
        ['GET', '/api/v1/consultant-slots', undefined, 200, 200, 200],
        ['POST', '/api/v1/consultant-slots', () => ({ day_of_week: 0, start_time: `0${Math.floor(Math.random() * 9)}:${10 + Math.floor(Math.random() * 49)}`, end_time: '23:00' }), 403, 403, 201],
        ['PATCH', `/api/v1/consultant-slots/${tuesday.id}`, () => ({ booking_window_days: 14 }), 403, 403, 200],
        ['DELETE', `/api/v1/consultant-slots/${newId()}`, undefined, 403, 403, 404],
        ['GET', '/api/v1/closed-dates', undefined, 200, 200, 200],
        ['POST', '/api/v1/closed-dates', () => ({ date: `2027-01-${String(10 + Math.floor(Math.random() * 18))}`, reason: `r${Math.random()}` }), 403, 403, 201],
        ['DELETE', `/api/v1/closed-dates/${newId()}`, undefined, 403, 403, 404],
        ['GET', '/api/v1/availability?from=2026-03-07&to=2026-03-07', undefined, 200, 200, 200],
        ['POST', '/api/v1/appointments', () => ({ contact_id: rina.id, start: slot }), 403, 201, 201],
        ['POST', '/api/v1/appointments', () => ({ contact_id: rina.id, start: '2026-03-07T19:00:00+07:00', force: true }), 403, 403, 201],
        ['GET', '/api/v1/appointments', undefined, 200, 200, 200],
        ['POST', '/api/v1/bookings', () => ({ customer_name: 'R', customer_phone: '+6281234567070', service_type: 'S', start: slot }), 403, 201, 201],
        ['GET', '/api/v1/bookings', undefined, 200, 200, 200],
      ];
      const seen = [];
      for (const [method, path, body, ...expected] of table) {
        const got = [];
        for (const who of [reader, member, admin]) got.push((await t.call(method, path, { ...who, ...(body ? { body: body() } : {}) })).status);
        seen.push([method, path, ...got]);
      }
      expect(seen).toEqual(table.map(([method, path, , ...expected]) => [method, path, ...expected]));
      const a = (await book(t, member, { contact_id: rina.id, start: '2026-03-07T10:00:00+07:00' })).body;
      expect((await t.call('POST', `/api/v1/appointments/${a.id}/status`, { ...reader, body: { status: 'cancelled' } })).status).toBe(403);
      expect((await t.call('POST', `/api/v1/appointments/${a.id}/status`, { ...member, body: { status: 'cancelled' } })).status).toBe(200);
    });
  });

  describe('isolation', () => {
    it("answers 404 for another workspace's patterns, closed dates, appointments and bookings, and changes nothing", async () => {
      const closed = await expectCall(t, 201, 'POST', '/api/v1/closed-dates', { ...as, body: { date: '2026-12-25' } });
      const appt = (await book(t, as, { contact_id: rina.id, start: '2026-03-12T15:00:00+07:00', force: true })).body;
      const booking = await expectCall(t, 201, 'POST', '/api/v1/bookings', { ...as, body: { customer_name: 'Iso', customer_phone: '+6281234567080', service_type: 'S', start: '2026-03-12T16:00:00+07:00', force: true } });
      const them = other.as;
      const attempts: [string, string, Body | undefined, string][] = [
        ['GET', `/api/v1/consultant-slots/${tuesday.id}`, undefined, 'consultant_slot.not_found'],
        ['PATCH', `/api/v1/consultant-slots/${tuesday.id}`, { is_active: false }, 'consultant_slot.not_found'],
        ['DELETE', `/api/v1/consultant-slots/${tuesday.id}`, undefined, 'consultant_slot.not_found'],
        ['GET', `/api/v1/closed-dates/${closed.id}`, undefined, 'closed_date.not_found'],
        ['PATCH', `/api/v1/closed-dates/${closed.id}`, { reason: 'x' }, 'closed_date.not_found'],
        ['DELETE', `/api/v1/closed-dates/${closed.id}`, undefined, 'closed_date.not_found'],
        ['GET', `/api/v1/appointments/${appt.id}`, undefined, 'appointment.not_found'],
        ['PATCH', `/api/v1/appointments/${appt.id}`, { notes: 'x' }, 'appointment.not_found'],
        ['POST', `/api/v1/appointments/${appt.id}/status`, { status: 'cancelled' }, 'appointment.not_found'],
        ['POST', `/api/v1/appointments/${appt.id}/reschedule`, { start: '2026-03-12T15:00:00+07:00', force: true }, 'appointment.not_found'],
        ['GET', `/api/v1/bookings/${booking.id}`, undefined, 'booking.not_found'],
        ['PATCH', `/api/v1/bookings/${booking.id}`, { notes: 'x' }, 'booking.not_found'],
        ['POST', `/api/v1/bookings/${booking.id}/status`, { status: 'cancelled' }, 'booking.not_found'],
        ['POST', `/api/v1/bookings/${booking.id}/reschedule`, { start: '2026-03-12T16:00:00+07:00', force: true }, 'booking.not_found'],
      ];
      for (const [method, path, body, code] of attempts) {
        const res = await other.t.call(method, path, { ...them, ...(body ? { body } : {}) });
        expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 404, code]);
      }
      expect((await expectCall(other.t, 200, 'GET', '/api/v1/appointments', them)).data).toEqual([]);
      expect((await expectCall(other.t, 200, 'GET', '/api/v1/bookings', them)).data).toEqual([]);
      expect((await expectCall(other.t, 200, 'GET', '/api/v1/availability?from=2026-03-02&to=2026-03-08', them)).data).toEqual([]);
      expect(await expectCall(t, 200, 'GET', `/api/v1/appointments/${appt.id}`, as)).toEqual(appt);
      expect(await expectCall(t, 200, 'GET', `/api/v1/consultant-slots/${tuesday.id}`, as)).toMatchObject({ is_active: true });
    });
  });
});
