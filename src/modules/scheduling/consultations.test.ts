import { beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email } from '../../../test/support/http.ts';
import { contact, expectCall, pattern, workspace, type App, type Who } from '../../../test/support/scheduling.ts';
import { fixedClock } from '../../platform/clock.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { silentLogger } from '../../platform/log.ts';
import { bookConsultation } from './consultations.service.ts';

// Now: Monday 2 March 2026, 19:00 in Jakarta (+07:00). Tuesday 3 March 10:00 WIB is 03:00Z.
const NOW = '2026-03-02T12:00:00Z';
const TUE_10 = '2026-03-03T03:00:00.000Z';
const TUE_14 = '2026-03-03T07:00:00.000Z';
const WED_10 = '2026-03-04T03:00:00.000Z';

describeEachDatabase('consultations that reach a person', (db) => {
  const clock = fixedClock(NOW);
  let t: App;
  let people: App;
  let as: Who;
  let workspaceId: string;
  let dewi: { id: string; as: Who };
  let hendra: { id: string; as: Who };
  let member: { id: string; as: Who };

  const book = (contactId: string, start: string) =>
    withTenant(db(), { kind: 'system', workspaceId }, (tx) => bookConsultation({ tx, actor: { kind: 'system', workspaceId }, clock, log: silentLogger() }, { contact_id: contactId, start }));
  const noticesOf = (userId: string) =>
    asService(db(), (tx) => rows<{ kind: string; body: string; appointment_id: string }>(tx, 'select kind, body, appointment_id from staff_notifications where workspace_id = $1 and user_id = $2 order by created_at, id', [workspaceId, userId]));

  beforeAll(async () => {
    const w = await workspace(db(), clock, { time_zone: 'Asia/Jakarta', locale: 'id', currency: 'IDR', country: 'ID' });
    ({ t, people, as } = w);
    workspaceId = w.owner.workspaceId;
    const join = async (name: string, role: 'admin' | 'member') => {
      const address = email(name);
      const p = await people.teammate(w.owner.as, address, role);
      const list = await expectCall(t, 200, 'GET', '/api/v1/members', as);
      return { id: list.data.find((m: { email: string }) => m.email === address).user_id as string, as: p.as };
    };
    dewi = await join('dewi', 'member');
    hendra = await join('hendra', 'member');
    member = await join('sari', 'member');
    // Dewi and Hendra each consult on Tuesdays at 10 and 14; Wednesday 10:00 is the pool's.
    for (const consultant of [dewi.id, hendra.id]) {
      for (const start of ['10:00', '14:00']) await pattern(t, as, { consultant_id: consultant, day_of_week: 2, start_time: start, end_time: `${Number(start.slice(0, 2)) + 1}:00`, booking_window_days: 30 });
    }
    await pattern(t, as, { day_of_week: 3, start_time: '10:00', end_time: '11:00', booking_window_days: 30 });
    await expectCall(t, 200, 'PATCH', '/api/v1/workspace', { ...as, body: { settings: { scheduling: { meeting_link_pattern: 'https://meet.example.com/eagle-{room}' } } } });
  });

  it('takes turns among the consultants free at that start, and tells the one assigned with a fresh meeting link', async () => {
    const [budi, rina, andi] = [await contact(t, as, 'Budi Santoso', '+6281200000001'), await contact(t, as, 'Rina Wijaya', '+6281200000002'), await contact(t, as, 'Andi', '+6281200000003')];
    const first = await book(budi.id, TUE_10);
    const second = await book(rina.id, TUE_10);
    const third = await book(andi.id, TUE_14);
    const firstTwo = [first.consultant_id, second.consultant_id];
    expect(new Set(firstTwo)).toEqual(new Set([dewi.id, hendra.id]));
    // The third goes to whoever was assigned longest ago: the first one's consultant.
    expect(third.consultant_id).toBe(first.consultant_id);
    for (const a of [first, second, third]) expect(a.meeting_link).toMatch(/^https:\/\/meet\.example\.com\/eagle-[A-Za-z0-9_-]{12}$/);
    expect(new Set([first.meeting_link, second.meeting_link, third.meeting_link]).size).toBe(3);

    const firstConsultant = first.consultant_id === dewi.id ? dewi : hendra;
    const told = await noticesOf(firstConsultant.id);
    expect(told.map((n) => [n.kind, n.appointment_id])).toEqual([['consultation.assigned', first.id], ['consultation.assigned', third.id]]);
    expect(told[0]!.body).toMatch(/^Konsultasi baru untuk Anda: Budi Santoso, Selasa, 3 Maret 2026.*10[.:]00.* https:\/\/meet\.example\.com\/eagle-/);
    expect(await noticesOf(member.id)).toEqual([]);

    // Nobody is left at Tuesday 10:00.
    const fourth = await contact(t, as, 'Late', '+6281200000004');
    await expect(book(fourth.id, TUE_10)).rejects.toMatchObject({ code: 'booking.slot_taken' });
  });

  it("leaves a pool slot's consultation unassigned and tells the owners and admins instead", async () => {
    const lead = await contact(t, as, 'Putri', '+6281200000005');
    const a = await book(lead.id, WED_10);
    expect(a.consultant_id).toBeNull();
    const ownerId = (await expectCall(t, 200, 'GET', '/api/v1/members', as)).data.find((m: { role: string }) => m.role === 'owner').user_id;
    const told = await noticesOf(ownerId);
    expect(told).toEqual([{ kind: 'consultation.unassigned', appointment_id: a.id, body: expect.stringMatching(/^Konsultasi baru tanpa konsultan: Putri, /) }]);
  });

  it('shows each member their own notifications, newest first, and marks them read', async () => {
    const mine = await expectCall(t, 200, 'GET', '/api/v1/notifications', dewi.as);
    expect(mine.data.length).toBeGreaterThan(0);
    expect(mine.data.every((n: { kind: string }) => n.kind === 'consultation.assigned')).toBe(true);
    const theirs = await expectCall(t, 200, 'GET', '/api/v1/notifications', hendra.as);
    expect(theirs.data.map((n: { id: string }) => n.id)).not.toContain(mine.data[0].id);
    const read = await expectCall(t, 200, 'POST', `/api/v1/notifications/${mine.data[0].id}/read`, dewi.as);
    expect(read.read_at).not.toBeNull();
    const unread = await expectCall(t, 200, 'GET', '/api/v1/notifications?unread=true', dewi.as);
    expect(unread.data.map((n: { id: string }) => n.id)).not.toContain(mine.data[0].id);
    // Someone else's notification is not found, and a key has none.
    expect((await t.call('POST', `/api/v1/notifications/${mine.data[0].id}/read`, hendra.as)).body.error.code).toBe('notification.not_found');
    const key = await people.apiKey(as as { cookie: string; workspace: string });
    const byKey = await t.call('GET', '/api/v1/notifications', { key: key.key });
    expect(byKey.status).toBe(403);
  });
});
