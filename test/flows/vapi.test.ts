// Vapi's webhook (modules/channels/vapi) with the receptionist the composition root gives it
// (apps/voice/vapi.ts): call reports, tool calls and the bookings they make, through the whole app.
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, one, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { startFakeVapi, type FakeVapi } from '../support/fakes/vapi.ts';
import { email, testApp } from '../support/http.ts';
import { fixedClock } from '../../src/platform/clock.ts';

const ZONE = 'America/Toronto';
const SECRET = 'vapi-secret-laundry';

/** Next Monday 08:00 in Toronto. */
function nextMondayMorning(): Date {
  const today = Temporal.Now.zonedDateTimeISO(ZONE);
  const monday = today.toPlainDate().add({ days: 8 - today.dayOfWeek });
  return new Date(monday.toZonedDateTime({ timeZone: ZONE, plainTime: '08:00' }).epochMilliseconds);
}

let vapi: FakeVapi;
beforeAll(async () => {
  vapi = await startFakeVapi();
  vapi.addOrg('vapi-private-key-laundry', { assistants: ['asst-laundry'], phoneNumbers: ['ph-laundry'] });
});
afterAll(async () => {
  await vapi?.close();
});

describeEachDatabase('Vapi webhooks', (db) => {
  const clock = fixedClock(nextMondayMorning());
  let t: ReturnType<typeof testApp>;
  let laundry: string;
  const monday = () => Temporal.Instant.fromEpochMilliseconds(clock.now().getTime()).toZonedDateTimeISO(ZONE).toPlainDate().toString();

  const post = (body: unknown, secret: string | null = SECRET) =>
    t.call('POST', '/webhooks/vapi', { raw: typeof body === 'string' ? body : JSON.stringify(body), contentType: 'application/json', headers: secret === null ? {} : { 'x-vapi-secret': secret } });

  const report = (callId: string, number: string, structuredData: Record<string, unknown>) => ({
    message: {
      type: 'end-of-call-report',
      endedReason: 'customer-ended-call',
      startedAt: '2026-11-20T15:00:00.000Z',
      endedAt: '2026-11-20T15:03:04.500Z',
      cost: 0.4231,
      call: { id: callId, type: 'inboundPhoneCall', assistantId: 'asst-laundry', customer: { number } },
      artifact: { transcript: 'AI: Thanks for calling! User: Two loads, express, Monday at two.', recording: { url: `https://storage.vapi.ai/${callId}.wav` } },
      analysis: { summary: 'Booked an express pickup.', structuredData, successEvaluation: 'true' },
    },
  });

  beforeAll(async () => {
    t = testApp(db(), clock, { providers: { vapiApiUrl: vapi.url } });
    const o = await t.owner(email('laundry'), { name: '1StopLaundry', template: 'voice', time_zone: ZONE, currency: 'CAD', country: 'CA', locale: 'en' });
    laundry = o.workspaceId;
    const saved = await t.call('PUT', '/api/v1/channels/vapi', { ...o.as, body: { assistant_ids: ['asst-laundry'], phone_number_ids: ['ph-laundry'], secret: SECRET, api_key: 'vapi-private-key-laundry' } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  });

  it('stores an end-of-call report in calls with its contact and the booking it captured', async () => {
    const res = await post(report('call-eoc-1', '+1 (416) 555-0123', { service: 'Express', loads: 2, postal_code: 'M5V 2T6', address: '1 Front St W', pickup_time: `${monday()}T14:00`, name: 'Jordan Park', sentiment: 'positive' }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ result: 'stored', call_id: 'call-eoc-1', booking_id: expect.any(String) });

    const { call, booking, contact } = await asService(db(), async (tx) => {
      const call = await one<Record<string, any>>(tx, `select * from calls where workspace_id = $1 and provider_call_id = 'call-eoc-1'`, [laundry]);
      return {
        call,
        booking: await one<Record<string, any>>(tx, 'select * from bookings where workspace_id = $1 and id = $2', [laundry, call.booking_id]),
        contact: await one<Record<string, any>>(tx, 'select * from contacts where workspace_id = $1 and id = $2', [laundry, call.contact_id]),
      };
    });
    expect(call).toMatchObject({
      phone_number: '+14165550123',
      customer_name: 'Jordan Park',
      duration: 185,
      status: 'completed',
      call_type: 'inbound',
      transcript: 'AI: Thanks for calling! User: Two loads, express, Monday at two.',
      recording_url: 'https://storage.vapi.ai/call-eoc-1.wav',
      cost: '0.42',
      sentiment: 'positive',
      notes: 'Booked an express pickup.',
    });
    expect(booking).toMatchObject({
      service_type: 'Express Wash & Fold',
      number_of_loads: 2,
      payment_amount: '44.00',
      payment_currency: 'CAD',
      pickup_address: '1 Front St W',
      customer_name: 'Jordan Park',
      customer_phone: '+14165550123',
      source: 'voice',
      contact_id: call.contact_id,
    });
    expect(new Date(booking.scheduled_at).toISOString()).toBe(new Date(Temporal.PlainDateTime.from(`${monday()}T14:00`).toZonedDateTime(ZONE).epochMilliseconds).toISOString());
    expect(contact).toMatchObject({ phone: '+14165550123', name: 'Jordan Park', total_calls: 1, total_bookings: 1, total_spent: '0.00', source: 'voice' });
  });

  it('stores the same call reported twice once', async () => {
    const body = report('call-eoc-2', '+14165550124', { service: 'Regular', loads: 1, postal_code: 'M4C 1A1', address: '9 Main St', pickup_time: `${monday()}T16:00`, name: 'Lee' });
    const first = await post(body);
    const second = await post(body);
    expect(first.body.result).toBe('stored');
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ result: 'duplicate', call_id: 'call-eoc-2' });
    const counts = await asService(db(), (tx) =>
      one<{ calls: number; bookings: number; total_calls: number }>(
        tx,
        `select (select count(*)::int from calls where workspace_id = $1 and provider_call_id = 'call-eoc-2') as calls,
                (select count(*)::int from bookings where workspace_id = $1 and customer_phone = '+14165550124') as bookings,
                (select total_calls from contacts where workspace_id = $1 and phone = '+14165550124') as total_calls`,
        [laundry],
      ),
    );
    expect(counts).toEqual({ calls: 1, bookings: 1, total_calls: 1 });
  });

  it('keeps a call whose booking cannot be made, with the reason, and books nothing outside the service area', async () => {
    const res = await post(report('call-eoc-3', '+16135550199', { service: 'Regular', loads: 1, postal_code: 'K1A 0B1', address: '80 Wellington St', pickup_time: `${monday()}T11:00`, name: 'Alex' }));
    expect(res.body).toMatchObject({ result: 'stored', booking_id: null });
    const call = await asService(db(), (tx) => one<{ booking_id: string | null; notes: string }>(tx, `select booking_id, notes from calls where workspace_id = $1 and provider_call_id = 'call-eoc-3'`, [laundry]));
    expect(call.booking_id).toBeNull();
    expect(call.notes).toMatch(/Booking not made: postal code K1A0B1 is outside the service area/);
  });

  it("answers the voice agent's tool calls with prices, the service area, free times and a booking made once", async () => {
    const toolCalls = (list: unknown[]) => ({ message: { type: 'tool-calls', call: { id: 'call-tools-1', type: 'inboundPhoneCall', phoneNumberId: 'ph-laundry', customer: { number: '+19055550103' } }, toolCallList: list } });
    const first = await post(
      toolCalls([
        { id: 'tc-1', name: 'check_services', parameters: { query: 'regular', units: 3 } },
        { id: 'tc-2', name: 'check_service_area', parameters: { postal_code: 'k1a 0b1' } },
        { id: 'tc-3', name: 'get_availability', parameters: { limit: 2 } },
        { id: 'tc-4', name: 'no_such_tool', parameters: {} },
      ]),
    );
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const results = first.body.results as { toolCallId: string; name: string; result: string }[];
    expect(results.map((r) => [r.toolCallId, r.name])).toEqual([['tc-1', 'check_services'], ['tc-2', 'check_service_area'], ['tc-3', 'get_availability'], ['tc-4', 'no_such_tool']]);
    const [services, area, availability, unknown] = results.map((r) => JSON.parse(r.result));
    expect(services.services[0]).toMatchObject({ name: 'Regular Wash & Fold', base_price: '$15', unit_price: '$8', units: 3, total: '$39', total_minor: 3900, currency: 'CAD' });
    expect(area).toEqual({ postal_code: 'K1A0B1', covered: false, area: null });
    expect(availability.slots).toHaveLength(2);
    expect(availability.slots[0].label).toMatch(/^Mon \d+ \w+ 09:00$/);
    expect(unknown.error.code).toBe('tool.unknown');

    const book = toolCalls([{ id: 'tc-5', name: 'create_booking', parameters: { service: 'Premium', loads: 1, postal_code: 'L5B 3C1', address: '300 City Centre Dr', pickup_time: availability.slots[1].start, name: 'Priya Patel' } }]);
    const booked = await post(book);
    const again = await post(book);
    const made = JSON.parse(booked.body.results[0].result);
    expect(made).toMatchObject({ booking_id: expect.any(String), total: '$48', total_minor: 4800, currency: 'CAD' });
    expect(again.body).toEqual(booked.body);

    // The end-of-call report of the same call does not book again: the call keeps the tool's booking.
    const eoc = await post({ message: { ...report('call-tools-1', '+19055550103', { service: 'Premium', loads: 1, postal_code: 'L5B 3C1', address: '300 City Centre Dr', pickup_time: availability.slots[1].start, name: 'Priya Patel' }).message, call: { id: 'call-tools-1', type: 'inboundPhoneCall', phoneNumberId: 'ph-laundry', customer: { number: '+19055550103' } } } });
    expect(eoc.body).toMatchObject({ result: 'stored', booking_id: made.booking_id });
    const stored = await asService(db(), async (tx) => ({
      bookings: await rows(tx, `select id from bookings where workspace_id = $1 and customer_phone = '+19055550103'`, [laundry]),
      calls: await rows<{ status: string; booking_id: string }>(tx, `select status, booking_id from calls where workspace_id = $1 and provider_call_id = 'call-tools-1'`, [laundry]),
    }));
    expect(stored.bookings).toHaveLength(1);
    expect(stored.calls).toEqual([{ status: 'completed', booking_id: made.booking_id }]);
    // The call's row was made by the booking tool and completed by the report: one call.
    const totals = await asService(db(), (tx) => one(tx, `select total_calls, total_bookings from contacts where workspace_id = $1 and phone = '+19055550103'`, [laundry]));
    expect(totals).toEqual({ total_calls: 1, total_bookings: 1 });
  });

  it('keeps a started call in progress until its end-of-call report completes the same row', async () => {
    const call = { id: 'call-live-1', type: 'inboundPhoneCall', assistantId: 'asst-laundry', customer: { number: '+14165550126' } };
    expect((await post({ message: { type: 'status-update', status: 'in-progress', call } })).body).toEqual({ result: 'stored', call_id: 'call-live-1' });
    expect((await post({ message: { type: 'status-update', status: 'in-progress', call } })).body).toEqual({ result: 'duplicate', call_id: 'call-live-1' });
    const live = () => asService(db(), (tx) => rows<{ status: string; duration: number }>(tx, `select status, duration from calls where workspace_id = $1 and provider_call_id = 'call-live-1'`, [laundry]));
    expect(await live()).toEqual([{ status: 'in-progress', duration: 0 }]);
    await post({ message: { ...report('call-live-1', '+14165550126', {}).message, call } });
    expect(await live()).toEqual([{ status: 'completed', duration: 185 }]);
    // One call, counted once for its contact, though its row was written twice.
    const contact = await asService(db(), (tx) =>
      one<{ total_calls: number; last_contact: Date }>(tx, `select total_calls, last_contact from contacts where workspace_id = $1 and phone = '+14165550126'`, [laundry]),
    );
    expect(contact).toEqual({ total_calls: 1, last_contact: clock.now() });
  });

  it('refuses a missing or wrong secret and an unknown assistant with 401, and ignores other events', async () => {
    const body = report('call-eoc-401', '+14165550125', {});
    for (const res of [await post(body, null), await post(body, 'wrong-secret'), await post({ message: { ...body.message, call: { ...body.message.call, assistantId: 'asst-unknown' } } })]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('webhook.unauthenticated');
    }
    const other = await post({ message: { type: 'speech-update', status: 'started', role: 'user', call: { id: 'call-x', assistantId: 'asst-laundry' } } });
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ result: 'ignored' });
    expect((await post('{not json')).status).toBe(400);
    const stored = await asService(db(), (tx) => rows(tx, `select id from calls where workspace_id = $1 and provider_call_id in ('call-eoc-401', 'call-x')`, [laundry]));
    expect(stored).toEqual([]);
  });
});
