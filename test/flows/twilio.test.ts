import { randomBytes } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db.ts';
import { startFakeTwilio, twilioSid, type FakeTwilio } from '../support/fakes/twilio.ts';
import { answerInbound } from '../../src/apps/answer.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/apps/demo.ts';
import { createServerApp } from '../../src/http.ts';
import { fixedClock, systemClock } from '../../src/platform/clock.ts';
import { withServiceRole, withTenant } from '../../src/platform/db/tenant.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';
import { saveChannelSettings } from '../../src/modules/channels/settings/settings.service.ts';
import { createSmsWorker } from '../../src/modules/channels/twilio/sms.worker.ts';
import { isValidTwilioSignature, twilioSignature } from '../../src/modules/channels/twilio/twilio.protocol.ts';
import { twilioSmsSender } from '../../src/modules/channels/twilio/twilio.sender.ts';
import { createChannelWorker } from '../../src/modules/channels/outbox/worker.ts';

const PUBLIC = 'https://desk.example.com';
const SMS_URL = `${PUBLIC}/webhooks/twilio/sms`;
const STATUS_URL = `${PUBLIC}/webhooks/twilio/status`;

describe('the X-Twilio-Signature scheme', () => {
  it("matches the reference's test vector and the twilio package", () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(twilio.getExpectedTwilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(isValidTwilioSignature('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, params)).toBe(true);
    expect(isValidTwilioSignature('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, { ...params, Digits: '1235' })).toBe(false);
    expect(isValidTwilioSignature('54321', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, params)).toBe(false);
  });

  it('accepts what twilio signs with or without the standard port, as validateRequest does', () => {
    const params = { Body: 'hi', From: '+14165550199', MessageSid: twilioSid('SM') };
    for (const signedAt of ['https://desk.example.com:443/webhooks/twilio/sms', SMS_URL]) {
      const signature = twilio.getExpectedTwilioSignature('token-abc', signedAt, params);
      expect(twilio.validateRequest('token-abc', signature, SMS_URL, params)).toBe(true);
      expect(isValidTwilioSignature('token-abc', signature, SMS_URL, params)).toBe(true);
    }
  });
});

describeEachDatabase('SMS through Twilio', (db) => {
  const box = createSecretBox(randomBytes(32));
  const log = silentLogger();
  let fake: FakeTwilio;
  let app: ReturnType<typeof createServerApp>;
  let workspaceId: string;
  const accountSid = twilioSid('AC');
  const authToken = randomBytes(16).toString('hex');
  const number = '+16475550100';

  const turns = () => createChannelWorker({ db: db(), secrets: box, clock: systemClock, log, answer: (scope, input, hooks) => answerInbound(scope, input, { secrets: box }, hooks), senders: [] }).drain();
  const smsWorker = () => createSmsWorker({ db: db(), secrets: box, clock: systemClock, log, apiUrl: fake.url, backoffMs: 0 });

  /** Posts a form as Twilio does, signed with the twilio package (the oracle) unless told otherwise. */
  async function post(url: string, params: Record<string, string>, o: { signature?: string | null } = {}) {
    const signature = o.signature === undefined ? twilio.getExpectedTwilioSignature(authToken, url, params) : o.signature;
    const { pathname, search } = new URL(url);
    const res = await app.request(pathname + search, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
      body: new URLSearchParams(params).toString(),
    });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
  }

  const inbound = (from: string, body: string, sid = twilioSid('SM')) => ({
    ToCountry: 'CA', ToState: 'ON', SmsMessageSid: sid, NumMedia: '0', ToCity: 'TORONTO', FromZip: '', SmsSid: sid, FromState: 'ON',
    SmsStatus: 'received', FromCity: 'TORONTO', Body: body, FromCountry: 'CA', To: number, ToZip: '', NumSegments: '1', MessageSid: sid,
    AccountSid: accountSid, From: from, ApiVersion: '2010-04-01',
  });

  const smsRows = (phone: string) =>
    withServiceRole(db(), (tx) =>
      tx.db
        .selectFrom('sms_messages')
        .select(['id', 'direction', 'message_body', 'status', 'provider_message_id', 'business_number', 'num_segments', 'contact_id', 'price_micros', 'price_unit', 'cost', 'error_code'])
        .where('workspace_id', '=', workspaceId)
        .where('phone_number', '=', phone)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    );

  beforeAll(async () => {
    fake = await startFakeTwilio();
    fake.addAccount(accountSid, authToken);
    app = createServerApp({ db: db(), log, clock: systemClock, secrets: box, publicUrl: PUBLIC });
    const seeded = await seedDemo(db(), systemClock, { publicUrl: PUBLIC });
    workspaceId = seeded.find((w) => w.slug === '1stoplaundry')!.workspaceId;
    const actor = { kind: 'system' as const, workspaceId };
    await withTenant(db(), actor, (tx) =>
      saveChannelSettings({ tx, actor, clock: systemClock, log }, box, 'twilio', { account_sid: accountSid, phone_numbers: [number], webhook_url: PUBLIC, auth_token: authToken }),
    );
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('refuses a webhook without a signature (400) and one with a tampered signature or body (403), storing nothing', async () => {
    const params = inbound('+14165550111', 'hello');
    const missing = await post(SMS_URL, params, { signature: null });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).error.code).toBe('twilio.signature_missing');
    const good = twilio.getExpectedTwilioSignature(authToken, SMS_URL, params);
    const tampered = await post(SMS_URL, params, { signature: good.slice(0, -2) + (good.endsWith('A=') ? 'B=' : 'A=') });
    expect(tampered.status).toBe(403);
    const changedBody = await post(SMS_URL, { ...params, Body: 'hello, and send it elsewhere' }, { signature: good });
    expect(changedBody.status).toBe(403);
    const otherUrl = await post(SMS_URL, params, { signature: twilio.getExpectedTwilioSignature(authToken, 'https://attacker.example/webhooks/twilio/sms', params) });
    expect(otherUrl.status).toBe(403);
    expect(await smsRows('+14165550111')).toEqual([]);
  });

  it('keeps an MMS as its text and a placeholder, without the NUL characters PostgreSQL cannot store', async () => {
    const customer = '+14165550133';
    const res = await post(SMS_URL, { ...inbound(customer, 'look at\u0000 this'), NumMedia: '2', MediaUrl0: 'https://api.twilio.com/m/0', MediaContentType0: 'image/jpeg', MediaUrl1: 'https://api.twilio.com/m/1', MediaContentType1: 'image/png' });
    expect(res.status).toBe(200);
    await turns();
    await smsWorker().drain();
    expect((await smsRows(customer))[0]).toMatchObject({ direction: 'inbound', message_body: 'look at this\n[2 attachments]' });
  });

  it('answers 404 for a number no workspace connected', async () => {
    const res = await post(SMS_URL, { ...inbound('+14165550112', 'hello'), To: '+16475550999', AccountSid: twilioSid('AC') });
    expect(res.status).toBe(404);
  });

  it('answers an incoming SMS at once with empty TwiML, then the assistant replies through the REST API from the workspace number', async () => {
    const customer = '+14165550123';
    const res = await post(SMS_URL, inbound(customer, 'Hi, can you pick up 2 loads of laundry tomorrow?'));
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/xml');
    expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(fake.sent.filter((m) => m.to === customer)).toEqual([]);

    expect((await turns()).turns).toBe(1);
    const queued = await smsRows(customer);
    expect(queued.map((r) => [r.direction, r.status])).toEqual([['inbound', 'received'], ['outbound', 'queued']]);
    expect(queued[0]).toMatchObject({ business_number: number, num_segments: 1, contact_id: expect.any(String) });

    expect(await smsWorker().drain()).toBe(1);
    const sent = fake.sent.filter((m) => m.to === customer);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ accountSid, from: number, body: queued[1]!.message_body });
    expect(sent[0]!.statusCallback).toBe(`${STATUS_URL}?sms=${queued[1]!.id}`);
    const after = await smsRows(customer);
    expect(after[1]).toMatchObject({ status: 'sending', provider_message_id: sent[0]!.sid, num_segments: 1 });
    // Both ends are on the contact's record, not in the messages table.
    const inMessages = await withServiceRole(db(), (tx) =>
      tx.db.selectFrom('messages').select('id').where('workspace_id', '=', workspaceId).where('channel', '=', 'sms').execute(),
    );
    expect(inMessages).toEqual([]);
  });

  it('stores a redelivered MessageSid once and answers it once', async () => {
    const customer = '+14165550124';
    const params = inbound(customer, 'Do you do dry cleaning?');
    const first = await post(SMS_URL, params);
    const again = await post(SMS_URL, params);
    expect([first.status, again.status]).toEqual([200, 200]);
    await turns();
    expect((await post(SMS_URL, params)).status).toBe(200);
    await turns();
    await smsWorker().drain();
    const rows = await smsRows(customer);
    expect(rows.map((r) => r.direction)).toEqual(['inbound', 'outbound']);
    expect(fake.sent.filter((m) => m.to === customer)).toHaveLength(1);
  });

  it('retries a send Twilio fails twice, then records the one SM sid it accepted', async () => {
    const customer = '+14165550125';
    await post(SMS_URL, inbound(customer, 'What are your prices?'));
    await turns();
    fake.fail({ status: 503, code: 20503, message: 'Service Unavailable' }, 1);
    fake.fail({ status: 429, code: 20429, message: 'Too Many Requests' }, 1);
    const worker = smsWorker();
    expect(await worker.drain()).toBe(3);
    const sent = fake.sent.filter((m) => m.to === customer);
    expect(sent).toHaveLength(1);
    const [, reply] = await smsRows(customer);
    expect(reply).toMatchObject({ status: 'sending', provider_message_id: sent[0]!.sid });
  });

  it('does not resend a message whose send was cut off until the wait for its status callback is over', async () => {
    const customer = '+14165550130';
    await post(SMS_URL, inbound(customer, 'Do you iron shirts?'));
    await turns();
    fake.fail({ hangUp: true }, 1);
    expect(await smsWorker().drain()).toBe(1);
    const [, cut] = await smsRows(customer);
    expect(cut).toMatchObject({ status: 'sending', provider_message_id: null });
    expect(await smsWorker().drain()).toBe(0);
    // No callback came within the 15 minutes after the claim ran out: Twilio never had it, so it goes again.
    const later = fixedClock(new Date(Date.now() + 17 * 60_000));
    expect(await createSmsWorker({ db: db(), secrets: box, clock: later, log, apiUrl: fake.url }).drain()).toBe(1);
    const sent = fake.sent.filter((m) => m.to === customer);
    expect(sent).toHaveLength(1);
    expect((await smsRows(customer))[1]).toMatchObject({ status: 'sending', provider_message_id: sent[0]!.sid });
  });

  it('fails a send Twilio refuses for good, with the reason', async () => {
    const customer = '+14165550126';
    await post(SMS_URL, inbound(customer, 'hello there'));
    await turns();
    fake.fail({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' }, 1);
    await smsWorker().drain();
    const [, reply] = await smsRows(customer);
    expect(reply).toMatchObject({ status: 'failed', error_code: '21610', provider_message_id: null });
    expect(fake.sent.filter((m) => m.to === customer)).toEqual([]);
  });

  it('applies status callbacks forward only, once each, with segments and price', async () => {
    const customer = '+14165550127';
    await post(SMS_URL, inbound(customer, 'Are you open on Sunday?'));
    await turns();
    await smsWorker().drain();
    const [, reply] = await smsRows(customer);
    const sid = reply!.provider_message_id!;
    const callbackUrl = `${STATUS_URL}?sms=${reply!.id}`;
    const report = (status: string, extra: Record<string, string> = {}) => ({
      SmsSid: sid, SmsStatus: status, MessageStatus: status, To: customer, MessageSid: sid, AccountSid: accountSid, From: number, ApiVersion: '2010-04-01', ...extra,
    });
    // Delivered arrives before sent; sent must not move it back.
    expect((await post(callbackUrl, report('delivered', { NumSegments: '2', Price: '-0.00750', PriceUnit: 'USD' }))).status).toBe(200);
    expect((await post(callbackUrl, report('sent'))).status).toBe(200);
    expect((await post(callbackUrl, report('delivered'))).status).toBe(200);
    expect((await smsRows(customer))[1]).toMatchObject({ status: 'delivered', num_segments: 2, price_micros: 7500, price_unit: 'USD', cost: '0.01' });
    // A tampered callback changes nothing.
    expect((await post(callbackUrl, report('failed', { ErrorCode: '30003' }), { signature: 'AAAA' })).status).toBe(403);
    expect((await smsRows(customer))[1]!.status).toBe('delivered');
    const events = await withServiceRole(db(), (tx) =>
      tx.db.selectFrom('webhook_events').select('event_key').where('workspace_id', '=', workspaceId).where('event_key', 'like', `${sid}:%`).execute(),
    );
    expect(events.map((e) => e.event_key).sort()).toEqual([`${sid}:delivered`, `${sid}:sent`]);
  });

  it('marks a message undelivered with the error code when the carrier refuses it', async () => {
    const customer = '+14165550128';
    await post(SMS_URL, inbound(customer, 'hello'));
    await turns();
    await smsWorker().drain();
    const [, reply] = await smsRows(customer);
    const sid = reply!.provider_message_id!;
    const base = { SmsSid: sid, To: customer, MessageSid: sid, AccountSid: accountSid, From: number, ApiVersion: '2010-04-01' };
    await post(`${STATUS_URL}?sms=${reply!.id}`, { ...base, SmsStatus: 'sent', MessageStatus: 'sent' });
    await post(`${STATUS_URL}?sms=${reply!.id}`, { ...base, SmsStatus: 'undelivered', MessageStatus: 'undelivered', ErrorCode: '30003' });
    await post(`${STATUS_URL}?sms=${reply!.id}`, { ...base, SmsStatus: 'delivered', MessageStatus: 'delivered' });
    expect((await smsRows(customer))[1]).toMatchObject({ status: 'undelivered', error_code: '30003' });
  });

  it('does not text an assistant reply that a person overtook before it went out', async () => {
    const customer = '+14165550177';
    await post(SMS_URL, inbound(customer, 'Hi, what are your prices?'));
    await turns();
    const queued = (await smsRows(customer)).filter((r) => r.direction === 'outbound');
    expect(queued).toEqual([expect.objectContaining({ status: 'queued' })]);
    const signin = await app.request('/api/v1/auth/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@1stoplaundry.demo', password: DEMO_PASSWORD }),
    });
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    const thread = await withServiceRole(db(), (tx) =>
      tx.db.selectFrom('sms_messages').select('conversation_id').where('id', '=', queued[0]!.id).executeTakeFirstOrThrow(),
    );
    const takeover = await app.request(`/api/v1/conversations/${thread.conversation_id}/takeover`, { method: 'POST', headers: { cookie, 'x-workspace-id': workspaceId } });
    expect(takeover.status).toBe(200);

    await smsWorker().drain();
    expect(fake.sent.filter((m) => m.to === customer)).toEqual([]);
    const [after] = (await smsRows(customer)).filter((r) => r.direction === 'outbound');
    expect(after).toMatchObject({ status: 'failed', provider_message_id: null });
    const { error } = await withServiceRole(db(), (tx) => tx.db.selectFrom('sms_messages').select('error').where('id', '=', after!.id).executeTakeFirstOrThrow());
    expect(error).toBe('not sent: a person took over the conversation before it went out');
  });

  it("sends a staff reply in the SMS thread through the outbox, and applies its status callback", async () => {
    const customer = '+14165550131';
    await post(SMS_URL, inbound(customer, 'Can I talk to someone?'));
    await turns();
    await smsWorker().drain();
    const thread = await withServiceRole(db(), (tx) =>
      tx.db
        .selectFrom('conversations as c')
        .innerJoin('contacts as p', (j) => j.onRef('p.workspace_id', '=', 'c.workspace_id').onRef('p.id', '=', 'c.contact_id'))
        .select('c.id')
        .where('c.workspace_id', '=', workspaceId)
        .where('p.phone', '=', customer)
        .where('c.channel', '=', 'sms')
        .executeTakeFirstOrThrow(),
    );
    const signin = await app.request('/api/v1/auth/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@1stoplaundry.demo', password: DEMO_PASSWORD }),
    });
    expect(signin.status).toBe(200);
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    const reply = await app.request(`/api/v1/conversations/${thread.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-workspace-id': workspaceId },
      body: JSON.stringify({ body: 'Hi, this is Daniel from 1StopLaundry.' }),
    });
    expect(reply.status).toBe(201);
    const { id } = (await reply.json()) as { id: string };

    const worker = createChannelWorker({ db: db(), secrets: box, clock: systemClock, log, answer: (scope, input, hooks) => answerInbound(scope, input, { secrets: box }, hooks), senders: [twilioSmsSender({ apiUrl: fake.url })] });
    await worker.drain();
    const sent = fake.sent.filter((m) => m.to === customer && m.body === 'Hi, this is Daniel from 1StopLaundry.');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ from: number, statusCallback: `${STATUS_URL}?message=${id}` });
    const base = { SmsSid: sent[0]!.sid, To: customer, MessageSid: sent[0]!.sid, AccountSid: accountSid, From: number, ApiVersion: '2010-04-01' };
    expect((await post(`${STATUS_URL}?message=${id}`, { ...base, SmsStatus: 'delivered', MessageStatus: 'delivered' })).status).toBe(200);
    expect((await post(`${STATUS_URL}?message=${id}`, { ...base, SmsStatus: 'sent', MessageStatus: 'sent' })).status).toBe(200);
    const message = await withServiceRole(db(), (tx) => tx.db.selectFrom('messages').select(['delivery_status', 'provider_message_id']).where('id', '=', id).executeTakeFirstOrThrow());
    expect(message).toEqual({ delivery_status: 'delivered', provider_message_id: sent[0]!.sid });

    // Staff read the thread whole: the customer's text and the assistant's answer (kept in
    // sms_messages) beside their own reply (in messages), in order.
    const view = await app.request(`/api/v1/conversations/${thread.id}`, { headers: { cookie, 'x-workspace-id': workspaceId } });
    expect(view.status, await view.clone().text()).toBe(200);
    const { messages } = (await view.json()) as { messages: { id: string; channel: string; direction: string; sender_kind: string; body: string; delivery_status: string }[] };
    expect(messages.map((m) => [m.channel, m.direction, m.sender_kind])).toEqual([
      ['sms', 'inbound', 'contact'],
      ['sms', 'outbound', 'assistant'],
      ['sms', 'outbound', 'agent'],
    ]);
    expect(messages[0]!.body).toBe('Can I talk to someone?');
    expect(messages[1]!.delivery_status).toBe('sent');
    expect(messages[2]).toMatchObject({ id, body: 'Hi, this is Daniel from 1StopLaundry.', delivery_status: 'delivered' });
    const older = await app.request(`/api/v1/conversations/${thread.id}?before=${id}`, { headers: { cookie, 'x-workspace-id': workspaceId } });
    expect(((await older.json()) as { messages: { body: string }[] }).messages.map((m) => m.body)).toEqual([messages[0]!.body, messages[1]!.body]);
  });

  it('books a laundry pickup over SMS in the demo workspace, every reply reaching the customer through Twilio', async () => {
    const customer = '+14165550132';
    // Next Monday 08:00 in Toronto: the day's pickup windows are all ahead.
    const today = Temporal.Now.zonedDateTimeISO('America/Toronto');
    const monday = today.toPlainDate().add({ days: 8 - today.dayOfWeek });
    const clock = fixedClock(new Date(monday.toZonedDateTime({ timeZone: 'America/Toronto', plainTime: '08:00' }).epochMilliseconds));
    const worker = createChannelWorker({ db: db(), secrets: box, clock, log, answer: (scope, input, hooks) => answerInbound(scope, input, { secrets: box }, hooks), senders: [] });
    const sender = createSmsWorker({ db: db(), secrets: box, clock, log, apiUrl: fake.url });
    const script = ['Hi, I need a laundry pickup', 'M5V 2T6', 'express', '2 loads', '45 Dundas St E', 'Alex Kim', '1', 'yes'];
    for (const text of script) {
      expect((await post(SMS_URL, inbound(customer, text))).status).toBe(200);
      await worker.drain();
      await sender.drain();
    }
    const replies = fake.sent.filter((m) => m.to === customer).map((m) => m.body);
    expect(replies).toHaveLength(script.length);
    expect(replies.at(-1)).toMatch(/^Booked! Express pickup/);
    const booking = await withServiceRole(db(), (tx) =>
      tx.db.selectFrom('bookings').select(['service_type', 'number_of_loads', 'source', 'customer_phone']).where('workspace_id', '=', workspaceId).where('customer_phone', '=', customer).executeTakeFirstOrThrow(),
    );
    expect(booking).toEqual({ service_type: 'Express Wash & Fold', number_of_loads: 2, source: 'sms', customer_phone: customer });
    const rows = await smsRows(customer);
    expect(rows.filter((r) => r.direction === 'outbound').every((r) => r.status === 'sending' && r.provider_message_id?.startsWith('SM'))).toBe(true);
  });

  it('recognises a send whose sid was never recorded from the callback, and does not send it again', async () => {
    const customer = '+14165550129';
    await post(SMS_URL, inbound(customer, 'hi again'));
    await turns();
    const [, reply] = await smsRows(customer);
    // The worker claimed it and Twilio took it, but the process stopped before recording.
    await withServiceRole(db(), (tx) =>
      tx.db.updateTable('sms_messages').set({ status: 'sending', attempts: 1, claimed_until: new Date(Date.now() - 3_600_000) }).where('id', '=', reply!.id).execute(),
    );
    const sid = twilioSid('SM');
    const res = await post(`${STATUS_URL}?sms=${reply!.id}`, { SmsSid: sid, SmsStatus: 'sent', MessageStatus: 'sent', To: customer, MessageSid: sid, AccountSid: accountSid, From: number, ApiVersion: '2010-04-01' });
    expect(res.status).toBe(200);
    expect(await smsWorker().drain()).toBe(0);
    expect((await smsRows(customer))[1]).toMatchObject({ status: 'sent', provider_message_id: sid });
    expect(fake.sent.filter((m) => m.to === customer)).toEqual([]);
  });
});

