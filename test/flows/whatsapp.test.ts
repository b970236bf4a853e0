import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asService, one, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { startFakeMeta, type FakeMeta } from '../support/fakes/meta.ts';
import { answerInbound } from '../../src/apps/answer.ts';
import { DEMO_WHATSAPP } from '../../src/apps/ari/demo-channels.ts';
import { seedDemo } from '../../src/apps/demo.ts';
import { notify } from '../../src/notify.ts';
import { sendDueNotices } from '../../src/modules/scheduling/index.ts';
import { fixedClock, systemClock } from '../../src/platform/clock.ts';
import { withTenant } from '../../src/platform/db/tenant.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { channelsApp, waId } from '../support/channels.ts';
import { createChannelWorker } from '../../src/modules/channels/outbox/worker.ts';
import { hubSignature, isValidHubSignature, readableBody } from '../../src/modules/channels/whatsapp/whatsapp.protocol.ts';
import { whatsappSender } from '../../src/modules/channels/whatsapp/whatsapp.sender.ts';

describe('X-Hub-Signature-256', () => {
  it("matches the reference's test vector", () => {
    // HMAC-SHA256("secret", "test"), reference/integrations.md §2.
    expect(hubSignature('test', 'secret')).toBe('sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914');
    expect(isValidHubSignature('test', 'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914', 'secret')).toBe(true);
  });

  it('is computed over the raw bytes, escaped unicode included, and refuses anything else', () => {
    const raw = '{"text":"caf\\u00e9 \\ud83d\\ude00"}';
    const sig = `sha256=${createHmac('sha256', 'k').update(raw).digest('hex')}`;
    expect(isValidHubSignature(raw, sig, 'k')).toBe(true);
    expect(isValidHubSignature(JSON.stringify(JSON.parse(raw)), sig, 'k')).toBe(false);
    expect(isValidHubSignature(raw, sig.toUpperCase().replace('SHA256', 'sha256'), 'k')).toBe(true);
    for (const bad of [undefined, '', sig.slice(7), `sha1=${sig.slice(7)}`, `${sig}00`, sig.replace(/.$/, '0')]) {
      if (bad !== sig) expect(isValidHubSignature(raw, bad, 'k')).toBe(false);
    }
  });

  it('gives every non-text message a readable placeholder', () => {
    const m = (type: string, extra: Record<string, unknown>) => readableBody({ from: '1', id: 'x', timestamp: '1', type, ...extra } as never);
    expect(m('image', { image: { caption: 'my passport' } })).toBe('[Image] my passport');
    expect(m('audio', { audio: { voice: true } })).toBe('[Voice message]');
    expect(m('document', { document: { filename: 'transcript.pdf' } })).toBe('[Document: transcript.pdf]');
    expect(m('location', { location: { latitude: -6.2, longitude: 106.8, name: 'Kantor' } })).toBe('[Location: Kantor]');
    expect(m('interactive', { interactive: { type: 'button_reply', button_reply: { id: 'b1', title: 'Yes please' } } })).toBe('Yes please');
    expect(m('reaction', { reaction: { message_id: 'w', emoji: '👍' } })).toBe('[Reaction 👍]');
    expect(m('ephemeral', {})).toBe('[Unsupported message: ephemeral]');
    expect(m('text', {})).toBe('');
  });
});

let fake: FakeMeta;
beforeAll(async () => {
  fake = await startFakeMeta();
});
afterAll(async () => {
  await fake.close();
});

