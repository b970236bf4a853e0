import { beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';
import { silentLogger } from '../../platform/log.ts';
import { sendWebinarReminders, WEBINAR_REMINDER_MINUTES } from './webinar-notices.ts';

// Now: Monday 2 March 2026, 09:00 in Jakarta; the webinar is Wednesday 4 March at 19:00 WIB (12:00Z).
const NOW = '2026-03-02T02:00:00Z';
const START = '2026-03-04T12:00:00.000Z';

describeEachDatabase("a webinar's registrants are told on their channel", (db) => {
  const clock = fixedClock(NOW);
  let t: ReturnType<typeof testApp>;
  let workspaceId: string;
  let webinarId: string;

  const noticesTo = (phone: string) =>
    asService(db(), (tx) =>
      rows<{ body: string; channel: string; delivery_status: string; kind: string }>(
        tx,
        `select m.body, m.channel, m.delivery_status, m.metadata ->> 'kind' as kind
           from messages m join conversations c on c.workspace_id = m.workspace_id and c.id = m.conversation_id
           join contacts p on p.workspace_id = c.workspace_id and p.id = c.contact_id
          where m.workspace_id = $1 and p.phone = $2 and m.sender_kind = 'system' order by m.created_at, m.id`,
        [workspaceId, phone],
      ),
    );
  const remind = () => sendWebinarReminders({ db: db(), clock, log: silentLogger() });

  beforeAll(async () => {
    t = testApp(db(), clock);
    const o = await t.owner(email('webinars'), { time_zone: 'Asia/Jakarta', locale: 'id', currency: 'IDR', country: 'ID' });
    workspaceId = o.workspaceId;
    const created = await t.call('POST', '/api/v1/webinars', {
      ...o.as,
      body: { title: 'Study in Australia', slug: 'study-in-australia', scheduled_at: START, meeting_url: 'https://meet.example.com/aus', status: 'published' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    webinarId = created.body.id;
  });

  it('confirms a registration once, in the workspace language, queued for WhatsApp', async () => {
    const register = () => t.call('POST', `/api/v1/public/webinars/${webinarId}/registrations`, { headers: { 'x-test-client': 'ayu' }, body: { name: 'Ayu', phone: '0812 5555 0101' } });
    expect((await register()).body).toMatchObject({ already_registered: false });
    expect((await register()).body).toMatchObject({ already_registered: true });
    expect(await noticesTo('+6281255550101')).toEqual([
      { kind: 'webinar_confirmation', channel: 'whatsapp', delivery_status: 'queued', body: expect.stringMatching(/^Terima kasih, Anda terdaftar di webinar "Study in Australia", Rabu, 4 Maret 2026.*19[.:]00/) },
    ]);
  });

  it(`reminds every registrant once, with the meeting link, within ${WEBINAR_REMINDER_MINUTES} minutes of the start`, async () => {
    await t.call('POST', `/api/v1/public/webinars/${webinarId}/registrations`, { headers: { 'x-test-client': 'budi' }, body: { name: 'Budi', phone: '0812 5555 0102' } });
    expect(await remind()).toBe(0);
    clock.set(new Date(Date.parse(START) - (WEBINAR_REMINDER_MINUTES + 1) * 60_000));
    expect(await remind()).toBe(0);
    clock.set(new Date(Date.parse(START) - 30 * 60_000));
    expect(await remind()).toBe(2);
    expect(await remind()).toBe(0);
    for (const phone of ['+6281255550101', '+6281255550102']) {
      const told = await noticesTo(phone);
      expect(told.at(-1)).toMatchObject({ kind: 'webinar_reminder', channel: 'whatsapp', body: expect.stringMatching(/^Pengingat: webinar "Study in Australia" dimulai .* Link: https:\/\/meet\.example\.com\/aus$/) });
      expect(told.filter((n) => n.kind === 'webinar_reminder')).toHaveLength(1);
    }
  });
});
