import { beforeAll, describe, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp, type CallResult } from '../../../test/support/http.ts';
import { newId } from '../../platform/ids.ts';

type App = ReturnType<typeof testApp>;
type Owner = Awaited<ReturnType<App['owner']>>;
type Body = Record<string, any>;

const paths = (body: Body) => body.error.details.issues.map((i: { path: string }) => i.path);
const ids = (body: Body) => body.data.map((c: { id: string }) => c.id);

describeEachDatabase('contacts over HTTP', (db) => {
  let t: App;
  let o: Owner;
  let other: Owner;
  const create = async (who: Owner, body: Body) => {
    const res = await t.call('POST', '/api/v1/contacts', { ...who.as, body });
    if (res.status !== 201) throw new Error(`contact failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Body;
  };

  beforeAll(async () => {
    t = testApp(db());
    o = await t.owner(email('contacts'), { country: 'ID' });
    other = await t.owner(email('elsewhere'), { country: 'ID' });
  });

  describe('create, read, update, delete', () => {
    it('creates a contact with its phone in E.164, its email in lower case and its tags once', async () => {
      const res = await t.call('POST', '/api/v1/contacts', {
        ...o.as,
        body: {
          name: '  Rina Wijaya ',
          phone: '0812-3456-7001',
          email: 'Rina.W@Example.COM',
          tags: ['ielts', 'australia', 'ielts'],
          lead_status: 'prospect',
          lead_score: 40,
          lead_temperature: 'warm',
          source: 'whatsapp',
          locale: 'id',
          metadata: { intake: '2027-02' },
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
        name: 'Rina Wijaya',
        phone: '+6281234567001',
        email: 'rina.w@example.com',
        tags: ['ielts', 'australia'],
        notes: null,
        address: null,
        lead_status: 'prospect',
        lead_score: 40,
        lead_temperature: 'warm',
        source: 'whatsapp',
        locale: 'id',
        metadata: { intake: '2027-02' },
        total_bookings: 0,
        total_calls: 0,
        total_spent: '0.00',
        last_contact: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      const read = await t.call('GET', `/api/v1/contacts/${res.body.id}`, o.as);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
    });

    it('changes only the fields given, clears with null, and reads a new phone in any format', async () => {
      const c = await create(o, { name: 'Budi', phone: '+62 812 3456 7010', notes: 'call after 5pm', tags: ['a'] });
      const res = await t.call('PATCH', `/api/v1/contacts/${c.id}`, {
        ...o.as,
        body: { phone: '62 812-3456-7011', notes: null, tags: ['b', 'c'], lead_temperature: 'hot' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...c, phone: '+6281234567011', notes: null, tags: ['b', 'c'], lead_temperature: 'hot', updated_at: expect.any(String) });
      const same = await t.call('PATCH', `/api/v1/contacts/${c.id}`, { ...o.as, body: {} });
      expect(same.body).toEqual(res.body);
      const again = await t.call('PATCH', `/api/v1/contacts/${c.id}`, { ...o.as, body: { phone: '081234567011' } });
      expect(again.status).toBe(200);
      expect(again.body.phone).toBe('+6281234567011');
    });

    it('deletes a contact: 204, then 404', async () => {
      const c = await create(o, { name: 'Temp' });
      expect((await t.call('DELETE', `/api/v1/contacts/${c.id}`, o.as)).status).toBe(204);
      const gone = await t.call('GET', `/api/v1/contacts/${c.id}`, o.as);
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe('contact.not_found');
      expect((await t.call('DELETE', `/api/v1/contacts/${c.id}`, o.as)).status).toBe(404);
      expect((await t.call('PATCH', `/api/v1/contacts/${c.id}`, { ...o.as, body: { name: 'x' } })).status).toBe(404);
    });

    it('reports every invalid field with its path', async () => {
      const empty = await t.call('POST', '/api/v1/contacts', { ...o.as, body: {} });
      expect(empty.status).toBe(400);
      expect(paths(empty.body)).toEqual(['body']);
      const bad = await t.call('POST', '/api/v1/contacts', {
        ...o.as,
        body: { name: 'X', email: 'not-an-email', lead_score: 101, lead_temperature: 'lukewarm', lead_status: 'maybe', tags: [''], extra: 1 },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation.failed');
      expect(paths(bad.body)).toEqual(expect.arrayContaining(['body.email', 'body.lead_score', 'body.lead_temperature', 'body.lead_status', 'body.tags.0', 'body']));
      const patch = await t.call('PATCH', `/api/v1/contacts/${newId()}`, { ...o.as, body: { lead_score: -1 } });
      expect(paths(patch.body)).toEqual(['body.lead_score']);
      expect(paths((await t.call('GET', '/api/v1/contacts/not-a-uuid', o.as)).body)).toEqual(['path.id']);
    });

    it('refuses a phone that is not a phone number, with the field path', async () => {
      for (const phone of ['abc', '12', '0812']) {
        const res = await t.call('POST', '/api/v1/contacts', { ...o.as, body: { name: 'X', phone } });
        expect(res.status, phone).toBe(400);
        expect(res.body.error.code).toBe('validation.failed');
        expect(paths(res.body)).toEqual(['body.phone']);
      }
      const c = await create(o, { name: 'Y' });
      const patch = await t.call('PATCH', `/api/v1/contacts/${c.id}`, { ...o.as, body: { phone: 'call me' } });
      expect(patch.status).toBe(400);
      expect(paths(patch.body)).toEqual(['body.phone']);
    });

    it('refuses a phone another contact has, whatever its format, naming that contact', async () => {
      const first = await create(o, { name: 'First', phone: '+62 812 3456 7020' });
      const dup = await t.call('POST', '/api/v1/contacts', { ...o.as, body: { name: 'Second', phone: '0812 3456 7020' } });
      expect(dup.status).toBe(409);
      expect(dup.body.error).toEqual({
        code: 'contact.phone_taken',
        message: 'another contact already has the phone number +6281234567020',
        details: { field: 'phone', phone: '+6281234567020', contact_id: first.id },
      });
      const second = await create(o, { name: 'Second', phone: '0812 3456 7021' });
      const patch = await t.call('PATCH', `/api/v1/contacts/${second.id}`, { ...o.as, body: { phone: '6281234567020' } });
      expect(patch.status).toBe(409);
      expect(patch.body.error.code).toBe('contact.phone_taken');
      // The same number in another workspace is another person.
      expect((await t.call('POST', '/api/v1/contacts', { ...other.as, body: { name: 'Elsewhere', phone: '0812 3456 7020' } })).status).toBe(201);
    });
  });

  describe('search, filters and pages', () => {
    let w: Owner;
    let rina: Body;
    let budi: Body;
    let rinaldi: Body;
    let sari: Body;
    const list = (query: string, who: Owner = w) => t.call('GET', `/api/v1/contacts?${query}`, who.as);

    beforeAll(async () => {
      w = await t.owner(email('search'), { country: 'ID' });
      rina = await create(w, { name: 'Rina Wijaya', phone: '+6281234567001', email: 'rina@example.com', tags: ['ielts', 'vip'], lead_temperature: 'hot', lead_status: 'hot_lead' });
      budi = await create(w, { name: 'Budi Santoso', phone: '+6281234567002', email: 'budi@mail.id', tags: ['ielts'], lead_temperature: 'cold' });
      rinaldi = await create(w, { name: 'Rinaldi', email: 'r@x.id', tags: ['vip'], lead_temperature: 'hot', lead_status: 'customer' });
      sari = await create(w, { name: 'Sari 100%_done', tags: [] });
    });

    it('finds a phone written in any common format, and only that contact', async () => {
      for (const q of ['0812-3456-7001', '+62 812 3456 7001', '6281234567001', '62812 3456 7001', '(0812) 3456 7001', '+6281234567001']) {
        const res = await list(`q=${encodeURIComponent(q)}`);
        expect(res.status, q).toBe(200);
        expect(ids(res.body), q).toEqual([rina.id]);
      }
      expect(ids((await list(`q=${encodeURIComponent('0812-3456-7002')}`)).body)).toEqual([budi.id]);
      expect(ids((await list(`q=${encodeURIComponent('0812-3456-7999')}`)).body)).toEqual([]);
    });

    it('reads local numbers in the workspace country', async () => {
      const us = await t.owner(email('us'), { country: 'US', currency: 'USD', time_zone: 'America/New_York', locale: 'en' });
      const c = await create(us, { name: 'Sam', phone: '(415) 555-2671' });
      expect(c.phone).toBe('+14155552671');
      expect(ids((await list(`q=${encodeURIComponent('415.555.2671')}`, us)).body)).toEqual([c.id]);
      expect(ids((await list(`q=${encodeURIComponent('+1 415 555 2671')}`, us)).body)).toEqual([c.id]);
    });

    it('finds an email in any case, and part of a name, an email or a number in any case', async () => {
      expect(ids((await list('q=RINA@Example.com')).body)).toEqual([rina.id]);
      expect(ids((await list('q=rina@example')).body)).toEqual([rina.id]);
      expect(ids((await list('q=MAIL.ID')).body)).toEqual([budi.id]);
      // The digits of a number, written as people write part of one (the trunk 0 left out).
      expect(ids((await list(`q=${encodeURIComponent('3456 700')}`)).body)).toEqual([budi.id, rina.id]);
      expect(ids((await list(`q=${encodeURIComponent('0812-3456-700')}`)).body)).toEqual([budi.id, rina.id]);
      expect(ids((await list('q=rIn')).body)).toEqual([rinaldi.id, rina.id]);
      expect(ids((await list('q=santoso')).body)).toEqual([budi.id]);
      // LIKE's wildcards are plain characters in a search.
      expect(ids((await list(`q=${encodeURIComponent('0%_')}`)).body)).toEqual([sari.id]);
      expect(ids((await list(`q=${encodeURIComponent('%')}`)).body)).toEqual([sari.id]);
    });

    it('filters by tag, temperature and lead status, alone and together', async () => {
      expect(ids((await list('tag=ielts')).body)).toEqual([budi.id, rina.id]);
      expect(ids((await list('tag=vip')).body)).toEqual([rinaldi.id, rina.id]);
      expect(ids((await list('temperature=hot')).body)).toEqual([rinaldi.id, rina.id]);
      expect(ids((await list('temperature=cold')).body)).toEqual([budi.id]);
      expect(ids((await list('lead_status=customer')).body)).toEqual([rinaldi.id]);
      expect(ids((await list('tag=vip&temperature=hot&lead_status=hot_lead')).body)).toEqual([rina.id]);
      expect(ids((await list('tag=ielts&q=rina')).body)).toEqual([rina.id]);
      expect(ids((await list('tag=none')).body)).toEqual([]);
      const bad = await list('temperature=lukewarm&lead_status=x&limit=0');
      expect(bad.status).toBe(400);
      expect(paths(bad.body).sort()).toEqual(['query.lead_status', 'query.limit', 'query.temperature']);
    });

    it('pages newest first with a cursor until there is no more', async () => {
      const p = await t.owner(email('pages'));
      const made: string[] = [];
      for (let i = 0; i < 7; i++) made.push((await create(p, { name: `Person ${i}` })).id);
      const seen: string[][] = [];
      let cursor: string | null = null;
      do {
        const res: CallResult = await list(`limit=3${cursor ? `&cursor=${cursor}` : ''}`, p);
        expect(res.status).toBe(200);
        seen.push(ids(res.body));
        cursor = res.body.next_cursor;
      } while (cursor);
      const newestFirst = [...made].reverse();
      expect(seen).toEqual([newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);
      expect((await list('limit=7', p)).body.next_cursor).toBeNull();
    });
  });

  describe('sorting, with keyset pages', () => {
    let s: Owner;
    const names = ['bima', 'Ayu', null, 'citra', 'Dewi', null, 'eka'];
    const made: Body[] = [];
    const walk = async (query: string, limit = 2) => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const res: CallResult = await t.call('GET', `/api/v1/contacts?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, s.as);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        out.push(...ids(res.body));
        cursor = res.body.next_cursor;
      } while (cursor);
      return out;
    };

    beforeAll(async () => {
      s = await t.owner(email('sorts'), { country: 'ID' });
      for (const [i, name] of names.entries()) {
        made.push(await create(s, { ...(name ? { name } : { email: `n${i}@x.id` }), lead_score: [40, 90, 10, 40, 70, 0, 55][i]! }));
      }
      // Two contacted, in an order unlike their creation.
      await asService(db(), (tx) => tx.query(`update contacts set last_contact = now() - interval '1 day' where id = $1`, [made[3]!.id]));
      await asService(db(), (tx) => tx.query(`update contacts set last_contact = now() where id = $1`, [made[0]!.id]));
    });

    it('walks every sort page by page, each contact once, in its order', async () => {
      const id = (i: number) => made[i]!.id;
      expect(await walk('sort=name')).toEqual([1, 0, 3, 4, 6, 2, 5].map(id));
      expect(await walk('sort=name_desc')).toEqual([5, 2, 6, 4, 3, 0, 1].map(id));
      expect(await walk('sort=score')).toEqual([1, 4, 6, 3, 0, 2, 5].map(id));
      expect(await walk('sort=score_asc')).toEqual([5, 2, 0, 3, 6, 4, 1].map(id));
      expect(await walk('sort=last_contact', 3)).toEqual([0, 3, 6, 5, 4, 2, 1].map(id));
      expect(await walk('sort=oldest', 3)).toEqual([0, 1, 2, 3, 4, 5, 6].map(id));
      expect(await walk('sort=newest', 4)).toEqual([6, 5, 4, 3, 2, 1, 0].map(id));
      expect(await walk('sort=score&q=a', 1)).toEqual([1, 6, 3, 0].map(id));
    });

    it('refuses a cursor it did not give', async () => {
      for (const cursor of ['nonsense', Buffer.from('["x"]').toString('base64url'), Buffer.from(JSON.stringify(['notanumber', made[0]!.id])).toString('base64url')]) {
        const res = await t.call('GET', `/api/v1/contacts?sort=score&cursor=${cursor}`, s.as);
        expect(res.status, cursor).toBe(400);
        expect(paths(res.body)).toEqual(['query.cursor']);
      }
    });
  });

  describe('merging two records of the same person', () => {
    it('moves everything that refers to the merged contact, fills the gaps, unites tags and adds up totals', async () => {
      const m = await t.owner(email('merge'));
      const ws = m.workspaceId;
      const keep = await create(m, {
        name: 'Rina', phone: '+6281234567001', notes: 'keep notes', tags: ['ielts', 'australia'],
        lead_score: 30, metadata: { intake: '2027-02', shared: 'keep' },
      });
      const gone = await create(m, {
        name: 'Rina W', phone: '+6281234567002', email: 'rina@example.com', notes: 'merged notes', address: 'Jl. Sudirman 1',
        tags: ['australia', 'vip'], lead_status: 'prospect', lead_score: 60, lead_temperature: 'warm', source: 'webchat', locale: 'id',
        metadata: { budget: 'IDR 500m', shared: 'merged' },
      });
      const bystander = await create(m, { name: 'Someone else', phone: '+6281234567003' });

      const ref = {
        keepOpen: newId(), goneOpen: newId(), goneResolved: newId(), goneWebchat: newId(), bystanderOpen: newId(),
        keepMsg: newId(), goneMsg1: newId(), goneMsg2: newId(), webchatMsg: newId(),
        keepAri: newId(), goneAri: newId(), ariMsg: newId(), payment: newId(), appointment: newId(),
        booking: newId(), call: newId(), sms: newId(), webinarBoth: newId(), webinarGone: newId(),
        regKeep: newId(), regGoneBoth: newId(), regGoneOnly: newId(),
      };
      await asService(db(), async (tx) => {
        const q = (text: string, params: unknown[]) => tx.query(text, params);
        const conv = `insert into conversations (id, workspace_id, contact_id, channel, status, last_message_at, last_inbound_at, unread_count) values ($1, $2, $3, $4, $5, $6, $6, $7)`;
        await q(conv, [ref.keepOpen, ws, keep.id, 'whatsapp', 'open', '2026-01-01T00:00:00Z', 1]);
        await q(conv, [ref.goneOpen, ws, gone.id, 'whatsapp', 'pending', '2026-02-01T00:00:00Z', 2]);
        await q(conv, [ref.goneResolved, ws, gone.id, 'whatsapp', 'resolved', '2025-12-01T00:00:00Z', 0]);
        await q(conv, [ref.goneWebchat, ws, gone.id, 'webchat', 'open', '2026-01-15T00:00:00Z', 0]);
        await q(conv, [ref.bystanderOpen, ws, bystander.id, 'whatsapp', 'open', '2026-01-20T00:00:00Z', 0]);
        const msg = `insert into messages (id, workspace_id, conversation_id, channel, direction, sender_kind, body) values ($1, $2, $3, $4, 'inbound', 'contact', $5)`;
        await q(msg, [ref.keepMsg, ws, ref.keepOpen, 'whatsapp', 'halo']);
        await q(msg, [ref.goneMsg1, ws, ref.goneOpen, 'whatsapp', 'mau tanya']);
        await q(msg, [ref.goneMsg2, ws, ref.goneOpen, 'whatsapp', 'IELTS 6.5']);
        await q(msg, [ref.webchatMsg, ws, ref.goneWebchat, 'webchat', 'hi']);
        await q(`insert into ari_conversations (id, workspace_id, contact_id, conversation_id, context) values ($1, $2, $3, $4, $5)`, [ref.keepAri, ws, keep.id, ref.keepOpen, JSON.stringify({ name: 'Rina' })]);
        await q(`insert into ari_conversations (id, workspace_id, contact_id, conversation_id, context) values ($1, $2, $3, $4, $5)`, [ref.goneAri, ws, gone.id, ref.goneOpen, JSON.stringify({ name: 'Rina W', ielts: 6.5 })]);
        await q(`insert into ari_messages (id, workspace_id, ari_conversation_id, role, content) values ($1, $2, $3, 'user', 'IELTS 6.5')`, [ref.ariMsg, ws, ref.goneAri]);
        await q(`insert into ari_payments (id, workspace_id, ari_conversation_id, amount) values ($1, $2, $3, 250000)`, [ref.payment, ws, ref.goneAri]);
        await q(`insert into ari_appointments (id, workspace_id, ari_conversation_id, payment_id, scheduled_at) values ($1, $2, $3, $4, '2026-03-01T03:00:00Z')`, [ref.appointment, ws, ref.goneAri, ref.payment]);
        await q(`insert into bookings (id, workspace_id, customer_name, customer_phone, service_type, appointment_date, appointment_time, contact_id) values ($1, $2, 'Rina W', '+6281234567002', 'consultation', '2026-03-01', '10:00', $3)`, [ref.booking, ws, gone.id]);
        await q(`insert into calls (id, workspace_id, phone_number, contact_id) values ($1, $2, '+6281234567002', $3)`, [ref.call, ws, gone.id]);
        await q(`insert into sms_messages (id, workspace_id, phone_number, message_body, contact_id) values ($1, $2, '+6281234567002', 'see you', $3)`, [ref.sms, ws, gone.id]);
        const webinar = `insert into webinars (id, workspace_id, title, slug, scheduled_at) values ($1, $2, $3, $3, '2026-04-01T00:00:00Z')`;
        await q(webinar, [ref.webinarBoth, ws, 'study-in-australia']);
        await q(webinar, [ref.webinarGone, ws, 'ielts-tips']);
        const reg = `insert into webinar_registrations (id, workspace_id, webinar_id, contact_id, registered_at, attended) values ($1, $2, $3, $4, $5, $6)`;
        await q(reg, [ref.regKeep, ws, ref.webinarBoth, keep.id, '2026-03-10T00:00:00Z', false]);
        await q(reg, [ref.regGoneBoth, ws, ref.webinarBoth, gone.id, '2026-03-05T00:00:00Z', true]);
        await q(reg, [ref.regGoneOnly, ws, ref.webinarGone, gone.id, '2026-03-06T00:00:00Z', false]);
        // Totals as imported from elsewhere, set after the rows above so that the triggers that
        // keep them (0018) do not add those rows on top.
        await q(`update contacts set total_bookings = 1, total_calls = 2, total_spent = 100.50, last_contact = '2026-01-01T00:00:00Z' where id = $1`, [keep.id]);
        await q(`update contacts set total_bookings = 2, total_calls = 3, total_spent = 50.25, last_contact = '2026-02-01T00:00:00Z' where id = $1`, [gone.id]);
      });

      const res = await t.call('POST', `/api/v1/contacts/${keep.id}/merge`, { ...m.as, body: { merge_id: gone.id } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ...keep,
        email: 'rina@example.com',
        address: 'Jl. Sudirman 1',
        tags: ['ielts', 'australia', 'vip'],
        lead_status: 'prospect',
        lead_score: 60,
        lead_temperature: 'warm',
        source: 'webchat',
        locale: 'id',
        metadata: { intake: '2027-02', budget: 'IDR 500m', shared: 'keep' },
        total_bookings: 3,
        total_calls: 5,
        total_spent: '150.75',
        last_contact: '2026-02-01T00:00:00.000Z',
        updated_at: expect.any(String),
      });
      expect((await t.call('GET', `/api/v1/contacts/${gone.id}`, m.as)).status).toBe(404);

      const state = await asService(db(), async (tx) => ({
        conversations: await rows(tx, 'select id, contact_id, channel, status, last_message_at, last_inbound_at, unread_count from conversations where workspace_id = $1 order by id', [ws]),
        messages: await rows(tx, 'select id, conversation_id from messages where workspace_id = $1 order by id', [ws]),
        ari: await rows(tx, 'select id, contact_id, conversation_id, context from ari_conversations where workspace_id = $1', [ws]),
        ariMessages: await rows(tx, 'select id, ari_conversation_id from ari_messages where workspace_id = $1', [ws]),
        payments: await rows(tx, 'select id, ari_conversation_id from ari_payments where workspace_id = $1', [ws]),
        appointments: await rows(tx, 'select id, ari_conversation_id, payment_id from ari_appointments where workspace_id = $1', [ws]),
        bookings: await rows(tx, 'select id, contact_id from bookings where workspace_id = $1', [ws]),
        calls: await rows(tx, 'select id, contact_id from calls where workspace_id = $1', [ws]),
        sms: await rows(tx, 'select id, contact_id from sms_messages where workspace_id = $1', [ws]),
        registrations: await rows(tx, 'select id, webinar_id, contact_id, registered_at, attended from webinar_registrations where workspace_id = $1 order by id', [ws]),
        contacts: await rows(tx, 'select id from contacts where workspace_id = $1 order by id', [ws]),
      }));
      const at = (s: string) => new Date(s);
      expect(state.conversations).toEqual([
        { id: ref.keepOpen, contact_id: keep.id, channel: 'whatsapp', status: 'open', last_message_at: at('2026-02-01T00:00:00Z'), last_inbound_at: at('2026-02-01T00:00:00Z'), unread_count: 3 },
        { id: ref.goneResolved, contact_id: keep.id, channel: 'whatsapp', status: 'resolved', last_message_at: at('2025-12-01T00:00:00Z'), last_inbound_at: at('2025-12-01T00:00:00Z'), unread_count: 0 },
        { id: ref.goneWebchat, contact_id: keep.id, channel: 'webchat', status: 'open', last_message_at: at('2026-01-15T00:00:00Z'), last_inbound_at: at('2026-01-15T00:00:00Z'), unread_count: 0 },
        { id: ref.bystanderOpen, contact_id: bystander.id, channel: 'whatsapp', status: 'open', last_message_at: at('2026-01-20T00:00:00Z'), last_inbound_at: at('2026-01-20T00:00:00Z'), unread_count: 0 },
      ]);
      expect(state.messages).toEqual([
        { id: ref.keepMsg, conversation_id: ref.keepOpen },
        { id: ref.goneMsg1, conversation_id: ref.keepOpen },
        { id: ref.goneMsg2, conversation_id: ref.keepOpen },
        { id: ref.webchatMsg, conversation_id: ref.goneWebchat },
      ]);
      expect(state.ari).toEqual([{ id: ref.keepAri, contact_id: keep.id, conversation_id: ref.keepOpen, context: { name: 'Rina', ielts: 6.5 } }]);
      expect(state.ariMessages).toEqual([{ id: ref.ariMsg, ari_conversation_id: ref.keepAri }]);
      expect(state.payments).toEqual([{ id: ref.payment, ari_conversation_id: ref.keepAri }]);
      expect(state.appointments).toEqual([{ id: ref.appointment, ari_conversation_id: ref.keepAri, payment_id: ref.payment }]);
      expect(state.bookings).toEqual([{ id: ref.booking, contact_id: keep.id }]);
      expect(state.calls).toEqual([{ id: ref.call, contact_id: keep.id }]);
      expect(state.sms).toEqual([{ id: ref.sms, contact_id: keep.id }]);
      expect(state.registrations).toEqual([
        { id: ref.regKeep, webinar_id: ref.webinarBoth, contact_id: keep.id, registered_at: at('2026-03-05T00:00:00Z'), attended: true },
        { id: ref.regGoneOnly, webinar_id: ref.webinarGone, contact_id: keep.id, registered_at: at('2026-03-06T00:00:00Z'), attended: false },
      ]);
      expect(state.contacts).toEqual([{ id: keep.id }, { id: bystander.id }].sort((a, b) => a.id.localeCompare(b.id)));
    });

    it("takes the merged contact's phone and assistant record when the kept one has none", async () => {
      const m = await t.owner(email('merge2'));
      const keep = await create(m, { email: 'budi@mail.id' });
      const gone = await create(m, { name: 'Budi', phone: '0812 3456 7050' });
      const ari = newId();
      await asService(db(), (tx) =>
        tx.query('insert into ari_conversations (id, workspace_id, contact_id, state) values ($1, $2, $3, $4)', [ari, m.workspaceId, gone.id, 'booking']),
      );
      const res = await t.call('POST', `/api/v1/contacts/${keep.id}/merge`, { ...m.as, body: { merge_id: gone.id } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: keep.id, name: 'Budi', phone: '+6281234567050', email: 'budi@mail.id' });
      const moved = await asService(db(), (tx) => rows(tx, 'select id, contact_id, state from ari_conversations where workspace_id = $1', [m.workspaceId]));
      expect(moved).toEqual([{ id: ari, contact_id: keep.id, state: 'booking' }]);
      const found = await t.call('GET', `/api/v1/contacts?q=${encodeURIComponent('0812-3456-7050')}`, m.as);
      expect(ids(found.body)).toEqual([keep.id]);
    });

    it('refuses to merge a contact into itself, and answers 404 for a missing or foreign contact on either side', async () => {
      const a = await create(o, { name: 'A' });
      const foreign = await create(other, { name: 'Foreign' });
      const self = await t.call('POST', `/api/v1/contacts/${a.id}/merge`, { ...o.as, body: { merge_id: a.id } });
      expect(self.status).toBe(400);
      expect(self.body.error.code).toBe('contact.merge_into_itself');
      expect(paths(self.body)).toEqual(['body.merge_id']);
      for (const [keep, merge] of [[a.id, newId()], [newId(), a.id], [a.id, foreign.id], [foreign.id, a.id]]) {
        const res = await t.call('POST', `/api/v1/contacts/${keep}/merge`, { ...o.as, body: { merge_id: merge } });
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('contact.not_found');
      }
      expect((await t.call('GET', `/api/v1/contacts/${a.id}`, o.as)).status).toBe(200);
      expect((await t.call('GET', `/api/v1/contacts/${foreign.id}`, other.as)).status).toBe(200);
      const bad = await t.call('POST', `/api/v1/contacts/${a.id}/merge`, { ...o.as, body: { merge_id: 'nope', extra: true } });
      expect(paths(bad.body).sort()).toEqual(['body', 'body.merge_id']);
    });
  });

  describe('who may do what', () => {
    it('lets members and admins read and write, read-only keys only read, and outsiders nothing', async () => {
      const w = await t.owner(email('roles'));
      const member = await t.teammate(w.as, email('member'), 'member');
      const admin = await t.teammate(w.as, email('admin'), 'admin');
      const reader = { key: (await t.apiKey(w.as, true)).key };
      const writer = { key: (await t.apiKey(w.as)).key };
      const outsider = await t.signUp(email('outsider'));

      for (const who of [member.as, admin.as, writer]) {
        const c = await t.call('POST', '/api/v1/contacts', { ...who, body: { name: 'By someone' } });
        expect(c.status).toBe(201);
        const d = await t.call('POST', '/api/v1/contacts', { ...who, body: { name: 'Duplicate' } });
        expect((await t.call('GET', `/api/v1/contacts/${c.body.id}`, who)).status).toBe(200);
        expect((await t.call('GET', '/api/v1/contacts', who)).status).toBe(200);
        expect((await t.call('PATCH', `/api/v1/contacts/${c.body.id}`, { ...who, body: { notes: 'x' } })).status).toBe(200);
        expect((await t.call('POST', `/api/v1/contacts/${c.body.id}/merge`, { ...who, body: { merge_id: d.body.id } })).status).toBe(200);
        expect((await t.call('DELETE', `/api/v1/contacts/${c.body.id}`, who)).status).toBe(204);
      }

      const c = await create(w, { name: 'Read me' });
      const d = await create(w, { name: 'Read me too' });
      expect((await t.call('GET', `/api/v1/contacts/${c.id}`, reader)).body.id).toBe(c.id);
      expect(ids((await t.call('GET', '/api/v1/contacts?q=read', reader)).body)).toEqual([d.id, c.id]);
      const denied = [
        await t.call('POST', '/api/v1/contacts', { ...reader, body: { name: 'No' } }),
        await t.call('PATCH', `/api/v1/contacts/${c.id}`, { ...reader, body: { name: 'No' } }),
        await t.call('DELETE', `/api/v1/contacts/${c.id}`, reader),
        await t.call('POST', `/api/v1/contacts/${c.id}/merge`, { ...reader, body: { merge_id: d.id } }),
      ];
      expect(denied.map((r) => [r.status, r.body.error.code])).toEqual(Array(4).fill([403, 'auth.forbidden']));

      const strangers = { cookie: outsider.cookie, workspace: w.workspaceId };
      expect((await t.call('GET', `/api/v1/contacts/${c.id}`, strangers)).status).toBe(404);
      expect((await t.call('GET', '/api/v1/contacts', strangers)).body.error.code).toBe('workspace.not_found');
      expect((await t.call('GET', '/api/v1/contacts')).status).toBe(401);
    });

    it("answers 404 for another workspace's contact on every route, and leaves it alone", async () => {
      const mine = await create(o, { name: 'Mine' });
      const theirs = await create(other, { name: 'Theirs', phone: '+6281234567099', tags: ['secret'] });
      const attempts = [
        await t.call('GET', `/api/v1/contacts/${theirs.id}`, o.as),
        await t.call('PATCH', `/api/v1/contacts/${theirs.id}`, { ...o.as, body: { name: 'Mine now' } }),
        await t.call('DELETE', `/api/v1/contacts/${theirs.id}`, o.as),
        await t.call('POST', `/api/v1/contacts/${theirs.id}/merge`, { ...o.as, body: { merge_id: mine.id } }),
        await t.call('POST', `/api/v1/contacts/${mine.id}/merge`, { ...o.as, body: { merge_id: theirs.id } }),
      ];
      expect(attempts.map((r) => [r.status, r.body.error.code])).toEqual(Array(5).fill([404, 'contact.not_found']));
      expect(ids((await t.call('GET', '/api/v1/contacts?q=%2B6281234567099', o.as)).body)).toEqual([]);
      expect(ids((await t.call('GET', '/api/v1/contacts?tag=secret', o.as)).body)).toEqual([]);
      // Naming the other workspace does not help either.
      expect((await t.call('GET', `/api/v1/contacts/${theirs.id}`, { cookie: o.cookie, workspace: other.workspaceId })).status).toBe(404);
      expect((await t.call('GET', `/api/v1/contacts/${theirs.id}`, other.as)).body).toEqual(theirs);
    });
  });
});
