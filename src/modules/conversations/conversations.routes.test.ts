import { beforeAll, describe, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp, type CallResult } from '../../../test/support/http.ts';
import { customerWroteOnWhatsapp } from '../../../test/support/factories.ts';
import { fixedClock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';

// Sessions expire by real time, so the clock starts at the real now.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const HOUR = 3_600_000;

type App = ReturnType<typeof testApp>;
type Owner = Awaited<ReturnType<App['owner']>>;
type Body = Record<string, any>;

const paths = (body: Body) => body.error.details.issues.map((i: { path: string }) => i.path);
const ids = (body: Body) => body.data.map((c: { id: string }) => c.id);

interface Thread {
  contact: string;
  channel?: string;
  status?: string;
  owner?: string;
  assignee?: string | null;
  lastMessageAt?: string | null;
  unread?: number;
}

describeEachDatabase('the inbox over HTTP', (db) => {
  const clock = fixedClock(NOW);
  let t: App;
  let w: Owner;
  let other: Owner;
  let member: Awaited<ReturnType<App['teammate']>>;
  let rina: Body;
  let budi: Body;

  const contact = async (who: Owner, body: Body) => {
    const res = await t.call('POST', '/api/v1/contacts', { ...who.as, body });
    if (res.status !== 201) throw new Error(`contact failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Body;
  };

  /** A conversation as the channels would have made it. */
  const thread = async (who: Owner, th: Thread) => {
    const id = newId();
    await asService(db(), (tx) =>
      tx.query(
        `insert into conversations (id, workspace_id, contact_id, channel, status, owner, assignee_id, last_message_at, last_inbound_at, unread_count)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)`,
        [id, who.workspaceId, th.contact, th.channel ?? 'whatsapp', th.status ?? 'open', th.owner ?? 'ai', th.assignee ?? null, th.lastMessageAt ?? null, th.unread ?? 0],
      ),
    );
    return id;
  };

  const inbound = async (who: Owner, conversationId: string, bodies: string[], startAt: Date) => {
    const made: string[] = [];
    await asService(db(), async (tx) => {
      for (const [i, body] of bodies.entries()) {
        const id = newId();
        made.push(id);
        await tx.query(
          `insert into messages (id, workspace_id, conversation_id, channel, direction, sender_kind, body, created_at)
           values ($1, $2, $3, 'whatsapp', 'inbound', 'contact', $4, $5)`,
          [id, who.workspaceId, conversationId, body, new Date(startAt.getTime() + i * 1000)],
        );
      }
    });
    return made;
  };

  beforeAll(async () => {
    t = testApp(db(), clock);
    w = await t.owner(email('inbox'));
    other = await t.owner(email('elsewhere'));
    member = await t.teammate(w.as, email('agent'), 'member');
    rina = await contact(w, { name: 'Rina', phone: '+6281234567001', tags: ['vip', 'ielts'] });
    budi = await contact(w, { name: 'Budi', phone: '+6281234567002', tags: ['ielts'] });
  });

  describe('the list', () => {
    let f: Owner;
    let a: Body;
    let b: Body;
    let agent: Awaited<ReturnType<App['teammate']>>;
    const th = {} as Record<'aWhatsapp' | 'aSms' | 'aOld' | 'bWebchat' | 'bWhatsapp' | 'bSms', string>;
    const list = (query = '', who: { cookie?: string; workspace?: string; key?: string } = f.as) =>
      t.call('GET', `/api/v1/conversations${query ? `?${query}` : ''}`, who);

    beforeAll(async () => {
      f = await t.owner(email('filters'));
      agent = await t.teammate(f.as, email('agent'), 'member');
      a = await contact(f, { name: 'Ayu', tags: ['vip'] });
      b = await contact(f, { name: 'Bayu', tags: ['ielts'] });
      th.aWhatsapp = await thread(f, { contact: a.id, channel: 'whatsapp', status: 'open', owner: 'ai', lastMessageAt: '2026-03-01T10:00:00.123456Z', unread: 2 });
      th.aSms = await thread(f, { contact: a.id, channel: 'sms', status: 'pending', owner: 'human', assignee: agent.userId, lastMessageAt: '2026-03-01T10:00:00.123457Z' });
      th.aOld = await thread(f, { contact: a.id, channel: 'whatsapp', status: 'resolved', owner: 'human', assignee: f.userId, lastMessageAt: '2026-01-01T00:00:00Z' });
      th.bWebchat = await thread(f, { contact: b.id, channel: 'webchat', status: 'snoozed', owner: 'ai', lastMessageAt: '2026-03-01T10:00:00.123456Z' });
      th.bWhatsapp = await thread(f, { contact: b.id, channel: 'whatsapp', status: 'open', owner: 'human', assignee: f.userId, lastMessageAt: null });
      th.bSms = await thread(f, { contact: b.id, channel: 'sms', status: 'open', owner: 'ai', lastMessageAt: null });
    });

    // Most recent activity first; equal times by id, newest first; never-active last.
    const order = () => [th.aSms, th.bWebchat, th.aWhatsapp, th.aOld, th.bSms, th.bWhatsapp];

    it('lists the most recent activity first, each with its contact', async () => {
      const res = await list();
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual(order());
      expect(res.body.next_cursor).toBeNull();
      expect(res.body.data[2]).toEqual({
        id: th.aWhatsapp,
        contact_id: a.id,
        channel: 'whatsapp',
        status: 'open',
        owner: 'ai',
        needs_person: false,
        assignee_id: null,
        snoozed_until: null,
        last_message_at: '2026-03-01T10:00:00.123Z',
        last_inbound_at: '2026-03-01T10:00:00.123Z',
        // Per person for a signed-in caller: the thread's own messages, of which it has none.
        unread_count: 0,
        metadata: {},
        created_at: expect.any(String),
        updated_at: expect.any(String),
        contact: { id: a.id, name: 'Ayu', phone: null, tags: ['vip'] },
      });
    });

    it('pages through ties and never-active conversations without losing or repeating any', async () => {
      for (const limit of [1, 2, 4]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res: CallResult = await list(`limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status).toBe(200);
          seen.push(...ids(res.body));
          cursor = res.body.next_cursor;
          pages++;
        } while (cursor);
        expect(seen, `limit ${limit}`).toEqual(order());
        expect(pages).toBe(Math.ceil(6 / limit));
      }
      const filtered = await list('limit=1&status=open');
      const next = await list(`limit=1&status=open&cursor=${filtered.body.next_cursor}`);
      expect([...ids(filtered.body), ...ids(next.body)]).toEqual([th.aWhatsapp, th.bSms]);
    });

    it('filters by status, channel, owner, assignee, tag and contact, alone and together', async () => {
      const cases: [string, string[]][] = [
        ['status=open', [th.aWhatsapp, th.bSms, th.bWhatsapp]],
        ['status=pending', [th.aSms]],
        ['status=snoozed', [th.bWebchat]],
        ['status=resolved', [th.aOld]],
        ['channel=sms', [th.aSms, th.bSms]],
        ['channel=voice', []],
        ['owner=human', [th.aSms, th.aOld, th.bWhatsapp]],
        ['owner=ai', [th.bWebchat, th.aWhatsapp, th.bSms]],
        [`assignee_id=${agent.userId}`, [th.aSms]],
        ['assignee=me', [th.aOld, th.bWhatsapp]],
        ['assignee=none', [th.bWebchat, th.aWhatsapp, th.bSms]],
        ['tag=vip', [th.aSms, th.aWhatsapp, th.aOld]],
        ['tag=nobody', []],
        [`contact_id=${b.id}`, [th.bWebchat, th.bSms, th.bWhatsapp]],
        ['status=open&owner=ai&tag=ielts', [th.bSms]],
        [`channel=whatsapp&assignee=me&contact_id=${b.id}`, [th.bWhatsapp]],
      ];
      for (const [query, expected] of cases) {
        const res = await list(query);
        expect(res.status, query).toBe(200);
        expect(ids(res.body), query).toEqual(expected);
      }
      expect(ids((await list('assignee=me', agent.as)).body)).toEqual([th.aSms]);
    });

    it('refuses bad filters and cursors with the query path', async () => {
      const bad = await list('status=closed&channel=fax&owner=bot&assignee=someone&contact_id=1&limit=500');
      expect(bad.status).toBe(400);
      expect(paths(bad.body).sort()).toEqual(['query.assignee', 'query.channel', 'query.contact_id', 'query.limit', 'query.owner', 'query.status']);
      const both = await list(`assignee=none&assignee_id=${f.userId}`);
      expect(paths(both.body)).toEqual(['query.assignee']);
      for (const cursor of ['nonsense', Buffer.from('["2026-13-45T99:00:00.000000Z","x"]').toString('base64url'), Buffer.from('{}').toString('base64url')]) {
        const res = await list(`cursor=${cursor}`);
        expect(res.status, cursor).toBe(400);
        expect(paths(res.body)).toEqual(['query.cursor']);
      }
      const key = (await t.apiKey(f.as, true)).key;
      const me = await list('assignee=me', { key });
      expect(me.status).toBe(400);
      expect(paths(me.body)).toEqual(['query.assignee']);
    });
  });

  describe('a conversation and its messages', () => {
    it('shows the most recent 100 messages oldest first, and the older ones with `before`', async () => {
      const c = await contact(w, { name: 'Chatty' });
      const id = await thread(w, { contact: c.id, lastMessageAt: NOW.toISOString() });
      const made = await inbound(w, id, Array.from({ length: 105 }, (_, i) => `message ${i}`), new Date(NOW.getTime() - HOUR));
      const res = await t.call('GET', `/api/v1/conversations/${id}`, w.as);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, contact: { id: c.id, name: 'Chatty', phone: null, tags: [] } });
      expect(res.body.messages.map((m: Body) => m.id)).toEqual(made.slice(5));
      expect(res.body.messages_before).toBe(made[5]);
      expect(res.body.messages[0]).toEqual({
        id: made[5],
        conversation_id: id,
        channel: 'whatsapp',
        direction: 'inbound',
        sender_kind: 'contact',
        sender_user_id: null,
        body: 'message 5',
        content_type: 'text',
        media: null,
        provider_message_id: null,
        delivery_status: 'received',
        error: null,
        metadata: {},
        assistant: null,
        created_at: new Date(NOW.getTime() - HOUR + 5000).toISOString(),
        updated_at: expect.any(String),
      });
      // No notes yet; the customer never wrote on WhatsApp here, so only a template could go.
      expect(res.body.notes).toEqual([]);
      expect(res.body.reply_window).toMatchObject({ free_form: false, last_customer_message_at: null, closes_at: null });
      const older = await t.call('GET', `/api/v1/conversations/${id}?before=${res.body.messages_before}`, w.as);
      expect(older.body.messages.map((m: Body) => m.id)).toEqual(made.slice(0, 5));
      expect(older.body.messages_before).toBeNull();
      const few = await t.call('GET', `/api/v1/conversations/${id}?limit=2&before=${made[3]}`, w.as);
      expect(few.body.messages.map((m: Body) => m.body)).toEqual(['message 1', 'message 2']);
      expect(few.body.messages_before).toBe(made[1]);

      const elsewhere = await thread(w, { contact: budi.id, channel: 'webchat' });
      const [stranger] = await inbound(w, elsewhere, ['not here'], NOW);
      const wrong = await t.call('GET', `/api/v1/conversations/${id}?before=${stranger}`, w.as);
      expect(wrong.status).toBe(400);
      expect(paths(wrong.body)).toEqual(['query.before']);
    });
  });

  describe('working a conversation', () => {
    it('opens a conversation by hand, owned by the person who opened it, one unresolved per channel', async () => {
      const c = await contact(w, { name: 'New lead' });
      const res = await t.call('POST', '/api/v1/conversations', { ...member.as, body: { contact_id: c.id, channel: 'whatsapp' } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ contact_id: c.id, channel: 'whatsapp', status: 'open', owner: 'human', assignee_id: member.userId, unread_count: 0, last_message_at: null });
      expect(res.body.contact).toEqual({ id: c.id, name: 'New lead', phone: null, tags: [] });
      const again = await t.call('POST', '/api/v1/conversations', { ...w.as, body: { contact_id: c.id, channel: 'whatsapp' } });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'conversation.already_open', details: { conversation_id: res.body.id } });
      expect((await t.call('POST', '/api/v1/conversations', { ...w.as, body: { contact_id: c.id, channel: 'sms' } })).status).toBe(201);
      const missing = await t.call('POST', '/api/v1/conversations', { ...w.as, body: { contact_id: newId(), channel: 'sms' } });
      expect([missing.status, missing.body.error.code]).toEqual([404, 'contact.not_found']);
      const bad = await t.call('POST', '/api/v1/conversations', { ...w.as, body: { contact_id: 'x', channel: 'fax' } });
      expect(paths(bad.body).sort()).toEqual(['body.channel', 'body.contact_id']);
    });

    it('assigns to members only, unassigns with null, and unassigns someone who leaves the team', async () => {
      const leaver = await t.teammate(w.as, email('leaver'), 'member');
      const outsider = await t.signUp(email('outsider'));
      const id = await thread(w, { contact: rina.id, channel: 'sms' });
      const url = `/api/v1/conversations/${id}/assign`;
      const to = await t.call('POST', url, { ...member.as, body: { assignee_id: member.userId } });
      expect(to.status).toBe(200);
      expect(to.body).toMatchObject({ id, assignee_id: member.userId, contact: { id: rina.id, name: 'Rina', phone: '+6281234567001', tags: ['vip', 'ielts'] } });
      for (const stranger of [outsider.userId, other.userId, newId()]) {
        const res = await t.call('POST', url, { ...w.as, body: { assignee_id: stranger } });
        expect(res.status).toBe(400);
        expect(res.body.error).toEqual({ code: 'conversation.assignee_not_member', message: 'the assignee must be a member of this workspace', details: { field: 'assignee_id' } });
      }
      expect((await t.call('GET', `/api/v1/conversations/${id}`, w.as)).body.assignee_id).toBe(member.userId);
      expect((await t.call('POST', url, { ...w.as, body: { assignee_id: null } })).body.assignee_id).toBeNull();
      expect((await t.call('POST', url, { ...w.as, body: {} })).status).toBe(400);

      expect((await t.call('POST', url, { ...w.as, body: { assignee_id: leaver.userId } })).body.assignee_id).toBe(leaver.userId);
      expect((await t.call('DELETE', `/api/v1/members/${leaver.userId}`, w.as)).status).toBe(204);
      expect((await t.call('GET', `/api/v1/conversations/${id}`, w.as)).body.assignee_id).toBeNull();
    });

    it('snoozes until a future time, resolves, and reopens unless another thread is open on the channel', async () => {
      const id = await thread(w, { contact: budi.id, channel: 'whatsapp' });
      const url = `/api/v1/conversations/${id}/status`;
      // Without a time: until the customer writes again (test/flows/inbox.routes.test.ts).
      const noTime = await t.call('POST', url, { ...w.as, body: { status: 'snoozed' } });
      expect(noTime.body).toMatchObject({ status: 'snoozed', snoozed_until: null });
      const past = await t.call('POST', url, { ...w.as, body: { status: 'snoozed', snoozed_until: new Date(NOW.getTime() - 1000).toISOString() } });
      expect([past.status, paths(past.body)]).toEqual([400, ['body.snoozed_until']]);
      const stray = await t.call('POST', url, { ...w.as, body: { status: 'open', snoozed_until: new Date(NOW.getTime() + HOUR).toISOString() } });
      expect([stray.status, paths(stray.body)]).toEqual([400, ['body.snoozed_until']]);
      const bad = await t.call('POST', url, { ...w.as, body: { status: 'closed', snoozed_until: 'tomorrow' } });
      expect(paths(bad.body).sort()).toEqual(['body.snoozed_until', 'body.status']);

      const until = new Date(NOW.getTime() + 2 * HOUR);
      const snoozed = await t.call('POST', url, { ...member.as, body: { status: 'snoozed', snoozed_until: until.toISOString().replace('Z', '+00:00') } });
      expect(snoozed.status).toBe(200);
      expect(snoozed.body).toMatchObject({ id, status: 'snoozed', snoozed_until: until.toISOString() });
      const pending = await t.call('POST', url, { ...member.as, body: { status: 'pending' } });
      expect(pending.body).toMatchObject({ status: 'pending', snoozed_until: null });
      expect((await t.call('POST', url, { ...member.as, body: { status: 'resolved' } })).body.status).toBe('resolved');

      const newer = await thread(w, { contact: budi.id, channel: 'whatsapp' });
      const clash = await t.call('POST', url, { ...member.as, body: { status: 'open' } });
      expect(clash.status).toBe(409);
      expect(clash.body.error).toMatchObject({ code: 'conversation.already_open', details: { conversation_id: newer } });
      expect((await t.call('POST', `/api/v1/conversations/${newer}/status`, { ...member.as, body: { status: 'resolved' } })).status).toBe(200);
      expect((await t.call('POST', url, { ...member.as, body: { status: 'open' } })).body.status).toBe('open');
    });

    it('takes over from the assistant and hands back, both idempotent', async () => {
      const id = await thread(w, { contact: rina.id, channel: 'webchat', owner: 'ai' });
      const takeover = `/api/v1/conversations/${id}/takeover`;
      const handback = `/api/v1/conversations/${id}/hand-back`;
      for (let i = 0; i < 2; i++) {
        const res = await t.call('POST', takeover, member.as);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id, owner: 'human', assignee_id: member.userId });
      }
      for (let i = 0; i < 2; i++) {
        const res = await t.call('POST', handback, member.as);
        expect(res.body).toMatchObject({ id, owner: 'ai', assignee_id: member.userId });
      }
      // An integration takes over without becoming anyone's assignment.
      const key = (await t.apiKey(w.as)).key;
      expect((await t.call('POST', takeover, { key })).body).toMatchObject({ owner: 'human', assignee_id: member.userId });
    });

    it('queues a staff reply, bumps the conversation and takes it over from the assistant', async () => {
      const id = await thread(w, { contact: rina.id, channel: 'whatsapp', status: 'pending', owner: 'ai', lastMessageAt: '2026-01-01T00:00:00Z', unread: 3 });
      // Rina wrote on WhatsApp just now: a free-form reply may go.
      await customerWroteOnWhatsapp(db(), w.workspaceId, rina.id, NOW);
      clock.set(new Date(NOW.getTime() + 5 * 60_000));
      try {
        const res = await t.call('POST', `/api/v1/conversations/${id}/messages`, { ...member.as, body: { body: '  Halo Rina, jadwal konsultasi besok jam 10.  ' } });
        expect(res.status).toBe(201);
        const at = new Date(NOW.getTime() + 5 * 60_000).toISOString();
        expect(res.body).toEqual({
          id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
          conversation_id: id,
          channel: 'whatsapp',
          direction: 'outbound',
          sender_kind: 'agent',
          sender_user_id: member.userId,
          body: 'Halo Rina, jadwal konsultasi besok jam 10.',
          content_type: 'text',
          media: null,
          provider_message_id: null,
          delivery_status: 'queued',
          error: null,
          metadata: {},
          assistant: null,
          created_at: at,
          updated_at: at,
        });
        const after = await t.call('GET', `/api/v1/conversations/${id}`, w.as);
        expect(after.body).toMatchObject({ owner: 'human', assignee_id: member.userId, last_message_at: at, unread_count: 0, status: 'pending' });
        expect(after.body.messages.map((m: Body) => m.id)).toEqual([res.body.id]);

        // Someone else replying does not take the assignment away.
        const second = await t.call('POST', `/api/v1/conversations/${id}/messages`, { ...w.as, body: { body: 'Sampai besok!' } });
        expect(second.body.sender_user_id).toBe(w.userId);
        expect((await t.call('GET', `/api/v1/conversations/${id}`, w.as)).body.assignee_id).toBe(member.userId);
      } finally {
        clock.set(NOW);
      }
      const empty = await t.call('POST', `/api/v1/conversations/${id}/messages`, { ...w.as, body: { body: '   ' } });
      expect([empty.status, paths(empty.body)]).toEqual([400, ['body.body']]);
      const huge = await t.call('POST', `/api/v1/conversations/${id}/messages`, { ...w.as, body: { body: 'x'.repeat(4097) } });
      expect(paths(huge.body)).toEqual(['body.body']);
      const stored = await asService(db(), (tx) => rows(tx, 'select count(*)::int as n from messages where conversation_id = $1', [id]));
      expect(stored).toEqual([{ n: 2 }]);
    });
  });

  describe('who may do what', () => {
    it('lets members and admins work the inbox, read-only keys only read', async () => {
      const admin = await t.teammate(w.as, email('admin'), 'admin');
      const reader = { key: (await t.apiKey(w.as, true)).key };
      const c = await contact(w, { name: 'Roles' });
      const id = await thread(w, { contact: c.id, channel: 'webchat' });

      for (const who of [member.as, admin.as]) {
        expect((await t.call('GET', '/api/v1/conversations', who)).status).toBe(200);
        expect((await t.call('GET', `/api/v1/conversations/${id}`, who)).status).toBe(200);
        expect((await t.call('POST', `/api/v1/conversations/${id}/assign`, { ...who, body: { assignee_id: member.userId } })).status).toBe(200);
        expect((await t.call('POST', `/api/v1/conversations/${id}/status`, { ...who, body: { status: 'pending' } })).status).toBe(200);
        expect((await t.call('POST', `/api/v1/conversations/${id}/takeover`, who)).status).toBe(200);
        expect((await t.call('POST', `/api/v1/conversations/${id}/hand-back`, who)).status).toBe(200);
        expect((await t.call('POST', `/api/v1/conversations/${id}/messages`, { ...who, body: { body: 'hi' } })).status).toBe(201);
      }
      expect((await t.call('POST', '/api/v1/conversations', { ...admin.as, body: { contact_id: c.id, channel: 'sms' } })).status).toBe(201);

      expect((await t.call('GET', `/api/v1/conversations?contact_id=${c.id}`, reader)).body.data).toHaveLength(2);
      expect((await t.call('GET', `/api/v1/conversations/${id}`, reader)).body.messages).toHaveLength(2);
      const denied = [
        await t.call('POST', '/api/v1/conversations', { ...reader, body: { contact_id: c.id, channel: 'voice' } }),
        await t.call('POST', `/api/v1/conversations/${id}/assign`, { ...reader, body: { assignee_id: null } }),
        await t.call('POST', `/api/v1/conversations/${id}/status`, { ...reader, body: { status: 'resolved' } }),
        await t.call('POST', `/api/v1/conversations/${id}/takeover`, reader),
        await t.call('POST', `/api/v1/conversations/${id}/hand-back`, reader),
        await t.call('POST', `/api/v1/conversations/${id}/messages`, { ...reader, body: { body: 'no' } }),
      ];
      expect(denied.map((r) => [r.status, r.body.error.code])).toEqual(Array(6).fill([403, 'auth.forbidden']));
    });

    it("answers 404 for another workspace's conversation on every route, and leaves it alone", async () => {
      const theirContact = await contact(other, { name: 'Theirs', tags: ['ielts'] });
      const theirs = await thread(other, { contact: theirContact.id, channel: 'whatsapp', owner: 'ai', lastMessageAt: NOW.toISOString() });
      const attempts = [
        await t.call('GET', `/api/v1/conversations/${theirs}`, w.as),
        await t.call('POST', `/api/v1/conversations/${theirs}/assign`, { ...w.as, body: { assignee_id: w.userId } }),
        await t.call('POST', `/api/v1/conversations/${theirs}/status`, { ...w.as, body: { status: 'resolved' } }),
        await t.call('POST', `/api/v1/conversations/${theirs}/takeover`, w.as),
        await t.call('POST', `/api/v1/conversations/${theirs}/hand-back`, w.as),
        await t.call('POST', `/api/v1/conversations/${theirs}/messages`, { ...w.as, body: { body: 'hello?' } }),
      ];
      expect(attempts.map((r) => [r.status, r.body.error.code])).toEqual(Array(6).fill([404, 'conversation.not_found']));
      const open = await t.call('POST', '/api/v1/conversations', { ...w.as, body: { contact_id: theirContact.id, channel: 'sms' } });
      expect([open.status, open.body.error.code]).toEqual([404, 'contact.not_found']);
      expect(ids((await t.call('GET', `/api/v1/conversations?contact_id=${theirContact.id}`, w.as)).body)).toEqual([]);
      expect(ids((await t.call('GET', '/api/v1/conversations', w.as)).body)).not.toContain(theirs);
      const untouched = (await t.call('GET', `/api/v1/conversations/${theirs}`, other.as)).body;
      expect(untouched).toMatchObject({ id: theirs, status: 'open', owner: 'ai', assignee_id: null, messages: [] });
      expect((await t.call('GET', `/api/v1/conversations/${newId()}`, w.as)).body.error.code).toBe('conversation.not_found');
    });
  });
});
