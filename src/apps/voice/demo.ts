import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';

const DAY = 86_400_000;

/** 1StopLaundry in Toronto: customers, pickups booked by phone and text, calls, texts, daily figures. */
export async function seedVoiceDemo(ctx: Ctx, workspaceId: string, options: { publicUrl?: string | undefined } = {}): Promise<void> {
  const { db } = ctx.tx;
  const now = ctx.clock.now().getTime();
  const at = (ms: number) => new Date(now + ms);
  const ws = { workspace_id: workspaceId };
  const day = (ms: number) => new Date(now + ms).toISOString().slice(0, 10);

  const people = [
    { id: newId(), name: 'Olivia Chen', phone: '+14165550101', email: 'olivia.chen@example.ca', address: '120 Queen St W, Toronto, ON M5H 2N2' },
    { id: newId(), name: 'Marcus Brown', phone: '+14165550102', email: null, address: '45 Dundas St E, Toronto, ON M5B 1C6' },
    { id: newId(), name: 'Priya Patel', phone: '+19055550103', email: 'priya.p@example.ca', address: '300 City Centre Dr, Mississauga, ON L5B 3C1' },
  ];
  // Their totals follow the bookings and calls below (0018's triggers).
  await db.insertInto('contacts').values(people.map((p, i) => ({ ...ws, ...p, source: i === 1 ? 'sms' : 'voice', locale: 'en', tags: i === 0 ? ['regular'] : [], last_contact: at(-i * DAY) }))).execute();

  const bookings = [
    { id: newId(), p: people[0]!, service: 'Regular Wash & Fold', loads: 2, amount: '31.00', status: 'completed', source: 'voice', when: at(-2 * DAY), payment: 'paid' },
    { id: newId(), p: people[1]!, service: 'Express Wash & Fold', loads: 1, amount: '32.00', status: 'confirmed', source: 'sms', when: at(DAY), payment: 'pending' },
    { id: newId(), p: people[0]!, service: 'Premium Same-Day', loads: 1, amount: '48.00', status: 'scheduled', source: 'manual', when: at(3 * DAY), payment: 'pending' },
  ] as const;
  await db.insertInto('bookings').values(bookings.map((b) => ({
    ...ws, id: b.id, contact_id: b.p.id, customer_name: b.p.name, customer_phone: b.p.phone, customer_email: b.p.email,
    service_type: b.service, appointment_date: b.when.toISOString().slice(0, 10), appointment_time: '11:00 AM', scheduled_at: b.when,
    duration_minutes: 30, status: b.status, source: b.source, title: `Laundry pickup: ${b.p.name}`, pickup_address: b.p.address,
    number_of_loads: b.loads, payment_amount: b.amount, payment_currency: 'CAD', payment_status: b.payment,
    reminder_sent: b.status === 'completed', confirmation_sent: b.status !== 'scheduled',
  }))).execute();

  await db.insertInto('calls').values([
    { ...ws, id: newId(), contact_id: people[0]!.id, phone_number: people[0]!.phone, customer_name: people[0]!.name, duration: 184, status: 'completed', call_type: 'inbound', transcript: 'AI: Thanks for calling 1StopLaundry! ... Customer: Two loads, regular service, tomorrow at eleven please.', cost: '0.42', sentiment: 'positive', booking_id: bookings[0].id, provider_call_id: 'demo-call-1', created_at: at(-3 * DAY) },
    { ...ws, id: newId(), contact_id: people[2]!.id, phone_number: people[2]!.phone, customer_name: people[2]!.name, duration: 0, status: 'no-answer', call_type: 'outbound', cost: '0.00', sentiment: 'neutral', provider_call_id: 'demo-call-2', created_at: at(-DAY) },
  ]).execute();

  await db.insertInto('sms_messages').values([
    { ...ws, id: newId(), contact_id: people[1]!.id, phone_number: people[1]!.phone, direction: 'inbound', message_body: 'Hi, can you pick up 1 load tomorrow? Express please', status: 'received', provider_message_id: 'SMdemo0001', created_at: at(-2 * 3_600_000) },
    { ...ws, id: newId(), contact_id: people[1]!.id, phone_number: people[1]!.phone, direction: 'outbound', message_body: 'Booked: Express, 1 load, tomorrow 11:00 AM at 45 Dundas St E. Total $32. Reply C to cancel.', status: 'delivered', booking_id: bookings[1].id, cost: '0.01', provider_message_id: 'SMdemo0002', created_at: at(-2 * 3_600_000 + 30_000) },
  ]).execute();

  await db.insertInto('analytics').values([
    { ...ws, id: newId(), date: day(-3 * DAY), total_calls: 1, total_bookings: 1, total_sms: 0, total_cost: '0.42', successful_calls: 1, failed_calls: 0, conversion_rate: '100.00' },
    { ...ws, id: newId(), date: day(-2 * DAY), total_calls: 0, total_bookings: 1, total_sms: 2, total_cost: '0.01', successful_calls: 0, failed_calls: 0, conversion_rate: '0.00' },
    { ...ws, id: newId(), date: day(-DAY), total_calls: 1, total_bookings: 0, total_sms: 0, total_cost: '0.00', successful_calls: 0, failed_calls: 1, conversion_rate: '0.00' },
  ]).execute();

  // Channels: the chat bubble answers on the server's own pages (GET /webchat/demo/1stoplaundry)
  // and the sites listed; the Twilio number is connected but has no auth token, so SMS webhooks
  // answer 404 until an admin gives one (PUT /api/v1/channels/twilio).
  const publicUrl = options.publicUrl ?? 'http://127.0.0.1:3000';
  await db.insertInto('integrations').values([
    { ...ws, id: newId(), provider: 'webchat', settings: JSON.stringify({ allowed_origins: [new URL(publicUrl).origin, 'http://localhost:8080'], secrets_set: [] }) },
    {
      ...ws,
      id: newId(),
      provider: 'twilio',
      provider_account_id: DEMO_TWILIO_ACCOUNT,
      settings: JSON.stringify({ account_sid: DEMO_TWILIO_ACCOUNT, phone_numbers: [DEMO_TWILIO_NUMBER], messaging_service_sid: null, webhook_url: publicUrl, secrets_set: ['auth_token'] }),
    },
  ]).execute();
  await db.insertInto('channel_accounts').values([DEMO_TWILIO_ACCOUNT, DEMO_TWILIO_NUMBER].map((account_id) => ({ ...ws, provider: 'twilio', account_id }))).execute();
}

/** The demo laundry's Twilio account and number (not real: Twilio's test numbers are +1 500 555 xxxx). */
export const DEMO_TWILIO_ACCOUNT = 'AC00000000000000000000000000001500';
export const DEMO_TWILIO_NUMBER = '+16475550100';
