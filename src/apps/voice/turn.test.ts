import { Temporal } from 'temporal-polyfill';
import { beforeAll, expect, it } from 'vitest';
import { asService, one, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { silentLogger } from '../../platform/log.ts';
import { answerInbound, type TurnOutcome } from '../answer.ts';

const ZONE = 'America/Toronto';

/** Next Monday 08:00 in Toronto: the day's four pickup windows are all ahead. */
function nextMondayMorning(): Date {
  const today = Temporal.Now.zonedDateTimeISO(ZONE);
  const monday = today.toPlainDate().add({ days: 8 - today.dayOfWeek });
  return new Date(monday.toZonedDateTime({ timeZone: ZONE, plainTime: '08:00' }).epochMilliseconds);
}

const torontoAt = (day: Date, time: string) =>
  new Date(Temporal.Instant.fromEpochMilliseconds(day.getTime()).toZonedDateTimeISO(ZONE).toPlainDate().toZonedDateTime({ timeZone: ZONE, plainTime: time }).epochMilliseconds);

describeEachDatabase('the receptionist answering texts', (db) => {
  const clock = fixedClock(nextMondayMorning());
  let laundry: string;
  let laundryOwner: { cookie: string; workspace: string };
  let t: ReturnType<typeof testApp>;
  let consultancy: string;

  const text = (workspaceId: string, phone: string, message: string, providerMessageId?: string) =>
    withTenant(db(), { kind: 'system', workspaceId }, (tx) =>
      answerInbound({ tx, actor: { kind: 'system', workspaceId }, clock, log: silentLogger() }, { phone, channel: 'sms', message, providerMessageId }),
    );

  async function converse(workspaceId: string, phone: string, messages: string[]): Promise<TurnOutcome[]> {
    const out: TurnOutcome[] = [];
    for (const m of messages) out.push(await text(workspaceId, phone, m));
    return out;
  }

  beforeAll(async () => {
    t = testApp(db(), clock);
    const owner = await t.owner(email('laundry'), { name: '1StopLaundry', template: 'voice', time_zone: ZONE, currency: 'CAD', country: 'CA', locale: 'en' });
    laundry = owner.workspaceId;
    laundryOwner = owner.as;
    consultancy = (await t.owner(email('consultancy'), { template: 'ari' })).workspaceId;
  });

  it('books a laundry pickup by SMS: out-of-area code refused, FAQ answered, price computed, booking made', async () => {
    const phone = '+14165550188';
    const script = [
      'Hi, I need a laundry pickup',
      'K1A 0B1',
      'Sorry, M5V 2T6',
      'How much does it cost?',
      'regular',
      '3 loads',
      '120 Queen St W',
      'Sam Lee',
      '2',
      'yes',
    ];
    const turns = await converse(laundry, phone, script);
    const replies = turns.map((r) => r.reply!);

    expect(turns.map((r) => r.state)).toEqual(['qualifying', 'qualifying', 'qualifying', 'qualifying', 'qualifying', 'qualifying', 'qualifying', 'scheduling', 'booking', 'completed']);
    for (const reply of replies) expect(reply.length).toBeLessThanOrEqual(160);
    expect(replies[0]).toBe("Hi! This is 1StopLaundry. What's your postal code?");
    expect(replies[1]).toMatch(/don't serve K1A0B1/);
    expect(replies[2]).toMatch(/^Which service\? 1\. Regular \$15\+\$8\/load 2\. Express \$20\+\$12\/load 3\. Premium \$30\+\$18\/load$/);
    expect(replies[3]).toMatch(/^Regular: \$15 \+ \$8 per load/);
    expect(replies[4]).toBe('How many loads?');
    expect(replies[7]).toMatch(/^Pick a time:\n1\. Mon \d+ \w+ 09:00\n2\. Mon \d+ \w+ 11:00\n3\. Mon \d+ \w+ 14:00\n4\. Mon \d+ \w+ 16:00$/);
    expect(replies[8]).toMatch(/^Regular, 3 loads, Mon \d+ \w+ 11:00: \$15 \+ 3 x \$8 = \$39\. Reply YES to book\.$/);
    expect(replies[9]).toMatch(/^Booked! Regular pickup Mon \d+ \w+ 11:00\. Total \$39\./);
    expect(turns.every((r) => !r.handoff)).toBe(true);

    const contactId = turns[0]!.contact_id;
    const { booking, record, faq, inbox } = await asService(db(), async (tx) => ({
      booking: await one<Record<string, unknown>>(tx, 'select * from bookings where workspace_id = $1 and contact_id = $2', [laundry, contactId]),
      record: await one<{ state: string; context: Record<string, unknown> }>(tx, 'select state, context from ari_conversations where workspace_id = $1 and contact_id = $2', [laundry, contactId]),
      faq: await one<{ usage_count: number }>(tx, `select usage_count from faqs where workspace_id = $1 and category = 'pricing'`, [laundry]),
      inbox: await rows<{ direction: string; status: string; booking_id: string | null }>(tx, 'select direction, status, booking_id from sms_messages where workspace_id = $1 and contact_id = $2', [laundry, contactId]),
    }));
    expect(booking).toMatchObject({
      service_type: 'Regular Wash & Fold',
      number_of_loads: 3,
      payment_amount: '39.00',
      payment_currency: 'CAD',
      payment_status: 'pending',
      pickup_address: '120 Queen St W',
      customer_name: 'Sam Lee',
      customer_phone: phone,
      source: 'sms',
      status: 'scheduled',
    });
    expect((booking.scheduled_at as Date).toISOString()).toBe(torontoAt(clock.now(), '11:00').toISOString());
    expect(record.state).toBe('completed');
    expect(record.context).toMatchObject({ postal_code: 'M5V2T6', service: 'Regular Wash & Fold', units: 3, address: '120 Queen St W', name: 'Sam Lee', total_minor: 3900, currency: 'CAD', outcome: 'booked', booking_id: booking.id });
    expect(faq.usage_count).toBe(1);
    // Texts are kept in sms_messages; each reply is queued there for the SMS worker.
    expect(inbox.filter((m) => m.direction === 'inbound')).toHaveLength(script.length);
    expect(inbox.filter((m) => m.direction === 'outbound').map((m) => m.status)).toEqual(Array(script.length).fill('queued'));
    expect(inbox.filter((m) => m.booking_id !== null)).toEqual([{ direction: 'outbound', status: 'queued', booking_id: booking.id }]);
  });

  it('tells a customer outside the service area so, books nothing, and ends when they decline a call', async () => {
    const turns = await converse(laundry, '+16135550142', ['Hi, can you pick up laundry at K2P 1L4?', 'no thanks']);
    expect(turns.map((r) => r.state)).toEqual(['qualifying', 'completed']);
    expect(turns[0]!.reply).toMatch(/^Hi! This is 1StopLaundry\. Sorry, we don't serve K2P1L4 yet/);
    expect(turns[1]!.reply).toBe('OK, thanks for reaching out. Text us anytime!');
    const { bookings, record } = await asService(db(), async (tx) => ({
      bookings: await rows(tx, 'select id from bookings where workspace_id = $1 and contact_id = $2', [laundry, turns[0]!.contact_id]),
      record: await one<{ context: Record<string, unknown> }>(tx, 'select context from ari_conversations where workspace_id = $1 and contact_id = $2', [laundry, turns[0]!.contact_id]),
    }));
    expect(bookings).toEqual([]);
    expect(record.context).toMatchObject({ postal_code: 'K2P1L4', outcome: 'out_of_area', step: 'done' });
  });

  it('hands over to a person when asked, stays silent, and carries on where it was once handed back', async () => {
    const phone = '+14165550177';
    const turns = await converse(laundry, phone, ['M4C 1A1', 'can I talk to a person?', 'hello?']);
    expect(turns.map((r) => [r.state, r.handoff])).toEqual([['qualifying', false], ['handoff', true], ['handoff', true]]);
    expect(turns[1]!.reply).toMatch(/a person from our team/);
    expect(turns[2]!.reply).toBeNull();
    const owner = await asService(db(), (tx) => one<{ owner: string }>(tx, 'select owner from conversations where workspace_id = $1 and id = $2', [laundry, turns[0]!.conversation_id]));
    expect(owner.owner).toBe('human');

    const back = await t.call('POST', `/api/v1/conversations/${turns[0]!.conversation_id}/hand-back`, laundryOwner);
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    const resumed = await text(laundry, phone, 'express, 2 loads');
    expect(resumed).toMatchObject({ state: 'qualifying', handoff: false, reply: "What's the pickup address?" });
  });

  it('stays silent on a thread a person owns, and answers a redelivered text from the record', async () => {
    const phone = '+14165550166';
    const first = await text(laundry, phone, 'Hi there', 'SM-redelivered-1');
    const again = await text(laundry, phone, 'Hi there', 'SM-redelivered-1');
    expect(again.reply).toBe(first.reply);
    await asService(db(), (tx) => tx.query(`update conversations set owner = 'human' where workspace_id = $1 and id = $2`, [laundry, first.conversation_id]));
    const silent = await text(laundry, phone, 'M5V 2T6');
    expect(silent).toMatchObject({ reply: null, handoff: true });
    const counts = await asService(db(), (tx) =>
      one<{ inbound: number; outbound: number }>(tx, `select count(*) filter (where direction = 'inbound')::int as inbound, count(*) filter (where direction = 'outbound')::int as outbound from sms_messages where workspace_id = $1 and contact_id = $2`, [laundry, first.contact_id]),
    );
    expect(counts).toEqual({ inbound: 2, outbound: 1 });
  });

  it('answers in Spanish when the customer writes in Spanish', async () => {
    const turns = await converse(laundry, '+14165550155', ['Hola, necesito recoger ropa', 'M5V 2T6', 'express, 2 cargas']);
    expect(turns[0]!.reply).toBe('¡Hola! Te escribe 1StopLaundry. ¿Cuál es tu código postal?');
    expect(turns[2]!.reply).toBe('¿Cuál es la dirección de recogida?');
  });

  it("leaves other workspaces' texts to ARI's consultancy flow", async () => {
    const turn = await text(consultancy, '+6281234567001', 'Halo, saya mau kuliah di UK');
    expect(turn.reply).toBeTruthy();
    const meta = await asService(db(), (tx) =>
      one<{ metadata: Record<string, unknown> }>(tx, `select m.metadata from ari_messages m join ari_conversations a on a.workspace_id = m.workspace_id and a.id = m.ari_conversation_id where a.workspace_id = $1 and m.role = 'assistant'`, [consultancy]),
    );
    expect(meta.metadata.app).toBeUndefined();
    expect(meta.metadata.path).toBeDefined();
  });
});
