// Notifications to staff: the workspace's events (raised by the database, migrations 0041-0042)
// reach each member's feed and e-mail as the member chose, e-mail through nodemailer to a real
// SMTP server on 127.0.0.1 (smtp-server); a failed send is retried; the newest 50 per person are kept.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStaffEmailWorker, STAFF_EVENT_TYPES } from '../../src/modules/tenancy/index.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import { withServiceRole } from '../../src/platform/db/tenant.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createMailer } from '../../src/platform/mail.ts';
import { describeEachDatabase } from '../support/db.ts';
import { fakeSmtp } from '../support/fakes/smtp.ts';
import { email, testApp } from '../support/http.ts';

/** Raises an event as the database's triggers do (app.raise_workspace_event is only theirs: called here as the database owner). */
const raise = (db: Parameters<typeof withServiceRole>[0], ws: string, type: string, data: object) =>
  db.transaction((tx) => tx.query('select app.raise_workspace_event($1, $2, $3::jsonb)', [ws, type, JSON.stringify(data)]));

describeEachDatabase('notifications to staff', (db) => {
  let smtp: Awaited<ReturnType<typeof fakeSmtp>>;
  const clock = fixedClock(new Date());
  beforeAll(async () => {
    clock.set(new Date(Date.now() + 60_000));
    smtp = await fakeSmtp();
  });
  afterAll(() => smtp.close());
  const worker = () => createStaffEmailWorker({ db: db(), clock, log: silentLogger(), mailer: createMailer({ url: smtp.url, from: 'Frontdesk <desk@frontdesk.test>' }), publicUrl: 'https://frontdesk.test', backoffMs: 30_000 });

  it('tells each member of every event as they chose: in the feed, by e-mail, both or neither', async () => {
    const t = testApp(db(), clock);
    const ownerMail = email('owner');
    const o = await t.owner(ownerMail, { name: 'Eagle Test' });
    const memberMail = email('member');
    const member = await t.teammate(o.as, memberMail, 'member');

    const defaults = await t.call('GET', '/api/v1/notifications/preferences', o.as);
    expect(defaults.body.data).toEqual(STAFF_EVENT_TYPES.map((event_type) => ({ event_type, in_app: true, email: false })));
    const put = await t.call('PUT', '/api/v1/notifications/preferences', {
      ...o.as,
      body: { data: [{ event_type: 'payment.failed', in_app: true, email: true }, { event_type: 'lead.hot', in_app: false, email: true }, { event_type: 'booking.created', in_app: false, email: false }] },
    });
    expect(put.status).toBe(200);
    expect(put.body.data.find((p: { event_type: string }) => p.event_type === 'lead.hot')).toEqual({ event_type: 'lead.hot', in_app: false, email: true });

    // One of each event the staff hear of.
    const samples: Record<string, object> = {
      'lead.hot': { lead_score: 86, lead_temperature: 'hot' },
      'handoff.requested': { handoff_reason: 'asked for a person' },
      'conversation.assigned': { assignee_id: member.userId },
      'booking.created': { object: 'booking', customer_name: 'Budi', scheduled_at: '2026-12-10T03:00:00Z' },
      'booking.cancelled': { object: 'appointment', customer_name: 'Budi' },
      'booking.rescheduled': { object: 'booking', scheduled_at: '2026-12-11T03:00:00Z' },
      'payment.received': { amount: 500000, currency: 'IDR' },
      'payment.failed': { amount: 750000, currency: 'IDR', status: 'expired' },
      'message.send_failed': { error: 'not sent: the number is not on WhatsApp' },
      'webinar.registered': { webinar_id: '0190f5c6-0000-7000-8000-000000000000' },
    };
    for (const type of STAFF_EVENT_TYPES) await raise(db(), o.workspaceId, type, samples[type]!);
    // Contact events go to webhooks only.
    await raise(db(), o.workspaceId, 'contact.created', { name: 'Nobody tells staff' });

    const feed = async (as: typeof o.as) => (await t.call('GET', '/api/v1/notifications', as)).body.data.map((n: { kind: string }) => n.kind).sort();
    const everything = STAFF_EVENT_TYPES.filter((k) => k !== 'conversation.assigned');
    expect(await feed(o.as)).toEqual(everything.filter((k) => k !== 'lead.hot' && k !== 'booking.created').sort());
    expect(await feed(member.as)).toEqual([...STAFF_EVENT_TYPES].sort());
    expect((await t.call('GET', '/api/v1/notifications/unread-count', member.as)).body).toEqual({ unread: STAFF_EVENT_TYPES.length });
    const member_feed = (await t.call('GET', '/api/v1/notifications', member.as)).body.data;
    expect(member_feed.find((n: { kind: string }) => n.kind === 'payment.failed').body).toBe('A payment expired: 750000 IDR');
    expect((await t.call('POST', '/api/v1/notifications/read-all', member.as)).body).toEqual({ unread: 0 });
    expect((await t.call('GET', '/api/v1/notifications/unread-count', member.as)).body).toEqual({ unread: 0 });

    // E-mail: the owner's two, to the owner only, through a real SMTP conversation.
    expect(await worker().drain()).toBe(2);
    expect(smtp.mails.map((m) => m.to)).toEqual([[ownerMail], [ownerMail]]);
    const subjects = smtp.mails.map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1]).sort();
    expect(subjects).toEqual(['[Eagle Test] A lead turned hot (score 86)', '[Eagle Test] A payment expired: 750000 IDR']);
    expect(smtp.mails[0]!.raw).toMatch(/^From: Frontdesk <desk@frontdesk\.test>/m);
    expect(await worker().drain()).toBe(0);
  });

  it("hears of a hot lead and a handoff from the assistant's record itself (the database's triggers)", async () => {
    const t = testApp(db(), clock);
    const o = await t.owner(email('trigger'));
    await withServiceRole(db(), async (tx) => {
      const contact = await tx.query<{ id: string }>(`insert into public.contacts (workspace_id, name, phone) values ($1, 'Rina', '+6281200001111') returning id`, [o.workspaceId]);
      const record = await tx.query<{ id: string }>(`insert into public.ari_conversations (workspace_id, contact_id, lead_score, lead_temperature) values ($1, $2, 40, 'warm') returning id`, [o.workspaceId, contact.rows[0]!.id]);
      await tx.query(`update public.ari_conversations set lead_score = 88, lead_temperature = 'hot' where workspace_id = $1 and id = $2`, [o.workspaceId, record.rows[0]!.id]);
      // Still hot: not news again.
      await tx.query(`update public.ari_conversations set lead_score = 91 where workspace_id = $1 and id = $2`, [o.workspaceId, record.rows[0]!.id]);
      await tx.query(`update public.ari_conversations set handoff_at = now(), handoff_reason = 'wants a consultant' where workspace_id = $1 and id = $2`, [o.workspaceId, record.rows[0]!.id]);
    });
    const feed = (await t.call('GET', '/api/v1/notifications', o.as)).body.data.map((n: { kind: string; body: string }) => [n.kind, n.body]);
    expect(feed.sort()).toEqual([
      ['handoff.requested', 'A customer asked for a person (wants a consultant)'],
      ['lead.hot', 'A lead turned hot (score 88)'],
    ]);
  });

  it('retries an e-mail the SMTP server refused, and sends it once', async () => {
    const t = testApp(db(), clock);
    const mail = email('retry');
    const o = await t.owner(mail);
    await t.call('PUT', '/api/v1/notifications/preferences', { ...o.as, body: { data: [{ event_type: 'handoff.requested', in_app: true, email: true }] } });
    const before = smtp.mails.length;
    smtp.refuse(1);
    await raise(db(), o.workspaceId, 'handoff.requested', { handoff_reason: 'angry customer' });
    const first = worker();
    expect(await first.pass()).toBe(1);
    expect(await first.pass()).toBe(0);
    await first.stop();
    expect(smtp.mails.length).toBe(before);
    clock.advance(31_000);
    expect(await worker().drain()).toBe(1);
    clock.advance(3_600_000);
    expect(await worker().drain()).toBe(0);
    expect(smtp.mails.slice(before).map((m) => m.to)).toEqual([[mail]]);
  });

  it('keeps the newest 50 notifications per person', async () => {
    const t = testApp(db(), clock);
    const o = await t.owner(email('many'));
    const other = await t.teammate(o.as, email('few'), 'admin');
    await t.call('PUT', '/api/v1/notifications/preferences', { ...other.as, body: { data: STAFF_EVENT_TYPES.map((event_type) => ({ event_type, in_app: false, email: false })) } });
    for (let i = 0; i < 55; i++) await raise(db(), o.workspaceId, 'payment.received', { amount: i, currency: 'IDR' });
    const pruned = await withServiceRole(db(), (tx) => tx.query<{ n: number }>('select app.prune_staff_notifications(50) as n'));
    expect(pruned.rows[0]!.n).toBeGreaterThanOrEqual(5);
    const left = (await t.call('GET', '/api/v1/notifications?limit=200', o.as)).body.data;
    expect(left).toHaveLength(50);
    // The oldest five went: amounts 0-4.
    expect(left.map((n: { body: string }) => Number(/: (\d+) IDR/.exec(n.body)![1])).sort((a: number, b: number) => a - b)[0]).toBe(5);
    // Nobody who chose nothing was given anything to prune.
    expect((await t.call('GET', '/api/v1/notifications', other.as)).body.data).toEqual([]);
  });
});