describeEachDatabase('WhatsApp through the Cloud API', (db) => {
  let t: ReturnType<typeof channelsApp>;
  let ws: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;

  beforeAll(async () => {
    t = channelsApp(db(), fake);
    ws = await t.connectedWorkspace({ reminder_template: { name: 'appointment_reminder', language: 'id' } });
  });
  beforeEach(() => {
    fake.callbackTo(undefined);
  });

  const sentTo = (phone: string) => fake.sent.filter((s) => s.body.to === `+${phone}`);
  const contactOf = (phone: string) =>
    asService(db(), (tx) => one<{ id: string }>(tx, 'select id from contacts where workspace_id = $1 and phone = $2', [ws.workspaceId, `+${phone}`]));

  it("answers Meta's verification challenge only for a workspace's verify token", async () => {
    const ok = await t.call('GET', `/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${ws.verifyToken}`);
    expect(ok).toEqual({ status: 200, body: 1158201444 });
    expect((await t.call('GET', '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong-token')).status).toBe(403);
    expect((await t.call('GET', `/webhooks/whatsapp?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${ws.verifyToken}`)).status).toBe(403);
    expect((await t.call('GET', '/webhooks/whatsapp')).status).toBe(403);
  });

  it("a customer's message is stored once, acknowledged, answered by the assistant from the queue, and the reply goes out through the send endpoint", async () => {
    const from = waId();
    const inbound = fake.inbound(ws.phoneNumberId, { from, text: 'Halo, saya mau kuliah S2 di UK', name: 'Budi' });
    const ack = await t.post(inbound);
    expect(ack).toEqual({ status: 200, body: { messages: 1, duplicates: 0, statuses: 0, rejected: 0 } });
    // Acknowledged before the turn: nothing is answered or sent yet.
    expect(sentTo(from)).toHaveLength(0);
    const stored = await asService(db(), (tx) => one<{ status: string; body: string }>(tx, 'select status, body from channel_inbox where workspace_id = $1 and provider_message_id = $2', [ws.workspaceId, inbound.wamid]));
    expect(stored).toEqual({ status: 'pending', body: 'Halo, saya mau kuliah S2 di UK' });

    await t.worker.drain();
    const sent = sentTo(from);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.phoneNumberId).toBe(ws.phoneNumberId);
    expect(sent[0]!.body).toMatchObject({ messaging_product: 'whatsapp', recipient_type: 'individual', type: 'text', text: { preview_url: false, body: expect.any(String) } });
    const msgs = (await t.messages(ws.workspaceId)).filter((m) => m.provider_message_id === inbound.wamid || m.id === sent[0]!.body.biz_opaque_callback_data);
    expect(msgs.map((m) => [m.direction, m.delivery_status])).toEqual([['inbound', 'received'], ['outbound', 'sent']]);
    expect(msgs[1]!.provider_message_id).toBe(sent[0]!.wamid);
    expect(msgs[1]!.body).toBe(sent[0]!.body.text.body);
    const window = await asService(db(), (tx) => one<{ last_inbound_at: Date }>(tx, "select last_inbound_at from contact_channel_windows where workspace_id = $1 and channel = 'whatsapp'", [ws.workspaceId]));
    expect(window.last_inbound_at.getTime()).toBe(Number(JSON.parse(inbound.body).entry[0].changes[0].value.messages[0].timestamp) * 1000);
  });

  it('refuses tampered, unsigned and wrongly signed deliveries and stores nothing from them', async () => {
    const from = waId();
    const inbound = fake.inbound(ws.phoneNumberId, { from, text: 'pay 10' });
    const tampered = { body: inbound.body.replace('pay 10', 'pay 99'), signature: inbound.signature };
    expect((await t.post(tampered)).status).toBe(401);
    expect((await t.post(inbound, '')).body.error.code).toBe('webhook.signature_missing');
    expect((await t.post(inbound, hubSignature(inbound.body, 'not-the-app-secret'))).status).toBe(401);
    expect((await t.post({ body: '{not json', signature: inbound.signature })).status).toBe(400);
    const count = await asService(db(), (tx) => one<{ n: number }>(tx, 'select count(*)::int as n from channel_inbox where provider_message_id = $1', [inbound.wamid]));
    expect(count.n).toBe(0);
  });

  it('a duplicated or replayed delivery is acknowledged and answered once', async () => {
    const from = waId();
    const inbound = fake.inbound(ws.phoneNumberId, { from, text: 'Halo kak' });
    const results = await Promise.all([t.post(inbound), t.post(inbound), t.post(inbound)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.reduce((n, r) => n + r.body.messages, 0)).toBe(1);
    await t.worker.drain();
    const replay = await t.post(inbound);
    expect(replay.body).toEqual({ messages: 0, duplicates: 1, statuses: 0, rejected: 0 });
    await t.worker.drain();
    expect(sentTo(from)).toHaveLength(1);
    const contact = await contactOf(from);
    const inbounds = await asService(db(), (tx) => one<{ n: number }>(tx, "select count(*)::int as n from messages m join conversations c on c.workspace_id = m.workspace_id and c.id = m.conversation_id where c.contact_id = $1 and m.direction = 'inbound'", [contact.id]));
    expect(inbounds.n).toBe(1);
  });

  it('several messages in one delivery are answered in the order the customer wrote them', async () => {
    const from = waId();
    const now = Math.floor(Date.now() / 1000);
    const texts = ['Halo', 'Nama saya Budi Santoso', 'Saya mau kuliah di UK', 'IELTS saya 7.0'];
    const parts = texts.map((text, i) => JSON.parse(fake.inbound(ws.phoneNumberId, { from, text, timestamp: now + i }).body));
    const envelope = parts[0];
    envelope.entry[0].changes[0].value.messages = parts.map((p: any) => p.entry[0].changes[0].value.messages[0]).reverse();
    const body = JSON.stringify(envelope);
    expect((await t.post({ body, signature: hubSignature(body, ws.appSecret) })).body.messages).toBe(4);
    await t.worker.drain();
    const contact = await contactOf(from);
    const inbound = await asService(db(), (tx) =>
      rows<{ body: string }>(tx, "select m.body from messages m join conversations c on c.workspace_id = m.workspace_id and c.id = m.conversation_id where c.contact_id = $1 and m.direction = 'inbound' order by m.created_at, m.id", [contact.id]),
    );
    expect(inbound.map((m) => m.body)).toEqual(texts);
    expect(sentTo(from).length).toBeGreaterThanOrEqual(1);
  });

  it('records a non-text message with its placeholder and kind', async () => {
    const from = waId();
    const inbound = fake.inbound(ws.phoneNumberId, { from, type: 'image', extra: { image: { id: 'media-1', mime_type: 'image/jpeg', caption: 'transkrip saya' } } });
    expect((await t.post(inbound)).status).toBe(200);
    await t.worker.drain();
    const m = (await t.messages(ws.workspaceId)).find((x) => x.provider_message_id === inbound.wamid)!;
    expect(m).toMatchObject({ body: '[Image] transkrip saya', content_type: 'image', direction: 'inbound' });
  });

  it('applies delivery statuses forward only, whatever order and however often they come', async () => {
    const from = waId();
    await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
    await t.worker.drain();
    const wamid = sentTo(from)[0]!.wamid;
    const status = (s: string, errors?: unknown[]) => t.post(fake.statuses(ws.phoneNumberId, [{ id: wamid, status: s, ...(errors ? { errors } : {}) }]));
    expect((await status('read')).body.statuses).toBe(1);
    await status('delivered');
    await status('sent');
    await status('read');
    await status('failed', [{ code: 131026, title: 'Message undeliverable' }]);
    const m = (await t.messages(ws.workspaceId)).find((x) => x.provider_message_id === wamid)!;
    expect(m).toMatchObject({ delivery_status: 'read', error: null });
  });

  it('marks a sent message failed with the reason Meta gives', async () => {
    const from = waId();
    await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
    await t.worker.drain();
    const wamid = sentTo(from)[0]!.wamid;
    await t.post(fake.statuses(ws.phoneNumberId, [{ id: wamid, status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] }]));
    await t.post(fake.statuses(ws.phoneNumberId, [{ id: wamid, status: 'delivered' }]));
    const m = (await t.messages(ws.workspaceId)).find((x) => x.provider_message_id === wamid)!;
    expect(m).toMatchObject({ delivery_status: 'failed', error: 'WhatsApp: 131026 Message undeliverable' });
  });

  it("never delivers an assistant reply a person overtook before it went out, but always the handoff notice", async () => {
    const from = waId();
    await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
    await t.worker.drain();
    expect(sentTo(from)).toHaveLength(1);
    // The next reply is queued by a turn (the window is open); before the worker sends it, a
    // person takes the thread over.
    const turn = await t.call('POST', '/api/v1/assistant/turns', { ...ws.as, body: { phone: `+${from}`, channel: 'whatsapp', message: 'Saya mau kuliah S2 di UK' } });
    expect(turn.status).toBe(200);
    expect(turn.body.reply).toEqual(expect.any(String));
    expect((await t.call('POST', `/api/v1/conversations/${turn.body.conversation_id}/takeover`, ws.as)).status).toBe(200);
    await t.worker.drain();
    expect(sentTo(from)).toHaveLength(1);
    const overtaken = (await t.messages(ws.workspaceId)).find((m) => m.direction === 'outbound' && m.body === turn.body.reply)!;
    expect(overtaken).toMatchObject({ delivery_status: 'failed', error: 'not sent: a person took over the conversation before it went out' });
    expect((await t.outbox(ws.workspaceId)).find((o) => o.message_id === overtaken.id)).toMatchObject({ status: 'failed', attempts: 1 });

    // Asking for a person hands the thread over in the same turn; the notice still goes out.
    const other = waId();
    await t.post(fake.inbound(ws.phoneNumberId, { from: other, text: 'Saya mau bicara dengan manusia' }));
    await t.worker.drain();
    const notice = (await t.messages(ws.workspaceId)).find((m) => m.direction === 'outbound' && m.provider_message_id === sentTo(other)[0]?.wamid);
    expect(sentTo(other)).toHaveLength(1);
    expect(notice).toMatchObject({ delivery_status: 'sent', body: sentTo(other)[0]!.body.text.body });
    const thread = await asService(db(), (tx) => one<{ owner: string }>(tx, "select c.owner from conversations c join contacts p on p.id = c.contact_id where p.phone = $1", [`+${other}`]));
    expect(thread.owner).toBe('human');
  });

  it('retries a provider that fails twice, then records the one send that succeeded', async () => {
    const from = waId();
    await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
    fake.fail({ status: 500 });
    fake.fail({ status: 429, body: { error: { message: 'rate limit', code: 130429 } } });
    await t.worker.drain();
    expect(sentTo(from)).toHaveLength(1);
    const row = (await t.outbox(ws.workspaceId)).find((o) => o.message_id === sentTo(from)[0]!.body.biz_opaque_callback_data)!;
    expect(row).toMatchObject({ status: 'sent', attempts: 3, provider_message_id: sentTo(from)[0]!.wamid });
  });

  it('waits longer after each failure', async () => {
    const w = createChannelWorker({ db: db(), secrets: t.secrets, clock: systemClock, log: silentLogger(), answer: (scope, input, hooks) => answerInbound(scope, input, {}, hooks), senders: [whatsappSender({ graphUrl: fake.graphUrl })], backoffMs: 60_000 });
    const from = waId();
    fake.fail({ status: 503 });
    const before = Date.now();
    await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
    await w.drain();
    const failed = (await t.outbox(ws.workspaceId)).find((o) => o.status === 'pending')!;
    expect(failed).toMatchObject({ attempts: 1, last_error: expect.stringContaining('WhatsApp 503') });
    expect(failed.next_attempt_at.getTime() - before).toBeGreaterThanOrEqual(59_000);
    expect(failed.next_attempt_at.getTime() - before).toBeLessThan(70_000);
    // Not due yet: a worker pass leaves it alone.
    await w.drain();
    expect(sentTo(from)).toHaveLength(0);
    await asService(db(), (tx) => tx.query('update outbox set next_attempt_at = now() where message_id = $1', [failed.message_id]));
    fake.fail({ status: 502 });
    await w.drain();
    const again = (await t.outbox(ws.workspaceId)).find((o) => o.message_id === failed.message_id)!;
    expect(again).toMatchObject({ status: 'pending', attempts: 2 });
    expect(again.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(110_000);
    await asService(db(), (tx) => tx.query('update outbox set next_attempt_at = now() where message_id = $1', [failed.message_id]));
    await w.drain();
    expect((await t.outbox(ws.workspaceId)).find((o) => o.message_id === failed.message_id)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(sentTo(from)).toHaveLength(1);
  });

  it('a reply that Meta refuses for good is marked failed with the reason, and not retried', async () => {
    const from = waId();
    await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
    fake.fail({ status: 400, body: { error: { message: '(#100) Invalid parameter', code: 100 } } });
    await t.worker.drain();
    expect(sentTo(from)).toHaveLength(0);
    const m = (await t.messages(ws.workspaceId)).filter((x) => x.direction === 'outbound' && x.error?.includes('(#100)'));
    expect(m).toHaveLength(1);
    expect(m[0]!.delivery_status).toBe('failed');
    expect((await t.outbox(ws.workspaceId)).find((o) => o.message_id === m[0]!.id)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  describe('the 24-hour customer-service window', () => {
    async function closedWindowContact() {
      const from = waId();
      await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo', timestamp: Math.floor(Date.now() / 1000) - 25 * 3600 }));
      await t.worker.drain();
      return { from, contact: await contactOf(from) };
    }
    const queue = (contactId: string, kind: 'reminder' | 'confirmation', body: string) =>
      withTenant(db(), { kind: 'system', workspaceId: ws.workspaceId }, (tx) =>
        notify({ tx, actor: { kind: 'system', workspaceId: ws.workspaceId }, clock: systemClock, log: silentLogger() }, { contactId, kind, body }),
      );

    it('is tracked per contact from the time the customer wrote', async () => {
      const { contact } = await closedWindowContact();
      const w = await asService(db(), (tx) => one<{ age: number }>(tx, 'select extract(epoch from now() - last_inbound_at)::int as age from contact_channel_windows where contact_id = $1', [contact.id]));
      expect(w.age).toBeGreaterThanOrEqual(25 * 3600 - 5);
    });

    it('outside it a reminder goes as the configured approved template', async () => {
      const { from, contact } = await closedWindowContact();
      const before = sentTo(from).length;
      await queue(contact.id, 'reminder', 'Pengingat: konsultasi besok pukul 10.00');
      await t.worker.drain();
      const sent = sentTo(from).slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.body).toMatchObject({
        type: 'template',
        template: { name: 'appointment_reminder', language: { code: 'id', policy: 'deterministic' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Pengingat: konsultasi besok pukul 10.00' }] }] },
      });
    });

    it('outside it anything else is not sent and is marked failed with the reason', async () => {
      const { from, contact } = await closedWindowContact();
      const before = sentTo(from).length;
      await queue(contact.id, 'confirmation', 'Konsultasi dikonfirmasi');
      await t.worker.drain();
      expect(sentTo(from).length).toBe(before);
      const m = (await t.messages(ws.workspaceId)).find((x) => x.body === 'Konsultasi dikonfirmasi' && x.delivery_status === 'failed');
      expect(m?.error).toMatch(/24-hour customer-service window/);
    });

    it('inside it a reminder goes as text', async () => {
      const from = waId();
      await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
      await t.worker.drain();
      await queue((await contactOf(from)).id, 'reminder', 'Pengingat: besok');
      await t.worker.drain();
      expect(sentTo(from).at(-1)!.body).toMatchObject({ type: 'text', text: { body: 'Pengingat: besok' } });
    });
  });

  it("a scheduling reminder reaches the customer's WhatsApp", async () => {
    const from = waId();
    await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
    await t.worker.drain();
    // Slots every hour of every day, so the next hour is bookable whenever the test runs.
    for (let day = 0; day < 7; day++) {
      const res = await t.call('POST', '/api/v1/consultant-slots', { ...ws.as, body: { day_of_week: day, start_time: '00:00', end_time: '23:59', duration_minutes: 60, max_bookings_per_slot: 5, booking_window_days: 30 } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const start = new Date(Math.ceil((Date.now() + 3 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
    const booked = await t.call('POST', '/api/v1/bookings', { ...ws.as, body: { customer_name: 'Rudi', customer_phone: `+${from}`, service_type: 'Konsultasi', start, status: 'scheduled' } });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    // The reminder job's run half an hour before the booking.
    expect(await sendDueNotices({ db: db(), log: silentLogger(), clock: fixedClock(new Date(Date.parse(start) - 30 * 60_000)), notify })).toMatchObject({ reminders: 1 });
    await t.worker.drain();
    const reminder = sentTo(from).at(-1)!;
    expect(reminder.body).toMatchObject({ type: 'text', text: { body: expect.stringContaining('Konsultasi') } });
    expect((await t.messages(ws.workspaceId)).find((m) => m.id === reminder.body.biz_opaque_callback_data)).toMatchObject({ delivery_status: 'sent', provider_message_id: reminder.wamid });
  });

  describe('a send whose outcome is unknown', () => {
    it('is not sent again, and the status callback naming our id records it as sent', async () => {
      const from = waId();
      await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
      await t.worker.drain();
      const sent = sentTo(from);
      expect(sent).toHaveLength(1);
      const ourId = sent[0]!.body.biz_opaque_callback_data as string;
      // As if the worker had died after Meta took the message and before recording it, and its claim expired.
      await asService(db(), async (tx) => {
        await tx.query("update outbox set status = 'sending', provider_message_id = null, claimed_until = now() - interval '1 second' where message_id = $1", [ourId]);
        await tx.query("update messages set provider_message_id = null where id = $1", [ourId]);
      });
      await t.worker.drain();
      expect(sentTo(from)).toHaveLength(1);
      await t.post(fake.statuses(ws.phoneNumberId, [{ id: sent[0]!.wamid, status: 'delivered', bizOpaque: ourId }]));
      expect((await t.outbox(ws.workspaceId)).find((o) => o.message_id === ourId)).toMatchObject({ status: 'sent', provider_message_id: sent[0]!.wamid });
      expect((await t.messages(ws.workspaceId)).find((m) => m.id === ourId)).toMatchObject({ delivery_status: 'delivered', provider_message_id: sent[0]!.wamid });
      await t.worker.drain();
      expect(sentTo(from)).toHaveLength(1);
    });

    it('a status callback that arrives before the send is recorded settles it, and it is never sent', async () => {
      const from = waId();
      await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
      await t.worker.drain();
      const contact = await contactOf(from);
      await withTenant(db(), { kind: 'system', workspaceId: ws.workspaceId }, (tx) =>
        notify({ tx, actor: { kind: 'system', workspaceId: ws.workspaceId }, clock: systemClock, log: silentLogger() }, { contactId: contact.id, kind: 'reminder', body: 'Pengingat' }),
      );
      const queued = (await t.messages(ws.workspaceId)).find((m) => m.body === 'Pengingat' && m.delivery_status === 'queued')!;
      await t.post(fake.statuses(ws.phoneNumberId, [{ id: 'wamid.FROMELSEWHERE', status: 'sent', bizOpaque: queued.id }]));
      const before = sentTo(from).length;
      await t.worker.drain();
      expect(sentTo(from).length).toBe(before);
      expect((await t.outbox(ws.workspaceId)).find((o) => o.message_id === queued.id)).toMatchObject({ status: 'sent', provider_message_id: 'wamid.FROMELSEWHERE' });
    });

    it('a connection dropped after the request left waits for the callback instead of a resend', async () => {
      const from = waId();
      await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo' }));
      fake.fail({ hangUp: true });
      await t.worker.drain();
      const row = (await t.outbox(ws.workspaceId)).find((o) => o.status === 'sending' && o.last_error?.includes('unreachable'));
      expect(row).toBeDefined();
      await t.worker.drain();
      expect((await t.outbox(ws.workspaceId)).find((o) => o.message_id === row!.message_id)).toMatchObject({ status: 'sending', attempts: 1 });
    });
  });
});

describeEachDatabase('the demo workspace on WhatsApp', (db) => {
  it("a message to Eagle Overseas's demo number through Meta gets the assistant's reply", async () => {
    const t = channelsApp(db(), fake);
    await seedDemo(db(), systemClock, { secrets: t.secrets });
    fake.connect({ phoneNumberId: DEMO_WHATSAPP.phone_number_id, accessToken: DEMO_WHATSAPP.access_token, appSecret: DEMO_WHATSAPP.app_secret });
    const settings = await t.call('GET', `/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${DEMO_WHATSAPP.verify_token}`);
    expect(settings).toEqual({ status: 200, body: 42 });

    const from = waId();
    const ack = await t.post(fake.inbound(DEMO_WHATSAPP.phone_number_id, { from, text: 'Halo, saya mau kuliah S2 di UK', name: 'Rudi' }));
    expect(ack.body).toEqual({ messages: 1, duplicates: 0, statuses: 0, rejected: 0 });
    await t.worker.drain();
    const reply = fake.sent.filter((s) => s.phoneNumberId === DEMO_WHATSAPP.phone_number_id && s.body.to === `+${from}`);
    expect(reply).toHaveLength(1);
    expect(reply[0]!.body.type).toBe('text');
    expect(reply[0]!.body.text.body.length).toBeGreaterThan(10);
    const ari = await asService(db(), (tx) =>
      one<{ content: string }>(tx, "select m.content from ari_messages m join ari_conversations a on a.workspace_id = m.workspace_id and a.id = m.ari_conversation_id join contacts c on c.workspace_id = a.workspace_id and c.id = a.contact_id where c.phone = $1 and m.role = 'assistant'", [`+${from}`]),
    );
    expect(ari.content).toBe(reply[0]!.body.text.body);
  });
});
