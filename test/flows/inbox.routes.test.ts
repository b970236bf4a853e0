import { beforeAll, expect, it } from 'vitest';
import { asService } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { recordInboundActivity } from '../../src/modules/conversations/index.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import { newId } from '../../src/platform/ids.ts';
import { customerWroteOnWhatsapp } from '../support/factories.ts';

// Sessions expire by real time, so the clock starts at the real now.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const MIN = 60_000;

type App = ReturnType<typeof testApp>;
type Owner = Awaited<ReturnType<App['owner']>>;

const ids = (body: { data: { id: string }[] }) => body.data.map((c) => c.id).sort();

describeEachDatabase('the inbox for staff: unread, needs a person, search, snooze', (db) => {
  const clock = fixedClock(NOW);
  let t: App;
  let w: Owner;
  let other: Owner;
  let member: Awaited<ReturnType<App['teammate']>>;
  let readKey: string;

  const contact = async (who: Owner, phone: string) => {
    const res = await t.call('POST', '/api/v1/contacts', { ...who.as, body: { name: 'Rina', phone } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  /** A thread with the customer's messages and, optionally, a staff reply after them. */
  const thread = async (who: Owner, o: { phone: string; owner?: string; inbound: string[]; at: Date; staffReplied?: boolean }) => {
    const contactId = await contact(who, o.phone);
    const id = newId();
    const last = new Date(o.at.getTime() + (o.inbound.length - 1) * 1000);
    await asService(db(), async (tx) => {
      await tx.query(
        `insert into conversations (id, workspace_id, contact_id, channel, owner, last_message_at, last_inbound_at, unread_count)
         values ($1, $2, $3, 'whatsapp', $4, $5, $6, $7)`,
        [id, who.workspaceId, contactId, o.owner ?? 'ai', o.staffReplied ? new Date(last.getTime() + 1000) : last, last, o.inbound.length],
      );
      for (const [i, body] of o.inbound.entries()) {
        await tx.query(
          `insert into messages (id, workspace_id, conversation_id, channel, direction, sender_kind, body, created_at)
           values ($1, $2, $3, 'whatsapp', 'inbound', 'contact', $4, $5)`,
          [newId(), who.workspaceId, id, body, new Date(o.at.getTime() + i * 1000)],
        );
      }
    });
    await customerWroteOnWhatsapp(db(), who.workspaceId, contactId, last);
    return id;
  };

  const list = (as: object, query: string) => t.call('GET', `/api/v1/conversations?${query}`, as);

  beforeAll(async () => {
    t = testApp(db(), clock);
    w = await t.owner(email('inbox-staff'));
    other = await t.owner(email('inbox-other'));
    member = await t.teammate(w.as, email('inbox-member'), 'member');
    readKey = (await t.apiKey(w.as, true)).key;
  });

  it('counts unread per person: one reading a thread leaves it unread for the others, and new messages count again', async () => {
    const id = await thread(w, { phone: '+6281200000001', inbound: ['halo', 'ada orang?'], at: new Date(NOW.getTime() - 10 * MIN) });
    const seen = await thread(w, { phone: '+6281200000002', inbound: ['ok'], at: new Date(NOW.getTime() - 20 * MIN) });

    const before = await list(w.as, 'unread=true');
    expect(ids(before.body)).toEqual([id, seen].sort());
    expect(before.body.data.find((c: { id: string }) => c.id === id).unread_count).toBe(2);

    const read = await t.call('POST', `/api/v1/conversations/${id}/read`, w.as);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, unread_count: 0 });
    expect(ids((await list(w.as, 'unread=true')).body)).toEqual([seen]);
    expect(ids((await list(w.as, 'unread=false')).body)).toContain(id);
    // The colleague has not read it.
    const theirs = await list(member.as, 'unread=true');
    expect(ids(theirs.body)).toEqual([id, seen].sort());
    expect(theirs.body.data.find((c: { id: string }) => c.id === id).unread_count).toBe(2);
    // The key sees the team's count, which reading cleared.
    expect(ids((await list({ key: readKey }, 'unread=true')).body)).toEqual([seen]);

    // The customer writes again: unread for the owner once more, by one.
    const later = new Date(NOW.getTime() + MIN);
    await asService(db(), async (tx) => {
      await tx.query(
        `insert into messages (id, workspace_id, conversation_id, channel, direction, sender_kind, body, created_at)
         values ($1, $2, $3, 'whatsapp', 'inbound', 'contact', 'halo lagi', $4)`,
        [newId(), w.workspaceId, id, later],
      );
      await recordInboundActivity(tx, w.workspaceId, id, later, false);
    });
    const again = await t.call('GET', `/api/v1/conversations/${id}`, w.as);
    expect(again.body.unread_count).toBe(1);
    // Replying reads it.
    expect((await t.call('POST', `/api/v1/conversations/${id}/messages`, { ...w.as, body: { body: 'Halo!' } })).status).toBe(201);
    expect((await t.call('GET', `/api/v1/conversations/${id}`, w.as)).body.unread_count).toBe(0);
  });

  it('finds the threads that need a person: staff own them and the customer spoke last', async () => {
    const waiting = await thread(w, { phone: '+6281200000011', owner: 'human', inbound: ['mau bicara dengan orang'], at: new Date(NOW.getTime() - 5 * MIN) });
    const answered = await thread(w, { phone: '+6281200000012', owner: 'human', inbound: ['terima kasih'], at: new Date(NOW.getTime() - 5 * MIN), staffReplied: true });
    const bot = await thread(w, { phone: '+6281200000013', owner: 'ai', inbound: ['berapa biayanya?'], at: new Date(NOW.getTime() - 5 * MIN) });
    const needs = await list(w.as, 'needs_person=true&limit=200');
    expect(ids(needs.body)).toContain(waiting);
    expect(ids(needs.body)).not.toContain(answered);
    expect(ids(needs.body)).not.toContain(bot);
    expect(needs.body.data.every((c: { needs_person: boolean }) => c.needs_person)).toBe(true);
    const rest = await list(w.as, 'needs_person=false&limit=200');
    expect(ids(rest.body)).toEqual(expect.arrayContaining([answered, bot]));
    expect(ids(rest.body)).not.toContain(waiting);
  });

  it('searches the messages of every thread, literally, case-insensitively', async () => {
    const ielts = await thread(w, { phone: '+6281200000021', inbound: ['Skor IELTS saya 7.5'], at: new Date(NOW.getTime() - 30 * MIN) });
    const percent = await thread(w, { phone: '+6281200000022', inbound: ['diskon 100% ya?'], at: new Date(NOW.getTime() - 30 * MIN) });
    expect(ids((await list(w.as, 'q=ielts')).body)).toEqual([ielts]);
    // % and _ are letters here, not wildcards.
    expect(ids((await list(w.as, `q=${encodeURIComponent('100%')}`)).body)).toEqual([percent]);
    expect(ids((await list(w.as, 'q=_')).body)).toEqual([]);
    // Another workspace's messages are never searched.
    expect(ids((await list(other.as, 'q=ielts')).body)).toEqual([]);
  });

  it('hides a snoozed thread from the open list until its time comes or the customer writes', async () => {
    const timed = await thread(w, { phone: '+6281200000031', inbound: ['nanti saya kabari'], at: new Date(NOW.getTime() - 40 * MIN) });
    const untilReply = await thread(w, { phone: '+6281200000032', inbound: ['saya pikir dulu'], at: new Date(NOW.getTime() - 40 * MIN) });
    const soon = new Date(NOW.getTime() + 30 * MIN);
    expect((await t.call('POST', `/api/v1/conversations/${timed}/status`, { ...member.as, body: { status: 'snoozed', snoozed_until: soon.toISOString() } })).status).toBe(200);
    const sleeping = await t.call('POST', `/api/v1/conversations/${untilReply}/status`, { ...member.as, body: { status: 'snoozed' } });
    expect(sleeping.body).toMatchObject({ status: 'snoozed', snoozed_until: null });

    const open = ids((await list(w.as, 'status=open&limit=200')).body);
    expect(open).not.toContain(timed);
    expect(open).not.toContain(untilReply);
    expect(ids((await list(w.as, 'status=snoozed&limit=200')).body)).toEqual(expect.arrayContaining([timed, untilReply]));

    // Its time comes: open again, with no job having run.
    const later = testApp(db(), fixedClock(new Date(soon.getTime() + MIN)));
    const laterOpen = await later.call('GET', '/api/v1/conversations?status=open&limit=200', w.as);
    expect(ids(laterOpen.body)).toContain(timed);
    expect(laterOpen.body.data.find((c: { id: string }) => c.id === timed).status).toBe('open');
    expect(ids((await later.call('GET', '/api/v1/conversations?status=snoozed&limit=200', w.as)).body)).not.toContain(timed);
    expect(ids(laterOpen.body)).not.toContain(untilReply);

    // The customer writes: the turn wakes it.
    await asService(db(), (tx) => recordInboundActivity(tx, w.workspaceId, untilReply, NOW, false));
    expect(ids((await list(w.as, 'status=open&limit=200')).body)).toContain(untilReply);
  });

  it('lets members mark read, not read-only keys, and never touches another workspace', async () => {
    const id = await thread(w, { phone: '+6281200000041', inbound: ['halo'], at: new Date(NOW.getTime() - 50 * MIN) });
    const foreign = await thread(other, { phone: '+6281200000042', inbound: ['hi'], at: new Date(NOW.getTime() - 50 * MIN) });
    expect((await t.call('POST', `/api/v1/conversations/${id}/read`, member.as)).status).toBe(200);
    const denied = await t.call('POST', `/api/v1/conversations/${id}/read`, { key: readKey });
    expect([denied.status, denied.body.error.code]).toEqual([403, 'auth.forbidden']);
    const cross = await t.call('POST', `/api/v1/conversations/${foreign}/read`, w.as);
    expect([cross.status, cross.body.error.code]).toEqual([404, 'conversation.not_found']);
    const still = await t.call('GET', `/api/v1/conversations/${foreign}`, other.as);
    expect(still.body.unread_count).toBe(1);
    const marks = await asService(db(), (tx) => tx.query('select 1 from conversation_reads where workspace_id = $1', [other.workspaceId]));
    expect(marks.rows).toEqual([]);
    const bad = await list(w.as, 'unread=maybe&needs_person=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['query.needs_person', 'query.unread']);
  });
});
