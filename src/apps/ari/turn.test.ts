import { Temporal } from 'temporal-polyfill';
import { beforeAll, describe, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp, type CallOptions } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';
import { DEMO_PASSWORD, seedDemo } from '../demo.ts';
import { slotLabel } from './tools.ts';
import { startFakeMidtrans } from '../../../test/support/fakes/midtrans.ts';
import { paymentsJobs } from '../../modules/payments/index.ts';
import { silentLogger } from '../../platform/log.ts';
import { tellCustomerAboutPayment } from './payment-events.ts';

/** The next Monday, 09:00 in Jakarta: a morning greeting and a week of weekday slots ahead. */
function nextMondayMorning(): Date {
  const today = Temporal.Now.zonedDateTimeISO('Asia/Jakarta');
  const monday = today.toPlainDate().add({ days: 8 - today.dayOfWeek });
  return new Date(monday.toZonedDateTime({ timeZone: 'Asia/Jakarta', plainTime: '09:00' }).epochMilliseconds);
}

type App = ReturnType<typeof testApp>;
type Body = Record<string, any>;
type As = { cookie: string; workspace: string } | { key: string };

const paths = (body: Body) => body.error.details.issues.map((i: { path: string }) => i.path);

/** Budi, a hot lead: studies in the UK, IELTS 7.0, 600 juta, next year. */
const HOT_LEAD = ['Halo, saya mau kuliah S2 computer science di UK', 'Nama saya Budi Santoso', 'IELTS saya 7.0', 'sekitar 600 juta', 'tahun depan', 'budi@example.com'];

