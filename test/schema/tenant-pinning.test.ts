// Ready for Citus (issue 18): every statement the product sends while it runs its main flows
// is recorded, and each one that reads or writes a tenant table must pin workspace_id to one
// value, or Citus fans it out to every shard. PostgreSQL only: the judge is EXPLAIN
// (VERBOSE) on a server, whose plans PGlite would give alike but which Citus runs on.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Temporal } from 'temporal-polyfill';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../support/db.ts';
import { channelsApp, waId } from '../support/channels.ts';
import { startFakeMeta, type FakeMeta } from '../support/fakes/meta.ts';
import { startFakeTwilio, twilioSid, type FakeTwilio } from '../support/fakes/twilio.ts';
import { startFakeVapi } from '../support/fakes/vapi.ts';
import { email, testApp } from '../support/http.ts';
import { bookConsultation, paymentsApp } from '../support/payments.ts';
import { contact, expectCall, pattern, workspace } from '../support/scheduling.ts';
import { judgeStatements, normalize, recording, type Judged, type Verdict } from '../support/statements.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/apps/demo.ts';
import { exportList, exportReport, LIST_EXPORT_NAMES, REPORTS } from '../../src/apps/exports.ts';
import { channelWorker, jobDefinitions } from '../../src/jobs.ts';
import { saveChannelSettings } from '../../src/modules/channels/index.ts';
import { createWebhookWorker } from '../../src/modules/webhooks/index.ts';
import { allowOutboundHosts } from '../../src/platform/http/outbound.ts';
import { fixedClock, systemClock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { withTenant } from '../../src/platform/db/tenant.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';

/**
 * Statements that span tenants on purpose, each with why. A key is a fragment of the
 * statement's normalized text; an entry that matches nothing recorded fails the test, so the
 * list cannot outlive what it excuses.
 */
const SPANS_TENANTS: { match: string; why: string }[] = [
  // A person, not a workspace: the workspaces they belong to.
  { match: 'from "workspace_members" as "m" inner join "workspaces" as "w" on "w"."id" = "m"."workspace_id" where "m"."user_id" = $1',
    why: "the signed-in person's workspaces (sign-in, the switcher): one read over every shard, rare and small" },
  // Webhook routing: a provider's id names no workspace; the answer is the workspace to pin the rest to.
  { match: 'select "workspace_id" from "integrations" where "provider" = $1 and settings->>$2 = $3',
    why: "webhook routing (Stripe/Midtrans): the workspace whose settings hold the provider's account id" },
  { match: 'select "workspace_id" from "channel_accounts" where "provider" = $1 and "account_id" = $2 and "verified_at" is not null',
    why: "webhook routing (WhatsApp phone number id, Twilio number, Vapi assistant): the workspace that owns the account" },
  { match: 'update public.channel_accounts a set verified_at = $1::timestamptz where a.workspace_id = $2::uuid',
    why: 'proving ownership: a provider account is verified for one workspace only, so the check reads the others (a multi-shard read inside a pinned update)' },
  // The workers' claims: every tenant's due work, oldest first, is the point.
  { match: 'from "channel_inbox" where "status" = $2 and "next_attempt_at" <= $3 order by',
    why: "the channel worker's poll for stored inbound messages across tenants (then each turn runs pinned)" },
  { match: "update public.outbox o set status = 'sending'",
    why: "the outbox's claim across tenants (FOR UPDATE SKIP LOCKED: see the runbook, not routable on Citus as is)" },
  { match: "update public.sms_messages s set status = 'sending'",
    why: "the SMS worker's claim across tenants (FOR UPDATE SKIP LOCKED: see the runbook, not routable on Citus as is)" },
  { match: "update public.webhook_deliveries d set status = 'sending'",
    why: "the outbound webhooks worker's claim across tenants (FOR UPDATE SKIP LOCKED: see the runbook, not routable on Citus as is)" },
  { match: "update public.sms_messages set status = 'queued', claimed_until = null",
    why: "the SMS worker's sweep of lapsed claims, every tenant" },
  // Jobs: sweeps and the search for the workspaces that have work, then work per workspace.
  { match: 'select distinct "workspace_id", "booking_id" from "ari_payments" where "gateway" = $1',
    why: 'payments job: the workspaces and bookings with a payment to reconcile' },
  { match: 'select "workspace_id", "id" from "ari_payments" where "status" = $1 and "held_at" is null and "expires_at" <= $2',
    why: 'payments job: expired payment links, every tenant' },
  { match: 'with arm as ( select c.workspace_id, c.id, c.ai_model, w.time_zone from public.ari_conversations c',
    why: "the hourly AI comparison rollup over every workspace ($1 null), grouped by workspace_id (pushed down per shard)" },
  { match: "with lead as ( select w.id, make_interval(mins =>",
    why: 'reminders job: the workspaces with a reminder or confirmation due' },
  { match: "update public.bookings set status = 'cancelled', cancel_reason = 'hold_expired'",
    why: "guest holds job: expired holds, every tenant (a multi-shard update, no LIMIT, fine on Citus)" },
  { match: 'select distinct "r"."workspace_id" from "webinar_registrations" as "r" inner join "webinars" as "w"',
    why: 'webinar reminders job: the workspaces with a reminder due' },
];

const server = process.env.TEST_DATABASE_URL;

describe.runIf(server)('every tenant statement pins its workspace (Citus routing) [postgres]', () => {
  let raw: Database;
  let rec: ReturnType<typeof recording>;
  let fake: FakeMeta;
  let sms: FakeTwilio;
  let judged: Judged[] = [];

  beforeAll(async () => {
    raw = await openTestDatabase('postgres');
    rec = recording(raw);
    fake = await startFakeMeta();
    sms = await startFakeTwilio();
  });
  afterAll(async () => {
    await fake?.close();
    await sms?.close();
    await raw?.close();
  });

  const ok = async (res: Promise<{ status: number; body: unknown }>, status = 200) => {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r.body as any;
  };

  it('a WhatsApp turn: the webhook, the worker, the reply and its status', async () => {
    const t = channelsApp(rec.db, fake);
    const ws = await t.connectedWorkspace();
    const from = waId();
    await ok(t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo, saya mau kuliah S2 di UK', name: 'Budi' })));
    await t.worker.drain();
    const wamid = fake.sent.find((s) => s.body.to === `+${from}`)!.wamid;
    await ok(t.post(fake.statuses(ws.phoneNumberId, [{ id: wamid, status: 'delivered' }])));
    // The assistant's turn through the API, a take-over and the inbox around it.
    const turn = await ok(t.call('POST', '/api/v1/assistant/turns', { ...ws.as, body: { phone: `+${from}`, channel: 'whatsapp', message: 'IELTS saya 7.0' } }));
    const thread = turn.conversation_id as string;
    for (const path of ['/api/v1/conversations', `/api/v1/conversations/${thread}`, '/api/v1/contacts', '/api/v1/notifications', '/api/v1/notifications/unread-count', '/api/v1/mentions']) {
      await ok(t.call('GET', path, ws.as));
    }
    await ok(t.call('POST', `/api/v1/conversations/${thread}/takeover`, ws.as));
    await ok(t.call('POST', `/api/v1/conversations/${thread}/messages`, { ...ws.as, body: { body: 'Halo Budi, saya Rina' } }), 201);
    await ok(t.call('POST', `/api/v1/conversations/${thread}/notes`, { ...ws.as, body: { body: 'call him tomorrow' } }), 201);
    await ok(t.call('POST', `/api/v1/conversations/${thread}/read`, ws.as));
    await ok(t.call('POST', `/api/v1/conversations/${thread}/hand-back`, ws.as));
    await t.worker.drain();
  }, 120_000);

  it('an SMS turn through Twilio, and a web chat turn', async () => {
    const log = silentLogger();
    const PUBLIC = 'https://desk.example.com';
    const accountSid = twilioSid('AC');
    const authToken = randomBytes(16).toString('hex');
    const number = `+1647555${String(Date.now() % 10000).padStart(4, '0')}`;
    sms.addAccount(accountSid, authToken);
    const t = channelsApp(rec.db, fake, { twilio: sms });
    const box = t.secrets;
    const ws = await t.connectedWorkspace();
    const actor = { kind: 'system' as const, workspaceId: ws.workspaceId };
    await withTenant(rec.db, actor, (tx) =>
      saveChannelSettings({ tx, actor, clock: systemClock, log }, box, 'twilio', { account_sid: accountSid, phone_numbers: [number], webhook_url: PUBLIC, auth_token: authToken }),
    );
    const sid = twilioSid('SM');
    const params = { SmsMessageSid: sid, NumMedia: '0', SmsSid: sid, SmsStatus: 'received', Body: 'Hi, can you pick up laundry tomorrow?', To: number, NumSegments: '1', MessageSid: sid, AccountSid: accountSid, From: '+14165550123', ApiVersion: '2010-04-01' };
    const url = `${PUBLIC}/webhooks/twilio/sms`;
    const res = await t.app.request('/webhooks/twilio/sms', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(res.status, await res.text()).toBe(200);
    const worker = channelWorker({ db: rec.db, clock: systemClock, log, secrets: box }, { TWILIO_API_URL: sms.url }, { backoffMs: 0 });
    await worker.drain();
    expect(sms.sent.some((m) => m.to === '+14165550123')).toBe(true);

    // Web chat on the same workspace.
    await withTenant(rec.db, actor, (tx) => saveChannelSettings({ tx, actor, clock: systemClock, log }, box, 'webchat', { allowed_origins: ['https://shop.example'] }));
    const slug = (await ok(t.call('GET', '/api/v1/workspace', ws.as))).slug as string;
    const origin = { origin: 'https://shop.example' };
    const chat = await ok(t.call('POST', `/webchat/${slug}/sessions`, { body: { name: 'Dewi' }, headers: origin }), 201);
    await ok(t.call('POST', `/webchat/${slug}/messages`, { body: { body: 'Halo, saya mau kuliah di Australia', client_message_id: 'msg-00000001' }, headers: { ...origin, 'x-guest-token': chat.token } }));
    await t.worker.drain();
    await ok(t.call('GET', `/webchat/${slug}/messages`, { headers: { ...origin, 'x-guest-token': chat.token } }));
  }, 120_000);

  it('booking: availability, an appointment, a booking, the calendar', async () => {
    const w = await workspace(rec.db, fixedClock('2026-03-02T12:00:00Z'), { time_zone: 'Asia/Jakarta', locale: 'id', currency: 'IDR', country: 'ID' });
    await pattern(w.t, w.as, { day_of_week: 2, start_time: '10:00', end_time: '12:00', booking_window_days: 60 });
    const c = await contact(w.t, w.as, 'Racer', '+6281234560001');
    await expectCall(w.t, 200, 'GET', '/api/v1/availability?from=2026-03-03&to=2026-03-04', w.as);
    const appointment = await expectCall(w.t, 201, 'POST', '/api/v1/appointments', { ...w.as, body: { contact_id: c.id, start: '2026-03-03T10:00:00+07:00' } });
    await expectCall(w.t, 201, 'POST', '/api/v1/bookings', { ...w.as, body: { customer_name: 'Siti', customer_phone: '+6281299990000', service_type: 'Consultation', start: '2026-03-03T11:00:00+07:00' } });
    await expectCall(w.t, 200, 'GET', '/api/v1/appointments', w.as);
    await expectCall(w.t, 200, 'GET', '/api/v1/bookings', w.as);
    await expectCall(w.t, 200, 'POST', `/api/v1/appointments/${appointment.id}/status`, { ...w.as, body: { status: 'confirmed' } });
    await expectCall(w.t, 200, 'GET', `/api/v1/contacts/${c.id}/timeline`, w.as);

    // Guest checkout: an anonymous visitor's session and hold, on the real clock.
    const g = await workspace(rec.db, systemClock, { time_zone: 'Asia/Jakarta', locale: 'id', currency: 'IDR', country: 'ID' });
    for (let day = 0; day < 7; day++) await pattern(g.t, g.as, { day_of_week: day, start_time: '09:00', end_time: '17:00', booking_window_days: 30 });
    await expectCall(g.t, 200, 'PATCH', '/api/v1/workspace', { ...g.as, body: { settings: { scheduling: { guest_checkout: true } } } });
    await expectCall(g.t, 201, 'POST', '/api/v1/services', { ...g.as, body: { name: 'Konsultasi', currency: 'IDR', duration_minutes: 60 } });
    const session = await expectCall(g.t, 201, 'POST', '/api/v1/guest-sessions', { workspace: g.owner.workspaceId, body: { email: 'maria@example.co', full_name: 'Maria', phone: '0812 3456 7890' } });
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Asia/Jakarta' });
    await expectCall(g.t, 201, 'POST', '/api/v1/guest/bookings', { workspace: g.owner.workspaceId, headers: { 'x-guest-token': session.token }, body: { start: `${tomorrow}T10:00:00+07:00`, service_type: 'Konsultasi' } });
  }, 120_000);

  it('payment: the demo data, a consultation paid through the demo gateway, the reports', async () => {
    const clock = fixedClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    const t = paymentsApp(rec.db, clock);
    const id = (await seedDemo(rec.db, clock, { publicUrl: 'https://frontdesk.test' })).find((w) => w.slug === 'eagle-overseas')!.workspaceId;
    const signin = await t.call('POST', '/api/v1/auth/signin', { body: { email: 'owner@eagle-overseas.demo', password: DEMO_PASSWORD } });
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    const eagle = { cookie, userId: signin.body.user.id as string, email: 'owner@eagle-overseas.demo', workspaceId: id, as: { cookie, workspace: id } };
    const consultation = await rec.pause(() => bookConsultation(raw, eagle)); // the fixture, not the product
    const payment = await ok(t.call('POST', '/api/v1/payments', { ...eagle.as, body: { appointment_id: consultation.appointmentId } }), 201);
    const path = new URL(payment.redirect_url as string).pathname;
    await ok(t.call('GET', path));
    await t.call('POST', path);
    await ok(t.call('GET', `/api/v1/payments/${payment.id}`, eagle.as));
    await ok(t.call('GET', '/api/v1/payments', eagle.as));
    for (const report of ['funnel', 'daily', 'channels', 'event-counts', 'lead-temperature', 'models']) await ok(t.call('GET', `/api/v1/analytics/${report}`, eagle.as));
    for (const list of ['conversations', 'contacts', 'bookings', 'appointments', 'knowledge/entries', 'faqs', 'services', 'webinars', 'members', 'assistant/unanswered']) await ok(t.call('GET', `/api/v1/${list}`, eagle.as));
    await ok(t.call('GET', `/api/v1/contacts?q=${encodeURIComponent('Budi')}`, eagle.as));
    await ok(t.call('GET', '/api/v1/contacts/export', eagle.as));
    // The streamed exports read each list a page at a time: small pages, so the next-page
    // statements (the keyset cursors) are recorded too.
    const run = { db: rec.db, actor: { kind: 'system' as const, workspaceId: id }, clock, log: silentLogger(), pageSize: 2 };
    for (const list of LIST_EXPORT_NAMES) for await (const _ of exportList(run, list, { format: 'csv', from: '2020-01-01', to: '2030-12-31' }));
    for (const report of REPORTS) for await (const _ of exportReport(run, report, { format: 'jsonl' }));
    await ok(t.call('GET', '/api/v1/exports/conversations?format=jsonl', eagle.as));
    await ok(t.call('GET', '/api/v1/auth/me', { cookie }));
    await ok(t.call('POST', '/api/v1/workspaces', { cookie, body: { name: `${email('pin')} ws` } }), 201);
  }, 180_000);

  it("a Vapi call's report with its booking, and an outbound webhook delivered", async () => {
    const vapi = await startFakeVapi();
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200).end('thanks'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const zone = 'America/Toronto';
      const today = Temporal.Now.zonedDateTimeISO(zone);
      const monday = today.toPlainDate().add({ days: 8 - today.dayOfWeek });
      const clock = fixedClock(new Date(monday.toZonedDateTime({ timeZone: zone, plainTime: '08:00' }).epochMilliseconds));
      const secrets = createSecretBox(randomBytes(32));
      const t = testApp(rec.db, clock, { providers: { vapiApiUrl: vapi.url }, secrets });
      vapi.addOrg('vapi-key-pin', { assistants: ['asst-pin'], phoneNumbers: ['ph-pin'] });
      const o = await t.owner(email('pin-voice'), { name: 'Laundry', template: 'voice', time_zone: zone, currency: 'CAD', country: 'CA', locale: 'en' });
      await ok(t.call('PUT', '/api/v1/channels/vapi', { ...o.as, body: { assistant_ids: ['asst-pin'], phone_number_ids: ['ph-pin'], secret: 'vapi-secret-pin', api_key: 'vapi-key-pin' } }));
      const host = `127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      allowOutboundHosts(host);
      await ok(t.call('POST', '/api/v1/webhooks', { ...o.as, body: { url: `http://${host}/hooks`, event_types: ['contact.created', 'booking.created'] } }), 201);
      const report = {
        message: {
          type: 'end-of-call-report', endedReason: 'customer-ended-call', startedAt: '2026-11-20T15:00:00.000Z', endedAt: '2026-11-20T15:03:04.500Z', cost: 0.42,
          call: { id: `call-pin-${randomBytes(4).toString('hex')}`, type: 'inboundPhoneCall', assistantId: 'asst-pin', customer: { number: '+1 (416) 555-0177' } },
          artifact: { transcript: 'AI: Thanks for calling!', recording: { url: 'https://storage.vapi.ai/x.wav' } },
          analysis: { summary: 'Booked a pickup.', structuredData: { service: 'Express', loads: 2, postal_code: 'M5V 2T6', address: '1 Front St W', pickup_time: `${monday.toString()}T14:00`, name: 'Jordan Park' }, successEvaluation: 'true' },
        },
      };
      await ok(t.call('POST', '/webhooks/vapi', { raw: JSON.stringify(report), contentType: 'application/json', headers: { 'x-vapi-secret': 'vapi-secret-pin' } }));
      await ok(t.call('GET', '/api/v1/analytics/channels', o.as));
      await createWebhookWorker({ db: rec.db, clock, log: silentLogger(), secrets, backoffMs: 30_000 }).drain();
    } finally {
      await vapi.close();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  }, 120_000);

  it('every background job once', async () => {
    const log = silentLogger();
    for (const job of jobDefinitions({ db: rec.db, clock: systemClock, log, secrets: createSecretBox(randomBytes(32)) })) {
      await job.handler((job.cronData ?? {}) as never, { id: `pin-${job.name}`, retryCount: 0 });
    }
  }, 180_000);

  it('tells a pinned statement from one that is not (the judge itself)', async () => {
    const ws = '00000000-0000-4000-8000-000000000001';
    const id = '00000000-0000-4000-8000-000000000002';
    const cases: [string, unknown[], Verdict][] = [
      ['select name from contacts where id = $1', [id], 'unpinned'],
      ['select name from contacts where workspace_id = $1 and id = $2', [ws, id], 'pinned'],
      ['select name from contacts where workspace_id = any($1::uuid[])', [[ws, id]], 'unpinned'],
      // Pinned through the join: the planner carries the constant to both sides.
      ['select m.body from messages m join conversations c on c.workspace_id = m.workspace_id and c.id = m.conversation_id where c.workspace_id = $1', [ws], 'pinned'],
      ['select m.body from messages m join conversations c on c.id = m.conversation_id where c.workspace_id = $1', [ws], 'unpinned'],
      ['insert into contacts (id, workspace_id, name) values ($1, $2, $3)', [id, ws, 'x'], 'pinned'],
      ['insert into contacts (id, name) values ($1, $2)', [id, 'x'], 'pinned-by-default'],
      ['update contacts set name = $2 where id = $1', [id, 'x'], 'unpinned'],
      ['delete from contacts where workspace_id = $1 and id = $2', [ws, id], 'pinned'],
      ['select slug from workspaces where id = $1', [ws], 'global'],
    ];
    const verdicts = await judgeStatements(raw, cases.map(([sql, params]) => ({ sql, params })));
    expect(verdicts.map((v) => [v.sql, v.verdict])).toEqual(cases.map(([sql, , verdict]) => [sql, verdict]));
  });

  it('judges every statement from its plan', async () => {
    judged = await judgeStatements(raw, rec.statements);
    const by = (v: string) => judged.filter((j) => j.verdict === v);
    const summary = Object.fromEntries(['utility', 'global', 'pinned', 'pinned-by-default', 'function', 'unpinned', 'unexplained'].map((v) => [v, by(v).length]));
    console.log(`${rec.statements.length} statements recorded, ${judged.length} distinct`, summary);
    const excused = (j: Judged) => SPANS_TENANTS.some((a) => j.sql.includes(normalize(a.match)));
    const offenders = judged.filter((j) => (j.verdict === 'unpinned' || j.verdict === 'unexplained') && !excused(j));
    expect(offenders.map((o) => `${o.unpinnedTables.join(', ')}: ${o.sql}`)).toEqual([]);
    // An entry that excuses nothing recorded is stale.
    expect(SPANS_TENANTS.filter((a) => !judged.some((j) => j.verdict === 'unpinned' && j.sql.includes(normalize(a.match)))).map((a) => a.match)).toEqual([]);
  }, 120_000);
});
