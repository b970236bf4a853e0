import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { asService, asSignedIn, one } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp, type CallResult } from '../../../test/support/http.ts';
import { newId } from '../../platform/ids.ts';

type App = ReturnType<typeof testApp>;
type Owner = Awaited<ReturnType<App['owner']>>;
type Body = Record<string, any>;

/** Issue 12's contacts desk: a contact's timeline, the call log, the lead insight, CSV in and out. */
describeEachDatabase('the contacts desk over HTTP', (db) => {
  let t: App;
  let o: Owner;
  let other: Owner;
  const create = async (who: Owner, body: Body) => {
    const res = await t.call('POST', '/api/v1/contacts', { ...who.as, body });
    if (res.status !== 201) throw new Error(`contact failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Body;
  };
  const sqlAs = (q: string, params: unknown[] = []) => asService(db(), (tx) => tx.query(q, params));

  beforeAll(async () => {
    t = testApp(db());
    o = await t.owner(email('desk'), { country: 'CA', currency: 'CAD', time_zone: 'America/Toronto', locale: 'en' });
    other = await t.owner(email('desk-other'), { country: 'CA' });
  });

  describe('timeline', () => {
    let k: Body;
    const at = (iso: string) => new Date(iso);
    const expected: { kind: string; at: string; body: string | null }[] = [];

    beforeAll(async () => {
      const ws = o.workspaceId;
      k = await create(o, { name: 'Olivia Chen', phone: '(416) 555-0101' });
      const stranger = await create(o, { name: 'Someone Else', phone: '+14165550199' });
      const conv = newId();
      const ari = newId();
      const booking = newId();
      const appt = newId();
      await sqlAs(`insert into conversations (id, workspace_id, contact_id, channel) values ($1, $2, $3, 'whatsapp')`, [conv, ws, k.id]);
      await sqlAs(
        `insert into messages (id, workspace_id, conversation_id, channel, direction, sender_kind, body, created_at) values
           ($1, $3, $4, 'whatsapp', 'inbound', 'contact', 'Hi, do you pick up on Sundays?', '2026-11-20T10:00:00.123456Z'),
           ($2, $3, $4, 'whatsapp', 'outbound', 'assistant', 'We do, from 9 to 5.', '2026-11-20T10:00:00.123456Z')`,
        [newId(), newId(), ws, conv],
      );
      // Seed 004's texts: one linked to the contact, one that carries only the number (in another format), and one of someone else.
      await sqlAs(
        `insert into sms_messages (id, workspace_id, contact_id, phone_number, direction, message_body, status, created_at) values
           ($1, $4, $5, '+14165550101', 'inbound', 'BOOK', 'received', '2026-11-20T11:00:00Z'),
           ($2, $4, null, '+1 (416) 555-0101', 'inbound', 'Are you open today?', 'received', '2026-11-19T09:00:00Z'),
           ($3, $4, null, '+1 416 555 0177', 'inbound', 'Not Olivia', 'received', '2026-11-19T09:30:00Z')`,
        [newId(), newId(), newId(), ws, k.id],
      );
      await sqlAs(
        `insert into bookings (id, workspace_id, contact_id, customer_name, customer_phone, service_type, appointment_date, appointment_time, status, source, title, scheduled_at, payment_amount, payment_currency, payment_status, created_at)
         values ($1, $2, $3, 'Olivia Chen', '+14165550101', 'Regular Wash & Fold', '2026-11-22', '11:00 AM', 'confirmed', 'voice', 'Laundry pickup', '2026-11-22T16:00:00Z', '31.00', 'CAD', 'pending', '2026-11-20T12:00:05Z')`,
        [booking, ws, k.id],
      );
      await sqlAs(
        `insert into calls (id, workspace_id, contact_id, phone_number, duration, status, call_type, transcript, recording_url, cost, sentiment, booking_id, created_at)
         values ($1, $2, $3, '+14165550101', 184, 'completed', 'inbound', 'Two loads tomorrow please', 'https://rec.example/1.mp3', '0.42', 'positive', $4, '2026-11-20T12:00:00Z')`,
        [newId(), ws, k.id, booking],
      );
      await sqlAs(`insert into ari_conversations (id, workspace_id, contact_id, conversation_id, state) values ($1, $2, $3, $4, 'payment')`, [ari, ws, k.id, conv]);
      await sqlAs(
        `insert into ari_appointments (id, workspace_id, ari_conversation_id, scheduled_at, status, notes, created_at) values ($1, $2, $3, '2026-11-25T15:00:00Z', 'scheduled', 'Consultation', '2026-11-20T13:00:00Z')`,
        [appt, ws, ari],
      );
      await sqlAs(
        `insert into ari_payments (id, workspace_id, ari_conversation_id, amount, currency, status, description, appointment_id, created_at) values ($1, $2, $3, 50, 'CAD', 'pending', 'Consultation fee', $4, '2026-11-20T13:30:00Z')`,
        [newId(), ws, ari, appt],
      );
      await sqlAs(`insert into conversation_notes (workspace_id, conversation_id, body, created_at) values ($1, $2, 'VIP, prefers texts', '2026-11-20T10:30:00Z')`, [ws, conv]);
      // Someone else's call is not on Olivia's timeline.
      await sqlAs(`insert into calls (workspace_id, contact_id, phone_number, status, call_type, created_at) values ($1, $2, '+14165550199', 'completed', 'inbound', '2026-11-20T12:30:00Z')`, [ws, stranger.id]);
      expected.push(
        { kind: 'payment', at: '2026-11-20T13:30:00.000Z', body: 'Consultation fee' },
        { kind: 'appointment', at: '2026-11-20T13:00:00.000Z', body: 'Consultation' },
        { kind: 'booking', at: '2026-11-20T12:00:05.000Z', body: 'Laundry pickup' },
        { kind: 'call', at: '2026-11-20T12:00:00.000Z', body: 'Two loads tomorrow please' },
        { kind: 'sms', at: '2026-11-20T11:00:00.000Z', body: 'BOOK' },
        { kind: 'note', at: '2026-11-20T10:30:00.000Z', body: 'VIP, prefers texts' },
        { kind: 'message', at: '2026-11-20T10:00:00.123Z', body: null },
        { kind: 'message', at: '2026-11-20T10:00:00.123Z', body: null },
        { kind: 'sms', at: '2026-11-19T09:00:00.000Z', body: 'Are you open today?' },
      );
      void at;
    });

    const walk = async (query: string, limit: number) => {
      const pages: Body[][] = [];
      let cursor: string | null = null;
      do {
        const res: CallResult = await t.call('GET', `/api/v1/contacts/${k.id}/timeline?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`, o.as);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        pages.push(res.body.data);
        cursor = res.body.next_cursor;
      } while (cursor);
      return pages;
    };

    it('lists messages on every channel, calls, bookings, consultations, payments and notes, newest first, page by page', async () => {
      const pages = await walk('', 3);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 3]);
      const items = pages.flat();
      expect(items.map((i) => [i.kind, i.occurred_at])).toEqual(expected.map((e) => [e.kind, e.at]));
      expect(new Set(items.map((i) => i.id)).size).toBe(9);
      expect(items.find((i) => i.kind === 'note')).toMatchObject({ body: 'VIP, prefers texts', channel: 'whatsapp', source_table: 'conversation_notes' });
      // Two messages at the same microsecond are both there, once each (the cursor keeps microseconds and the id).
      expect(items.filter((i) => i.kind === 'message').map((i) => i.body).sort()).toEqual(['Hi, do you pick up on Sundays?', 'We do, from 9 to 5.']);
      const call = items.find((i) => i.kind === 'call')!;
      expect(call).toMatchObject({ channel: 'voice', direction: 'inbound', status: 'completed', source_table: 'calls' });
      expect(call.details).toMatchObject({ duration: 184, recording_url: 'https://rec.example/1.mp3', cost: '0.42', sentiment: 'positive' });
      expect(items.find((i) => i.kind === 'booking')!.details).toMatchObject({ service_type: 'Regular Wash & Fold', payment_amount: '31.00', payment_currency: 'CAD', payment_status: 'pending' });
      expect(items.find((i) => i.kind === 'payment')).toMatchObject({ status: 'pending', details: { amount: 50, currency: 'CAD' } });
      expect(items.find((i) => i.kind === 'appointment')).toMatchObject({ status: 'scheduled', details: { scheduled_at: expect.stringMatching(/^2026-11-25T15:00:00/) } });
    });

    it('threads in the texts that carry only the contact\'s number, in any format, and nobody else\'s', async () => {
      const sms = (await walk('&kinds=sms', 50)).flat();
      expect(sms.map((s) => [s.body, s.details.threaded_by])).toEqual([
        ['BOOK', 'contact'],
        ['Are you open today?', 'phone'],
      ]);
    });

    it('goes oldest first with order=asc, and narrows to kinds', async () => {
      const asc = (await walk('&order=asc', 5)).flat();
      expect(asc.map((i) => i.kind)).toEqual(expected.map((e) => e.kind).reverse());
      const some = (await walk('&kinds=call,booking', 1)).flat();
      expect(some.map((i) => i.kind)).toEqual(['booking', 'call']);
      const bad = await t.call('GET', `/api/v1/contacts/${k.id}/timeline?kinds=call,fax&cursor=x`, o.as);
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.issues.map((i: Body) => i.path).sort()).toEqual(['query.kinds']);
      const badCursor = await t.call('GET', `/api/v1/contacts/${k.id}/timeline?cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`, o.as);
      expect(badCursor.status).toBe(400);
    });

    it("answers 404 for another workspace's contact and shows it nothing", async () => {
      const res = await t.call('GET', `/api/v1/contacts/${k.id}/timeline`, other.as);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('contact.not_found');
      expect((await t.call('GET', `/api/v1/contacts/${k.id}/lead`, other.as)).status).toBe(404);
    });
  });

  describe('the call log', () => {
    let a: Body;
    let b: Body;
    let l: Owner;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      l = await t.owner(email('desk-calls'), { country: 'CA', currency: 'CAD', time_zone: 'America/Toronto', locale: 'en' });
      const ws = l.workspaceId;
      a = await create(l, { name: 'Marcus Brown', phone: '+14165550102' });
      b = await create(l, { name: 'Priya Patel', phone: '+19055550103' });
      const booking = newId();
      await sqlAs(
        `insert into bookings (id, workspace_id, contact_id, customer_name, customer_phone, service_type, appointment_date, appointment_time, status, scheduled_at, payment_amount, payment_currency, payment_status)
         values ($1, $2, $3, 'Marcus Brown', '+14165550102', 'Express Wash & Fold', '2026-11-21', '11:00 AM', 'confirmed', '2026-11-21T16:00:00Z', '32.00', 'CAD', 'pending')`,
        [booking, ws, a.id],
      );
      // 04:30 UTC on the 20th is still the 19th in Toronto; 05:30 UTC on the 21st is the 21st there.
      for (const [name, row] of Object.entries({
        late19: [a.id, '2026-11-20T04:30:00Z', 'completed', 'inbound', 'Can you come tomorrow evening?', null],
        on20: [a.id, '2026-11-20T15:00:00Z', 'completed', 'inbound', 'Express please, one load, TOMORROW at eleven', booking],
        missed20: [b.id, '2026-11-20T20:00:00Z', 'no-answer', 'outbound', null, null],
        early21: [b.id, '2026-11-21T05:30:00Z', 'completed', 'inbound', 'Do you iron shirts?', null],
      })) {
        ids[name] = newId();
        await sqlAs(
          `insert into calls (id, workspace_id, contact_id, phone_number, created_at, status, call_type, transcript, booking_id, duration, cost, sentiment, recording_url)
           values ($1, $2, $3, '+14165550102', $4, $5, $6, $7, $8, 95, '0.31', 'neutral', 'https://rec.example/x.mp3')`,
          [ids[name], ws, ...row],
        );
      }
    });

    const list = async (query: string) => {
      const res = await t.call('GET', `/api/v1/calls?${query}`, l.as);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data.map((c: Body) => c.id) as string[];
    };

    it("filters by local days in the workspace's time zone, status, contact, direction and transcript words", async () => {
      expect(await list('from=2026-11-20&to=2026-11-20')).toEqual([ids.missed20, ids.on20]);
      expect(await list('from=2026-11-19&to=2026-11-19')).toEqual([ids.late19]);
      expect(await list('from=2026-11-21')).toEqual([ids.early21]);
      expect(await list('to=2026-11-20&status=completed')).toEqual([ids.on20, ids.late19]);
      expect(await list(`contact_id=${b.id}`)).toEqual([ids.early21, ids.missed20]);
      expect(await list('direction=outbound&from=2026-11-19')).toEqual([ids.missed20]);
      expect(await list('q=tomorrow&from=2026-11-19&to=2026-11-21')).toEqual([ids.on20, ids.late19]);
      const page = await t.call('GET', `/api/v1/calls?q=TOMORROW&contact_id=${a.id}&limit=1`, l.as);
      expect(page.body.data[0]).toMatchObject({ id: ids.on20, contact: { id: a.id, name: 'Marcus Brown' }, has_recording: true, transcript_excerpt: expect.stringContaining('TOMORROW') });
      const next = await t.call('GET', `/api/v1/calls?q=TOMORROW&contact_id=${a.id}&limit=1&cursor=${page.body.next_cursor}`, l.as);
      expect(next.body.data.map((c: Body) => c.id)).toEqual([ids.late19]);
      expect(next.body.next_cursor).toBeNull();
    });

    it('gives a call with its transcript, recording, duration, cost, sentiment and booking', async () => {
      const res = await t.call('GET', `/api/v1/calls/${ids.on20}`, l.as);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        transcript: 'Express please, one load, TOMORROW at eleven',
        recording_url: 'https://rec.example/x.mp3',
        duration: 95,
        cost: '0.31',
        sentiment: 'neutral',
        booking: { service_type: 'Express Wash & Fold', status: 'confirmed', payment_amount: '32.00', payment_currency: 'CAD' },
      });
    });

    it("refuses bad ranges, and another workspace's call is not found", async () => {
      const bad = await t.call('GET', '/api/v1/calls?from=2026-11-31&to=2026-11-01&status=ringing', l.as);
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.issues.map((i: Body) => i.path).sort()).toEqual(['query.from', 'query.status']);
      expect((await t.call('GET', '/api/v1/calls?from=2026-11-21&to=2026-11-20', l.as)).status).toBe(400);
      expect((await t.call('GET', `/api/v1/calls/${ids.on20}`, other.as)).status).toBe(404);
      expect((await t.call('GET', '/api/v1/calls', other.as)).body.data).toEqual([]);
    });
  });

  describe('the lead insight', () => {
    it("shows what a real turn of the assistant learnt: state, context, the breakdown, the temperature's history", async () => {
      const ari = await t.owner(email('desk-ari'), { template: 'ari', country: 'ID' });
      const turn = async (message: string) => {
        const res = await t.call('POST', '/api/v1/assistant/turns', { ...ari.as, body: { phone: '081234567123', channel: 'whatsapp', message } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body as Body;
      };
      await turn('Halo, saya mau kuliah S2 computer science di UK');
      const last = await turn('Nama saya Budi Santoso, IELTS 7.0, budget 600 juta, berangkat tahun depan, email budi@example.com');
      const res = await t.call('GET', `/api/v1/contacts/${last.contact_id}/lead`, ari.as);
      expect(res.status).toBe(200);
      const lead = res.body;
      expect(lead).toMatchObject({ has_assistant_record: true, state: last.state, lead_score: last.lead_score, lead_temperature: last.lead_temperature, breakdown_source: 'last_turn' });
      expect(lead.context).toMatchObject({ name: 'Budi Santoso', email: 'budi@example.com' });
      expect(lead.context.asked).toBeUndefined(); // bookkeeping left out
      // The summary a person taking over reads first, from what the turns learnt.
      expect(lead.summary).toMatchObject({ who: { name: 'Budi Santoso', email: 'budi@example.com' }, wants: expect.stringContaining('United Kingdom'), budget: expect.stringMatching(/600/), timeline: 'tahun depan', language: 'id', handoff_reason: null });
      expect(lead.summary.text).toMatch(/^Budi Santoso \(.*budi@example\.com\); (wants|ingin) .*United Kingdom/);
      const b = lead.breakdown;
      expect(b.total).toBe(last.lead_score);
      expect(Math.round(b.basic.points + b.qualification.points + b.document.points + b.engagement.points)).toBe(b.total);
      expect([b.basic.max, b.qualification.max, b.document.max, b.engagement.max]).toEqual([25, 35, 30, 10]);
      expect(lead.reasons.length).toBeGreaterThan(1);
      expect(lead.temperature_history.at(-1)).toMatchObject({ lead_score: last.lead_score, lead_temperature: last.lead_temperature });
      expect(lead.temperature_history.length).toBeGreaterThanOrEqual(2);
      const stored = await asService(db(), (tx) => one<{ n: number }>(tx, `select count(*)::int as n from lead_history where workspace_id = $1`, [ari.workspaceId]));
      expect(stored.n).toBe(lead.temperature_history.length);
    });

    it('records each change of score, temperature or state once, with the handoff reason', async () => {
      const c = await create(o, { name: 'Andi', phone: '+14165550111' });
      const id = newId();
      await sqlAs(`insert into ari_conversations (id, workspace_id, contact_id, state, lead_score, lead_temperature) values ($1, $2, $3, 'qualifying', 30, 'cold')`, [id, o.workspaceId, c.id]);
      await sqlAs(`update ari_conversations set lead_score = 30, context = '{"budget": "CAD 20k"}' where id = $1`, [id]); // no change of score: nothing recorded
      await sqlAs(`update ari_conversations set lead_score = 55, lead_temperature = 'warm' where id = $1`, [id]);
      await sqlAs(`update ari_conversations set state = 'handoff', handoff_reason = 'asked_for_human', handoff_at = now() where id = $1`, [id]);
      const res = await t.call('GET', `/api/v1/contacts/${c.id}/lead`, o.as);
      expect(res.body.temperature_history.map((h: Body) => [h.state, h.lead_score, h.lead_temperature])).toEqual([
        ['qualifying', 30, 'cold'],
        ['qualifying', 55, 'warm'],
        ['handoff', 55, 'warm'],
      ]);
      expect(res.body.handoff).toMatchObject({ reason: 'asked_for_human' });
      expect(res.body.context).toEqual({ budget: 'CAD 20k' });
      expect(res.body.summary).toMatchObject({ who: { name: 'Andi', phone: '+14165550111' }, budget: 'CAD 20k', handoff_reason: 'asked for a person' });
      expect(res.body.summary.text).toBe('Andi (+14165550111); budget CAD 20k; writes in English; handed over: asked for a person.');
      const none = await create(o, { name: 'No assistant yet' });
      expect((await t.call('GET', `/api/v1/contacts/${none.id}/lead`, o.as)).body).toMatchObject({ has_assistant_record: false, state: null, breakdown: null, temperature_history: [], summary: null });
      // The history is the trigger's to write: even the owner reads it but cannot forge or erase it.
      const asOwner = (q: string) => asSignedIn(db(), o.userId, o.workspaceId, (tx) => tx.query(q, [o.workspaceId, id]));
      expect((await asOwner('select 1 from lead_history where workspace_id = $1 and ari_conversation_id = $2')).rows).toHaveLength(3);
      await expect(asOwner(`insert into lead_history (workspace_id, ari_conversation_id, state, lead_score) values ($1, $2, 'booked', 99)`)).rejects.toMatchObject({ code: '42501' });
      expect((await asOwner('delete from lead_history where workspace_id = $1 and ari_conversation_id = $2')).rowCount).toBe(0);
    });
  });

  describe('CSV import and export', () => {
    let w: Owner;
    const csv = [
      'Name,Phone,Email,Tags,Favourite colour',
      'Rina Wijaya,0812-3456-7001,Rina@Example.com,ielts;vip,blue', // row 1: good
      'Bad Phone,12,bad@example.com,,red', // row 2: phone
      'Bad Email,0812-3456-7003,not-an-email,,', // row 3: email (its good phone is not stored either)
      '"Wijaya, Budi",+62 812 3456 7004,,"ielts",green', // row 4: good, quoted comma
      'Taken,6281234567999,,,', // row 5: another contact has it
      'Again Rina,+6281234567001,,,', // row 6: repeats row 1
      '"Multi',
      'line",62 812-3456-7007,,,', // row 7 on lines 8-9: good
      ',,,,', // skipped: empty line of commas is a row with nothing
    ].join('\n');

    beforeAll(async () => {
      w = await t.owner(email('desk-csv'), { country: 'ID' });
      await create(w, { name: 'Already Here', phone: '+6281234567999', tags: ['old'] });
    });

    const phones = async () =>
      (await t.call('GET', '/api/v1/contacts?limit=200', w.as)).body.data.map((c: Body) => c.phone).sort();

    it('previews without storing, then stores the valid rows and reports each bad one by row and line', async () => {
      const preview = await t.call('POST', '/api/v1/contacts/import', { ...w.as, body: { csv, dry_run: true } });
      expect(preview.status, JSON.stringify(preview.body)).toBe(200);
      expect(preview.body).toMatchObject({ dry_run: true, total_rows: 8, valid_rows: 3, imported: 0, ignored_columns: ['Favourite colour'] });
      expect(preview.body.preview[0]).toMatchObject({ row: 1, name: 'Rina Wijaya', phone: '+6281234567001', email: 'rina@example.com', tags: ['ielts', 'vip'], valid: true });
      expect(await phones()).toEqual(['+6281234567999']);

      const res = await t.call('POST', '/api/v1/contacts/import', { ...w.as, body: { csv } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ dry_run: false, total_rows: 8, valid_rows: 3, imported: 3 });
      expect(res.body.errors.map((e: Body) => [e.row, e.line, e.field, e.code])).toEqual([
        [2, 3, 'phone', 'contact.phone_invalid'],
        [3, 4, 'email', 'contact.email_invalid'],
        [5, 6, 'phone', 'contact.phone_taken'],
        [6, 7, 'phone', 'contact.phone_repeated'],
        [8, 10, null, 'contact.row_empty'],
      ]);
      expect(await phones()).toEqual(['+6281234567001', '+6281234567004', '+6281234567007', '+6281234567999']);
      const budi = (await t.call('GET', `/api/v1/contacts?q=${encodeURIComponent('0812 3456 7004')}`, w.as)).body.data;
      expect(budi).toMatchObject([{ name: 'Wijaya, Budi', tags: ['ielts'], source: 'import' }]);
      const multi = (await t.call('GET', `/api/v1/contacts?q=${encodeURIComponent('+62 812-3456-7007')}`, w.as)).body.data;
      expect(multi[0].name).toBe('Multi\nline');
    });

    it('refuses a file that is not CSV or names no usable column, storing nothing', async () => {
      const broken = await t.call('POST', '/api/v1/contacts/import', { ...w.as, body: { csv: 'name,phone\n"unclosed,0812\n' } });
      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('contact.csv_invalid');
      const cols = await t.call('POST', '/api/v1/contacts/import', { ...w.as, body: { csv: 'colour,size\nred,9\n' } });
      expect(cols.status).toBe(400);
      expect(cols.body.error.code).toBe('contact.csv_no_columns');
      const semi = await t.call('POST', '/api/v1/contacts/import', { ...w.as, body: { csv: 'nama;no hp\nSari;0812 3456 7100\n', dry_run: true } });
      expect(semi.body.preview[0]).toMatchObject({ name: 'Sari', phone: '+6281234567100' });
    });

    it('exports the filtered list as CSV that reads back, with formulas defused', async () => {
      await create(w, { name: '=HYPERLINK("http://evil")', tags: ['ielts'] });
      const res = await t.app.request('/api/v1/contacts/export?tag=ielts&sort=name', { headers: { cookie: w.cookie, 'x-workspace-id': w.workspaceId } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => r.name)).toEqual([`'=HYPERLINK("http://evil")`, 'Rina Wijaya', 'Wijaya, Budi']);
      expect(rows[1]).toMatchObject({ phone: '+6281234567001', email: 'rina@example.com', tags: 'ielts;vip', lead_status: 'new' });
      const other = await t.app.request('/api/v1/contacts/export', { headers: { cookie: o.cookie, 'x-workspace-id': w.workspaceId } });
      expect(other.status).toBe(404);
    });
  });
});