describeEachDatabase('the assistant over HTTP', (db, kind) => {
  const clock = fixedClock(nextMondayMorning());
  let t: App;
  let eagle: string;
  let owner: { cookie: string; workspace: string };
  let member: { cookie: string; workspace: string };
  let channel: { key: string };
  let reader: { key: string };

  const turn = (as: As, body: Body) => t.call('POST', '/api/v1/assistant/turns', { ...(as as CallOptions), body });

  /** Sends each message in turn as the same customer; every turn must answer 200. */
  async function converse(as: As, phone: string, messages: string[]) {
    const results: Body[] = [];
    for (const message of messages) {
      const res = await turn(as, { phone, channel: 'whatsapp', message });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      results.push(res.body);
    }
    return results;
  }

  const ariMessages = (contactId: string) =>
    asService(db(), (tx) =>
      rows<{ role: string; content: string; ai_model: string | null; tokens_used: number | null; response_time_ms: number | null; metadata: Body }>(
        tx,
        `select m.role, m.content, m.ai_model, m.tokens_used, m.response_time_ms, m.metadata
           from ari_messages m join ari_conversations a on a.workspace_id = m.workspace_id and a.id = m.ari_conversation_id
          where a.contact_id = $1 order by m.created_at, m.id`,
        [contactId],
      ),
    );

  const ariConversation = (contactId: string) =>
    asService(db(), async (tx) => (await rows<Body>(tx, 'select * from ari_conversations where contact_id = $1', [contactId]))[0]!);

  beforeAll(async () => {
    t = testApp(db(), clock);
    const seeded = await seedDemo(db(), clock);
    eagle = seeded.find((w) => w.slug === 'eagle-overseas')!.workspaceId;
    // These conversations book without charging; the demo gateway's paid path is chat.test.ts's.
    await asService(db(), (tx) => tx.query(`delete from integrations where workspace_id = $1 and provider = 'demo_payments'`, [eagle]));
    const signin = await t.call('POST', '/api/v1/auth/signin', { body: { email: 'owner@eagle-overseas.demo', password: DEMO_PASSWORD } });
    expect(signin.status).toBe(200);
    owner = { cookie: (signin.headers.get('set-cookie') ?? '').split(';')[0]!, workspace: eagle };
    member = (await t.teammate(owner, email('agent'), 'member')).as;
    channel = { key: (await t.apiKey(owner)).key };
    reader = { key: (await t.apiKey(owner, true)).key };
  });

  describe('an Indonesian hot lead', () => {
    let results: Body[];
    let contactId: string;

    beforeAll(async () => {
      results = await converse(channel, '081234567011', HOT_LEAD);
      contactId = results[0]!.contact_id;
    });

    it('greets, qualifies one question at a time and offers the next consultation slots', async () => {
      expect(results.map((r) => r.state)).toEqual(['qualifying', 'qualifying', 'qualifying', 'qualifying', 'qualifying', 'booking']);
      expect(results[0]!.reply).toBe('Selamat pagi! Saya ARI dari Eagle Overseas Education, siap bantu rencana kuliah kamu ke luar negeri. Boleh tahu nama lengkap kamu?');
      expect(results.every((r) => r.contact_id === contactId && r.conversation_id === results[0]!.conversation_id && r.handoff === false)).toBe(true);

      const monday = Temporal.Instant.fromEpochMilliseconds(clock.now().getTime()).toZonedDateTimeISO('Asia/Jakarta').toPlainDate();
      const availability = await t.call('GET', `/api/v1/availability?from=${monday}&to=${monday.add({ days: 13 })}`, owner);
      expect(availability.status).toBe(200);
      const offered = (availability.body.data as { start: string }[]).slice(0, 5);
      expect(offered).toHaveLength(5);
      expect(results[5]!.reply).toBe(
        [
          'Profil kamu cocok untuk konsultasi 1-on-1 dengan konsultan kami. Pilih jadwalnya:',
          ...offered.map((s, i) => `${i + 1}. ${slotLabel(new Date(s.start), 'Asia/Jakarta', 'id', 'ID')}`),
          'Balas dengan nomornya, misalnya "2".',
        ].join('\n'),
      );
      expect(results[5]!.reply).toContain('1. Senin, ');
    });

    it('scores the lead hot and keeps what it learned in the conversation', async () => {
      const last = results[5]!;
      expect(last.lead_temperature).toBe('hot');
      expect(last.lead_score).toBeGreaterThanOrEqual(70);
      expect(results.slice(0, 5).map((r) => r.lead_temperature)).not.toContain('hot');
      const ari = await ariConversation(contactId);
      expect(ari).toMatchObject({ state: 'booking', lead_score: last.lead_score, lead_temperature: 'hot', ai_model: 'rule-engine', conversation_id: last.conversation_id, handoff_at: null });
      expect(ari.context).toMatchObject({
        name: 'Budi Santoso',
        email: 'budi@example.com',
        destination: 'United Kingdom',
        ielts: 7,
        budget_amount: 600_000_000,
        timeline: 'tahun depan',
        scheduling_step: 'choose_slot',
        language: 'id',
      });
      expect(ari.context.offered_slots).toHaveLength(5);
      expect(ari.context.reasons.length).toBeGreaterThan(0);
    });

    it('records both sides in ari_messages, with the model, tokens, latency and the path it took', async () => {
      const messages = await ariMessages(contactId);
      expect(messages.map((m) => m.role)).toEqual(HOT_LEAD.flatMap(() => ['user', 'assistant']));
      expect(messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(HOT_LEAD);
      for (const m of messages.filter((m) => m.role === 'user')) expect(m).toMatchObject({ ai_model: null, tokens_used: null, response_time_ms: null });
      const replies = messages.filter((m) => m.role === 'assistant');
      expect(replies.map((m) => m.content)).toEqual(results.map((r) => r.reply));
      for (const m of replies) {
        expect(m).toMatchObject({ ai_model: 'rule-engine', tokens_used: 0 });
        expect(m.response_time_ms).toEqual(expect.any(Number));
        expect(m.response_time_ms).toBeGreaterThanOrEqual(0);
        expect(m.metadata).toMatchObject({ trace: expect.any(Array), tool_calls: expect.any(Array), language: 'id' });
      }
      const path = replies.flatMap((m, i) => (i === 0 ? m.metadata.path : m.metadata.path.slice(1)));
      expect(path).toEqual(['greeting', 'qualifying', 'scoring', 'booking']);
      expect(replies[5]!.metadata.tool_calls.map((c: Body) => c.name)).toEqual(['availableSlots']);
    });

    it('syncs the score, temperature, status, name and email to the contact', async () => {
      const contact = await t.call('GET', `/api/v1/contacts/${contactId}`, owner);
      expect(contact.status).toBe(200);
      expect(contact.body).toMatchObject({
        phone: '+6281234567011',
        name: 'Budi Santoso',
        email: 'budi@example.com',
        lead_score: results[5]!.lead_score,
        lead_temperature: 'hot',
        lead_status: 'hot_lead',
        source: 'whatsapp',
        tags: [],
      });
    });

    it('leaves every message in the inbox: inbound received, replies queued for the channel', async () => {
      const thread = await t.call('GET', `/api/v1/conversations/${results[0]!.conversation_id}`, owner);
      expect(thread.status).toBe(200);
      expect(thread.body).toMatchObject({ channel: 'whatsapp', owner: 'ai', status: 'open', unread_count: 6, contact: { id: contactId } });
      expect(thread.body.messages.map((m: Body) => [m.direction, m.sender_kind, m.delivery_status, m.body])).toEqual(
        HOT_LEAD.flatMap((message, i) => [
          ['inbound', 'contact', 'received', message],
          ['outbound', 'assistant', 'queued', results[i]!.reply],
        ]),
      );
    });
  });

  describe('booking through the scheduling engine', () => {
    it('books the slot the hot lead chose and confirms it (no charge without payments)', async () => {
      const results = await converse(channel, '081234567012', [...HOT_LEAD, 'pilih 2', 'ya']);
      expect(results.map((r) => r.state).slice(5)).toEqual(['booking', 'booking', 'scheduling']);
      const ari = await ariConversation(results[0]!.contact_id);
      expect(results[7]!.reply).toBe(`Jadwal konsultasi kamu terkonfirmasi: ${ari.context.selected_slot.local_label}. Link meeting akan dikirim 1 jam sebelum jadwal.`);
      const appointments = await t.call('GET', `/api/v1/appointments?contact_id=${results[0]!.contact_id}`, owner);
      expect(appointments.body.data).toEqual([
        expect.objectContaining({ id: ari.context.appointment_id, scheduled_at: ari.context.selected_slot.start, status: 'scheduled', ari_conversation_id: ari.id }),
      ]);
    });

    it('offers the remaining slots when the chosen one was taken before the lead confirmed', async () => {
      const offered = await converse(channel, '081234567023', HOT_LEAD);
      const slots = (await ariConversation(offered[0]!.contact_id)).context.offered_slots as { start: string; local_label: string }[];
      const [rival] = await converse(channel, '081234567024', ['Halo']);
      const taken = await t.call('POST', '/api/v1/appointments', { ...owner, body: { contact_id: rival!.contact_id, start: slots[1]!.start } });
      expect(taken.status).toBe(201);
      const results = await converse(channel, '081234567023', ['pilih 2', 'ya', '1', 'ya']);
      expect(results.map((r) => r.state)).toEqual(['booking', 'booking', 'booking', 'scheduling']);
      expect(results[1]!.reply).toMatch(/^Maaf, jadwal itu baru saja terisi\. Ini pilihan lainnya:\n1\. /);
      expect(results[1]!.reply).not.toContain(slots[1]!.local_label);
      const ari = await ariConversation(offered[0]!.contact_id);
      expect(ari.context.selected_slot.start).toBe(slots[0]!.start);
    });

    it('sends a Midtrans payment link once the workspace takes payment, and the paid notification confirms the consultation', async () => {
      const midtrans = await startFakeMidtrans();
      try {
        midtrans.acceptKey('SB-Mid-server-turn-test');
        const configured = await t.call('PUT', '/api/v1/integrations/midtrans', {
          ...owner,
          body: { server_key: 'SB-Mid-server-turn-test', client_key: 'SB-Mid-client-turn-test', environment: 'sandbox', base_url: midtrans.url, consultation_price: 500000 },
        });
        expect(configured.status).toBe(200);
        const results = await converse(channel, '081234567031', [...HOT_LEAD, 'pilih 1', 'ya']);
        expect(results.at(-1)!.state).toBe('payment');
        const snap = midtrans.requests.filter((r) => r.path === '/snap/v1/transactions');
        expect(snap).toHaveLength(1);
        const orderId = (snap[0]!.body as { transaction_details: { order_id: string; gross_amount: number } }).transaction_details.order_id;
        expect((snap[0]!.body as { transaction_details: { gross_amount: number } }).transaction_details.gross_amount).toBe(500000);
        const ari = await ariConversation(results[0]!.contact_id);
        expect(results.at(-1)!.reply).toContain(ari.context.payment_url);

        midtrans.setStatus(orderId, 'settlement', { paymentType: 'qris' });
        const paid = await t.call('POST', '/webhooks/midtrans', { body: midtrans.notification(orderId) });
        expect(paid.status).toBe(200);
        const appointments = await t.call('GET', `/api/v1/appointments?contact_id=${results[0]!.contact_id}`, owner);
        expect(appointments.body.data).toEqual([expect.objectContaining({ id: ari.context.appointment_id, status: 'confirmed' })]);
        expect((await ariConversation(results[0]!.contact_id)).state).toBe('scheduling');
      } finally {
        // Later tests in this file book without charging.
        await asService(db(), (tx) => tx.query(`delete from integrations where workspace_id = $1 and provider = 'midtrans'`, [eagle]));
        await midtrans.close();
      }
    });
  });

  it('tells the customer when the payment link ran out, and sends a new one when they ask', async () => {
    const midtrans = await startFakeMidtrans();
    const start = clock.now();
    try {
      midtrans.acceptKey('SB-Mid-server-expiry-test');
      const configured = await t.call('PUT', '/api/v1/integrations/midtrans', {
        ...owner,
        body: { server_key: 'SB-Mid-server-expiry-test', client_key: 'SB-Mid-client-expiry-test', environment: 'sandbox', base_url: midtrans.url, consultation_price: 500000 },
      });
      expect(configured.status).toBe(200);
      const results = await converse(channel, '081234567032', [...HOT_LEAD, 'pilih 1', 'ya']);
      expect(results.at(-1)!.state).toBe('payment');
      const contactId = results[0]!.contact_id as string;
      const notices = () =>
        asService(db(), (tx) =>
          rows<{ body: string; delivery_status: string; metadata: Body }>(
            tx,
            `select m.body, m.delivery_status, m.metadata from messages m join conversations c on c.workspace_id = m.workspace_id and c.id = m.conversation_id
              where c.contact_id = $1 and m.metadata->>'kind' = 'payment' order by m.created_at`,
            [contactId],
          ),
        );

      // The expiry job, as the server runs it, a day and a minute after the link went out.
      const jobs = paymentsJobs({ db: db(), clock, log: silentLogger(), onPaymentChange: tellCustomerAboutPayment });
      clock.advance(24 * 3_600_000 - 60_000);
      await jobs[0]!.handler(undefined, { id: 'early', retryCount: 0 });
      expect(await notices()).toEqual([]);
      clock.advance(2 * 60_000);
      await jobs[0]!.handler(undefined, { id: 'due', retryCount: 0 });
      await jobs[0]!.handler(undefined, { id: 'again', retryCount: 0 });
      const told = await notices();
      expect(told).toEqual([expect.objectContaining({ delivery_status: 'queued', metadata: expect.objectContaining({ payment_event: 'expired' }) })]);
      expect(told[0]!.body).toMatch(/link/i);
      const payments = await t.call('GET', `/api/v1/payments?ari_conversation_id=${(await ariConversation(contactId)).id}`, owner);
      expect(payments.body.data.map((p: Body) => p.status)).toEqual(['expired']);

      // Asking for it gets a fresh link for the same consultation.
      const [again] = await converse(channel, '081234567032', ['minta link baru']);
      expect(again!.state).toBe('payment');
      const snaps = midtrans.requests.filter((r) => r.path === '/snap/v1/transactions');
      const ari = await ariConversation(contactId);
      expect(again!.reply).toContain(ari.context.payment_url);
      expect(new Set(snaps.map((r) => (r.body as { transaction_details: { order_id: string } }).transaction_details.order_id)).size).toBeGreaterThanOrEqual(2);
    } finally {
      clock.set(start);
      await asService(db(), (tx) => tx.query(`delete from integrations where workspace_id = $1 and provider = 'midtrans'`, [eagle]));
      await midtrans.close();
    }
  });

  it("takes '08...' and '+62...' as the same person: one contact, one inbox thread, one assistant record", async () => {
    const [first] = await converse(channel, '081234567013', ['Halo kak']);
    const [second] = await converse(member, '+62 812-3456-7013', ['Nama saya Rina Wijaya']);
    const [third] = await converse(channel, '6281234567013', ['Australia']);
    expect([second!.contact_id, third!.contact_id]).toEqual([first!.contact_id, first!.contact_id]);
    expect([second!.conversation_id, third!.conversation_id]).toEqual([first!.conversation_id, first!.conversation_id]);
    expect([first!.state, second!.state, third!.state]).toEqual(['qualifying', 'qualifying', 'qualifying']);
    const counts = await asService(db(), (tx) =>
      rows<{ contacts: number; aris: number; threads: number }>(
        tx,
        `select (select count(*)::int from contacts where workspace_id = $1 and phone = '+6281234567013') as contacts,
                (select count(*)::int from ari_conversations where contact_id = $2) as aris,
                (select count(*)::int from conversations where contact_id = $2) as threads`,
        [eagle, first!.contact_id],
      ),
    );
    expect(counts).toEqual([{ contacts: 1, aris: 1, threads: 1 }]);
    expect((await ariConversation(first!.contact_id)).context).toMatchObject({ name: 'Rina Wijaya', destination: 'Australia' });
  });

  it('answers an existing contact by id, on another channel in a thread of its own', async () => {
    const [byPhone] = await converse(channel, '081234567014', ['Halo kak']);
    const res = await turn(channel, { contact_id: byPhone!.contact_id, channel: 'sms', message: 'Nama saya Dewi' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contact_id: byPhone!.contact_id, state: 'qualifying', handoff: false });
    expect(res.body.conversation_id).not.toBe(byPhone!.conversation_id);
    expect(res.body.reply).toMatch(/^Salam kenal, Dewi!/);
  });

  it('stays silent in a conversation a person took over, and says so with handoff', async () => {
    const [first] = await converse(channel, '081234567015', ['Halo kak']);
    const takeover = await t.call('POST', `/api/v1/conversations/${first!.conversation_id}/takeover`, member);
    expect(takeover.status).toBe(200);
    const res = await turn(channel, { phone: '081234567015', channel: 'whatsapp', message: 'Nama saya Andi' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ reply: null, state: 'qualifying', lead_score: first!.lead_score, lead_temperature: first!.lead_temperature, handoff: true, contact_id: first!.contact_id, conversation_id: first!.conversation_id });
    const thread = await t.call('GET', `/api/v1/conversations/${first!.conversation_id}`, owner);
    expect(thread.body.messages.map((m: Body) => [m.direction, m.body])).toEqual([
      ['inbound', 'Halo kak'],
      ['outbound', first!.reply],
      ['inbound', 'Nama saya Andi'],
    ]);
    expect((await ariMessages(first!.contact_id)).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect((await ariConversation(first!.contact_id)).context.name).toBeUndefined();

    // Handed back, the assistant answers again where it left off.
    expect((await t.call('POST', `/api/v1/conversations/${first!.conversation_id}/hand-back`, member)).status).toBe(200);
    const resumed = await turn(channel, { phone: '081234567015', channel: 'whatsapp', message: 'Nama saya Andi' });
    expect(resumed.body).toMatchObject({ state: 'qualifying', handoff: false, reply: expect.stringMatching(/^Salam kenal, Andi!/) });
  });

  it('hands over to a person on request: the handoff message, owner human, tags and the summary on the contact', async () => {
    const results = await converse(channel, '081234567016', ['Halo, saya mau kuliah di UK', 'Nama saya Sari', 'Saya mau bicara dengan konsultan']);
    const last = results[2]!;
    expect(last).toMatchObject({ state: 'handoff', handoff: true, reply: 'Baik, saya hubungkan kamu dengan konsultan kami. Mereka akan membalas di chat ini secepatnya.' });
    const thread = await t.call('GET', `/api/v1/conversations/${last.conversation_id}`, owner);
    expect(thread.body.owner).toBe('human');
    expect(thread.body.messages.at(-1)).toMatchObject({ direction: 'outbound', sender_kind: 'assistant', delivery_status: 'queued', body: last.reply });
    const ari = await ariConversation(last.contact_id);
    expect(ari).toMatchObject({ state: 'handoff', handoff_reason: 'human_requested' });
    expect(ari.handoff_at).toEqual(clock.now());
    const contact = await t.call('GET', `/api/v1/contacts/${last.contact_id}`, owner);
    expect(contact.body.tags).toEqual(['Follow-up']);
    expect(contact.body.notes).toMatch(/^\[ARI Summary\] Skor \d+ \(\w+\)\. Nama: Sari\. Negara: Inggris\. /);

    const after = await turn(channel, { phone: '081234567016', channel: 'whatsapp', message: 'halo?' });
    expect(after.body).toMatchObject({ reply: null, state: 'handoff', handoff: true });

    // Written to on another channel: the person still answers, there too.
    const sms = await turn(channel, { phone: '081234567016', channel: 'sms', message: 'halo dari sms' });
    expect(sms.body).toMatchObject({ reply: null, state: 'handoff', handoff: true });
    for (const id of [last.conversation_id, sms.body.conversation_id]) {
      expect((await t.call('GET', `/api/v1/conversations/${id}`, owner)).body.owner).toBe('human');
    }
    // Handed back, the assistant resumes where it was before the handoff; the SMS thread stays with the person.
    expect((await t.call('POST', `/api/v1/conversations/${last.conversation_id}/hand-back`, member)).status).toBe(200);
    const handedBack = await turn(channel, { phone: '081234567016', channel: 'whatsapp', message: 'halo lagi' });
    expect(handedBack.body).toMatchObject({ reply: expect.any(String), state: 'qualifying', handoff: false });
    expect((await turn(channel, { phone: '081234567016', channel: 'sms', message: 'halo?' })).body).toMatchObject({ reply: null, handoff: true });
  });

  it('stays silent when the workspace switched the assistant off, and answers again when it is on', async () => {
    const shop = await t.owner(email('off'), { template: 'ari' });
    const config = (await t.call('GET', '/api/v1/assistant/config', shop.as)).body;
    const { updated_at: _, ...persona } = config;
    expect((await t.call('PUT', '/api/v1/assistant/config', { ...shop.as, body: { ...persona, enabled: false } })).status).toBe(200);
    const off = await turn(shop.as, { phone: '+6281234567017', channel: 'webchat', message: 'Halo' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ reply: null, state: 'greeting', lead_score: 0, lead_temperature: null, handoff: false });
    const thread = await t.call('GET', `/api/v1/conversations/${off.body.conversation_id}`, shop.as);
    expect(thread.body).toMatchObject({ channel: 'webchat', owner: 'ai' });
    expect(thread.body.messages.map((m: Body) => m.direction)).toEqual(['inbound']);

    expect((await t.call('PUT', '/api/v1/assistant/config', { ...shop.as, body: { ...persona, enabled: true } })).status).toBe(200);
    const on = await turn(shop.as, { phone: '+6281234567017', channel: 'webchat', message: 'Halo' });
    expect(on.body).toMatchObject({ state: 'qualifying', reply: expect.stringContaining('Boleh tahu nama lengkap kamu?') });
  });

  it('decides concurrent first messages of one person one after the other, in one contact, thread and record', async () => {
    const messages = ['Halo kak', 'Nama saya Putri', 'mau ke Jepang', 'menengah', '300 juta'];
    const results = await Promise.all(messages.map((message) => turn(channel, { phone: '081234567025', channel: 'whatsapp', message })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.body.contact_id)).size).toBe(1);
    expect(new Set(results.map((r) => r.body.conversation_id)).size).toBe(1);
    const contactId = results[0]!.body.contact_id;
    const roles = (await ariMessages(contactId)).map((m) => m.role);
    expect(roles).toEqual(messages.flatMap(() => ['user', 'assistant']));
    const ari = await ariConversation(contactId);
    expect(ari.context.turns).toBe(5);
    const thread = await t.call('GET', `/api/v1/conversations/${results[0]!.body.conversation_id}`, owner);
    expect(thread.body.messages).toHaveLength(10);
    expect(thread.body.unread_count).toBe(5);
  });

  it('answers with its technical error message when the turn fails, leaving the state as it was', async () => {
    const [first] = await converse(channel, '081234567026', ['Halo kak']);
    // Breaks a query the turn makes half way through, as a database fault would: the stages, read
    // again because the configuration changed (a process keeps it only while its version holds).
    await db().transaction(async (tx) => {
      await tx.query('alter table ari_flow_stages rename column goal to goal_broken');
      await tx.query('update ari_config set enabled = enabled');
    });
    let res;
    try {
      res = await turn(channel, { phone: '081234567026', channel: 'whatsapp', message: 'Nama saya Tono' });
    } finally {
      await db().transaction((tx) => tx.query('alter table ari_flow_stages rename column goal_broken to goal'));
    }
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reply: 'Maaf, ada gangguan teknis. Bentar ya.', state: 'qualifying', lead_score: first!.lead_score, handoff: false });
    const ari = await ariConversation(first!.contact_id);
    expect(ari.context.name).toBeUndefined();
    const last = (await ariMessages(first!.contact_id)).at(-1)!;
    expect(last).toMatchObject({ role: 'assistant', content: res.body.reply, ai_model: 'rule-engine', metadata: { error: 'turn_failed' } });
    const again = await turn(channel, { phone: '081234567026', channel: 'whatsapp', message: 'Nama saya Tono' });
    expect(again.body.reply).toMatch(/^Salam kenal, Tono!/);
  });

  it('answers a redelivered message from the record instead of running the turn again', async () => {
    const body = { phone: '081234567018', channel: 'whatsapp', message: 'Halo kak', provider_message_id: 'wamid.TURN1' };
    const first = await turn(channel, body);
    const again = await turn(channel, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await ariMessages(first.body.contact_id)).map((m) => m.role)).toEqual(['user', 'assistant']);
    const thread = await t.call('GET', `/api/v1/conversations/${first.body.conversation_id}`, owner);
    expect(thread.body.messages).toHaveLength(2);
    expect(thread.body.unread_count).toBe(1);
  });

  it('lets members and writing keys run turns, not read-only keys or strangers', async () => {
    const message = { phone: '081234567019', channel: 'whatsapp', message: 'Halo' };
    expect((await turn(member, message)).status).toBe(200);
    expect((await turn(owner, message)).status).toBe(200);
    const readOnly = await turn(reader, message);
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.error.code).toBe('auth.forbidden');
    expect((await t.call('POST', '/api/v1/assistant/turns', { body: message })).status).toBe(401);
  });

  it("answers another workspace's contact id as not found", async () => {
    const other = await t.owner(email('other'), { template: 'ari' });
    const theirs = await turn(other.as, { phone: '081234567020', channel: 'whatsapp', message: 'Halo' });
    expect(theirs.status).toBe(200);
    const res = await turn(channel, { contact_id: theirs.body.contact_id, channel: 'whatsapp', message: 'Halo' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('contact.not_found');
    const missing = await turn(channel, { contact_id: '01900000-0000-7000-8000-000000000000', channel: 'whatsapp', message: 'Halo' });
    expect(missing.status).toBe(404);
  });

  it('refuses bad input naming each field', async () => {
    const bad = await turn(channel, { channel: 'fax', message: ' ', extra: 1 });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(expect.arrayContaining(['body.channel', 'body.message']));
    const both = await turn(channel, { phone: '0812', contact_id: '01900000-0000-7000-8000-000000000000', channel: 'sms', message: 'Halo' });
    expect(paths(both.body)).toEqual(['body.phone']);
    const neither = await turn(channel, { channel: 'sms', message: 'Halo' });
    expect(paths(neither.body)).toEqual(['body.phone']);
    const notAPhone = await turn(channel, { phone: 'call me', channel: 'sms', message: 'Halo' });
    expect(notAPhone.status).toBe(400);
    expect(paths(notAPhone.body)).toEqual(['body.phone']);
    const nul = await turn(channel, { phone: '081234567021', channel: 'sms', message: 'Ha\u0000lo' });
    expect(paths(nul.body)).toEqual(['body.message']);
    const long = await turn(channel, { phone: '081234567021', channel: 'sms', message: 'x'.repeat(4097) });
    expect(paths(long.body)).toEqual(['body.message']);
  });

  describe.runIf(kind === 'postgres')('a person taking over while a reply is being decided', () => {
    it('wins: the assistant sends nothing and undoes its turn', async () => {
      const [first] = await converse(channel, '081234567022', ['Halo kak']);
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const holding = new Promise<void>((r) => (locked = r));
      // Staff's takeover, already under way: it holds the thread's row as an update would.
      const staff = asService(db(), async (tx) => {
        await tx.query('select 1 from conversations where id = $1 for no key update', [first!.conversation_id]);
        locked();
        await released;
        await tx.query(`update conversations set owner = 'human' where id = $1`, [first!.conversation_id]);
      });
      await holding;
      const pending = turn(channel, { phone: '081234567022', channel: 'whatsapp', message: 'Nama saya Joko' });
      try {
        // The turn runs until its check of the owner waits for the takeover (as the owner role, which may read pg_stat_activity).
        await expect
          .poll(async () => (await db().transaction((tx) => rows(tx, `select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%for update%'`))).length, { timeout: 10_000 })
          .toBe(1);
      } finally {
        release();
        await staff;
      }
      const res = await pending;
      expect(res.body).toMatchObject({ reply: null, state: 'qualifying', handoff: true });
      const thread = await t.call('GET', `/api/v1/conversations/${first!.conversation_id}`, owner);
      expect(thread.body.messages.map((m: Body) => m.direction)).toEqual(['inbound', 'outbound', 'inbound']);
      const ari = await ariConversation(first!.contact_id);
      expect(ari.context.name).toBeUndefined();
      expect((await ariMessages(first!.contact_id)).map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    });
  });
});
