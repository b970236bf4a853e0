import { Temporal } from 'temporal-polyfill';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email } from '../../../test/support/http.ts';
import { systemClock } from '../../platform/clock.ts';
import { withServiceRole } from '../../platform/db/tenant.ts';
import { newId } from '../../platform/ids.ts';
import { expectCall, paths, pattern, workspace, type App, type Body, type Who } from '../../../test/support/scheduling.ts';

// Guest sessions expire by the database's clock, so this suite runs on the real one: slots are
// tomorrow and the day after in Bogota (-05:00 all year), where every day has 09:00-17:00.
const bogotaDate = (daysAhead: number) => Temporal.Now.plainDateISO('America/Bogota').add({ days: daysAhead }).toString();
const TOMORROW = bogotaDate(1);
const at = (date: string, hour: number) => `${date}T${String(hour).padStart(2, '0')}:00:00-05:00`;

describeEachDatabase('guest checkout', (db) => {
  let t: App;
  let people: App;
  let as: Who;
  let workspaceId: string;
  let session: Body;

  const guest = (token: string | undefined, body: Body, ws = workspaceId) =>
    t.call('POST', '/api/v1/guest/bookings', { workspace: ws, body, headers: token === undefined ? {} : { 'x-guest-token': token } });

  beforeAll(async () => {
    const w = await workspace(db(), systemClock, { time_zone: 'America/Bogota', locale: 'es', currency: 'COP', country: 'CO' });
    ({ t, people, as } = w);
    workspaceId = w.owner.workspaceId;
    for (let day = 0; day < 7; day++) await pattern(t, as, { day_of_week: day, start_time: '09:00', end_time: '17:00', booking_window_days: 30 });
    // Guest checkout is off until the workspace turns it on; guests book the catalogue's services.
    await expectCall(t, 200, 'PATCH', '/api/v1/workspace', { ...as, body: { settings: { scheduling: { guest_checkout: true } } } });
    await expectCall(t, 201, 'POST', '/api/v1/services', { ...as, body: { name: 'Limpieza básica', unit_name: 'hour', unit_price_minor: 30000, currency: 'COP', duration_minutes: 60 } });
    for (const name of ['S', 'Otra', 'Temprano']) await expectCall(t, 201, 'POST', '/api/v1/services', { ...as, body: { name, currency: 'COP', duration_minutes: 60 } });
    session = await expectCall(t, 201, 'POST', '/api/v1/guest-sessions', { workspace: workspaceId, body: { email: 'Maria@Example.co', full_name: 'María López', phone: '300 123 4567' } });
  });

  it('starts a guest session for an anonymous visitor: a 64-hex token for 24 hours', async () => {
    expect(session).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), token: expect.stringMatching(/^[0-9a-f]{64}$/), expires_at: expect.any(String) });
    const hours = (Date.parse(session.expires_at) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    expect((await t.call('POST', '/api/v1/guest-sessions', { body: { email: 'a@b.co', full_name: 'A' } })).body.error.code).toBe('workspace.required');
    expect((await t.call('POST', '/api/v1/guest-sessions', { workspace: newId(), body: { email: 'a@b.co', full_name: 'A' } })).body.error.code).toBe('workspace.not_found');
    expect(paths(await t.call('POST', '/api/v1/guest-sessions', { workspace: workspaceId, body: { email: 'nope', full_name: '' } })).sort()).toEqual(['body.email', 'body.full_name']);
  });

  it('books as the guest: pending payment, from the web, with the guest as the contact', async () => {
    const res = await guest(session.token, { start: at(TOMORROW, 10), service_type: 'Limpieza básica', units: 4, pickup_address: 'Chapinero' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      contact_id: expect.any(String),
      consultant_id: null,
      guest_session_id: session.id,
      customer_id: null,
      customer_name: 'María López',
      customer_phone: '+573001234567',
      customer_email: 'maria@example.co',
      service_type: 'Limpieza básica',
      title: null,
      scheduled_at: `${TOMORROW}T15:00:00.000Z`,
      duration_minutes: 240,
      appointment_date: TOMORROW,
      appointment_time: '10:00 AM',
      status: 'pending_payment',
      source: 'web',
      notes: null,
      pickup_address: 'Chapinero',
      number_of_loads: null,
      payment_amount: '120000.00',
      payment_currency: 'COP',
      payment_status: 'pending',
      reminder_sent: false,
      confirmation_sent: false,
      hold_expires_at: expect.any(String),
      cancel_reason: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    // Staff see it, and the guest as a contact.
    const listed = await expectCall(t, 200, 'GET', `/api/v1/bookings?guest_session_id=${session.id}`, as);
    expect(listed.data).toEqual([res.body]);
    expect(await expectCall(t, 200, 'GET', `/api/v1/contacts/${res.body.contact_id}`, as)).toMatchObject({ name: 'María López', phone: '+573001234567', source: 'guest_checkout' });
    // The slot is taken for everyone now.
    const again = await guest(session.token, { start: at(TOMORROW, 10), service_type: 'Otra' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('booking.slot_taken');
    expect((await guest(session.token, { start: at(TOMORROW, 8), service_type: 'Temprano' })).body.error.code).toBe('booking.no_such_slot');
  });

  it('refuses a missing, malformed, unknown, foreign or expired token with 401', async () => {
    const body = { start: at(TOMORROW, 11), service_type: 'S' };
    expect((await guest(undefined, body)).body.error.code).toBe('guest.token_required');
    expect((await guest('abc', body)).body.error.code).toBe('guest.invalid_token');
    expect((await guest('a'.repeat(64), body)).body.error.code).toBe('guest.invalid_token');
    const elsewhere = await workspace(db(), systemClock, { time_zone: 'America/Bogota', locale: 'es', currency: 'COP', country: 'CO' });
    await expectCall(elsewhere.t, 200, 'PATCH', '/api/v1/workspace', { ...elsewhere.as, body: { settings: { scheduling: { guest_checkout: true } } } });
    const foreign = await guest(session.token, body, elsewhere.owner.workspaceId);
    expect([foreign.status, foreign.body.error.code]).toEqual([401, 'guest.invalid_token']);

    const stale = await expectCall(t, 201, 'POST', '/api/v1/guest-sessions', { workspace: workspaceId, body: { email: 'old@example.co', full_name: 'Old', phone: '3001234500' } });
    await withServiceRole(db(), (tx) => tx.query(`update guest_sessions set expires_at = now() - interval '1 minute' where id = $1`, [stale.id]));
    const expired = await guest(stale.token, body);
    expect([expired.status, expired.body.error.code]).toEqual([401, 'guest.invalid_token']);
    // A guest has no other way in: staff routes want a signed-in caller.
    expect((await t.call('GET', '/api/v1/bookings', { workspace: workspaceId, headers: { 'x-guest-token': session.token } })).status).toBe(401);
  });

  it('needs a phone from the booking or the session', async () => {
    const noPhone = await expectCall(t, 201, 'POST', '/api/v1/guest-sessions', { workspace: workspaceId, body: { email: 'np@example.co', full_name: 'Sin Teléfono' } });
    expect(paths(await guest(noPhone.token, { start: at(TOMORROW, 12), service_type: 'S' }))).toEqual(['body.customer_phone']);
    const ok = await guest(noPhone.token, { start: at(TOMORROW, 12), service_type: 'S', customer_phone: '+57 310 555 0000' });
    expect(ok.body).toMatchObject({ customer_phone: '+573105550000', status: 'pending_payment', payment_status: null });
  });

  it("converts the guest to the signed-in user who proves the session is theirs, relinking its bookings", async () => {
    const fresh = await expectCall(t, 201, 'POST', '/api/v1/guest-sessions', { workspace: workspaceId, body: { email: 'ana@example.co', full_name: 'Ana', phone: '3001112233' } });
    const booked = (await guest(fresh.token, { start: at(bogotaDate(2), 9), service_type: 'S' })).body;
    const ana = await people.signUp(email('ana'));
    const convert = (headers: Record<string, string>, id = fresh.id) =>
      t.call('POST', '/api/v1/guest-sessions/convert', { cookie: ana.cookie, workspace: workspaceId, headers, body: { guest_session_id: id } });

    const unproven = await convert({});
    expect([unproven.status, unproven.body.error.code]).toEqual([403, 'guest_session.not_yours']);
    expect((await convert({ 'x-guest-token': session.token })).body.error.code).toBe('guest_session.not_yours');
    expect((await convert({ 'x-guest-token': fresh.token }, newId())).body.error.code).toBe('guest_session.not_found');
    expect((await t.call('POST', '/api/v1/guest-sessions/convert', { workspace: workspaceId, body: { guest_session_id: fresh.id } })).status).toBe(401);

    expect(await expectCall(t, 200, 'POST', '/api/v1/guest-sessions/convert', {
      cookie: ana.cookie, workspace: workspaceId, headers: { 'x-guest-token': fresh.token }, body: { guest_session_id: fresh.id },
    })).toEqual({ guest_session_id: fresh.id, bookings_relinked: 1 });
    expect(await expectCall(t, 200, 'GET', `/api/v1/bookings/${booked.id}`, as)).toMatchObject({ customer_id: ana.userId, guest_session_id: fresh.id });
  });

  it('lets the daily cleanup remove expired sessions while their bookings stay', async () => {
    const gone = await expectCall(t, 201, 'POST', '/api/v1/guest-sessions', { workspace: workspaceId, body: { email: 'bye@example.co', full_name: 'Bye', phone: '3009998877' } });
    const booked = (await guest(gone.token, { start: at(bogotaDate(2), 10), service_type: 'S' })).body;
    await withServiceRole(db(), async (tx) => {
      await tx.query(`update guest_sessions set expires_at = now() - interval '1 hour' where id = $1`, [gone.id]);
      await tx.query('select public.cleanup_expired_guest_sessions()');
    });
    expect(await expectCall(t, 200, 'GET', `/api/v1/bookings/${booked.id}`, as)).toMatchObject({ guest_session_id: null, status: 'pending_payment' });
  });
});
