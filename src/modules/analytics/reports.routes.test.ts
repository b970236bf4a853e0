// The reports the staff app draws: conversations and conversions by channel, lead temperature
// over time, the model comparison, and the funnel over days of the workspace's calendar.
// Fixtures are written as the service role at chosen instants around the workspace's local
// midnights (Bogotá, UTC-5 all year), so each boundary is tested where it falls.
import { beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { newId } from '../../platform/ids.ts';

type App = ReturnType<typeof testApp>;
type Owner = Awaited<ReturnType<App['owner']>>;

/** An instant given as Bogotá's wall clock (UTC-5). */
const bogota = (local: string) => new Date(`${local}-05:00`);

describeEachDatabase('reports over HTTP', (db) => {
  let t: App;
  let shop: Owner;
  let other: Owner;
  const get = (path: string, who: Owner = shop) => t.call('GET', path, who.as);

  const insert = (sql: string, params: unknown[]) => asService(db(), (tx) => tx.query(sql, params));
  async function contact(ws: string, phone: string) {
    const id = newId();
    await insert('insert into contacts (id, workspace_id, phone, name) values ($1, $2, $3, $4)', [id, ws, phone, `Person ${phone}`]);
    return id;
  }
  async function conversation(ws: string, channel: string, at: Date, phone: string) {
    const contactId = await contact(ws, phone);
    const id = newId();
    await insert('insert into conversations (id, workspace_id, contact_id, channel, created_at) values ($1, $2, $3, $4, $5)', [id, ws, contactId, channel, at]);
    return { id, contactId };
  }
  const booking = (ws: string, source: string | null, status: string, at: Date) =>
    insert(
      `insert into bookings (id, workspace_id, customer_name, customer_phone, service_type, appointment_date, appointment_time, status, source, created_at)
       values ($1, $2, 'Ana', '+573001110000', 'cleaning', '2026-03-20', '10:00', $3, $4, $5)`,
      [newId(), ws, status, source, at],
    );

  beforeAll(async () => {
    t = testApp(db());
    shop = await t.owner(email('reports'), { time_zone: 'America/Bogota' });
    other = await t.owner(email('reports-other'), { time_zone: 'America/Bogota' });
  });

  describe('GET /analytics/channels', () => {
    beforeAll(async () => {
      const ws = shop.workspaceId;
      // In the range (2 and 3 March, Bogotá): the first instant of the 2nd and the last of the 3rd.
      await conversation(ws, 'whatsapp', bogota('2026-03-02T00:00:00'), '+573001000001');
      const paid = await conversation(ws, 'whatsapp', bogota('2026-03-03T23:59:59'), '+573001000002');
      await conversation(ws, 'webchat', bogota('2026-03-02T12:00:00'), '+573001000003');
      await conversation(ws, 'sms', bogota('2026-03-02T12:00:00'), '+573001000004');
      // Outside: the last second of 1 March and the first of 4 March, local time (in UTC both are inside 2-3 March or not, the other way round).
      await conversation(ws, 'whatsapp', bogota('2026-03-01T23:59:59'), '+573001000005');
      await conversation(ws, 'whatsapp', bogota('2026-03-04T00:00:00'), '+573001000006');
      // Voice is counted in calls, SMS without a thread by number (twice from one number counts once).
      await insert("insert into calls (id, workspace_id, phone_number, status, created_at) values ($1, $2, '+573001000007', 'completed', $3)", [newId(), ws, bogota('2026-03-02T09:00:00')]);
      for (const minute of ['10', '11']) {
        await insert("insert into sms_messages (id, workspace_id, phone_number, direction, message_body, status, created_at) values ($1, $2, '+573001000008', 'inbound', 'hi', 'received', $3)", [
          newId(), ws, bogota(`2026-03-02T09:${minute}:00`),
        ]);
      }
      // Conversions: bookings by source (a cancelled one and an unpaid hold do not count), and a paid consultation on WhatsApp.
      await booking(ws, 'voice', 'confirmed', bogota('2026-03-02T09:05:00'));
      await booking(ws, 'sms', 'completed', bogota('2026-03-03T09:05:00'));
      await booking(ws, 'web', 'confirmed', bogota('2026-03-03T09:05:00'));
      await booking(ws, 'manual', 'scheduled', bogota('2026-03-03T09:05:00'));
      await booking(ws, 'voice', 'cancelled', bogota('2026-03-02T09:05:00'));
      await booking(ws, 'web', 'pending_payment', bogota('2026-03-02T09:05:00'));
      await booking(ws, 'sms', 'confirmed', bogota('2026-03-04T00:00:00'));
      const ari = newId();
      await insert('insert into ari_conversations (id, workspace_id, contact_id, conversation_id) values ($1, $2, $3, $4)', [ari, ws, paid.contactId, paid.id]);
      await insert(
        `insert into ari_payments (id, workspace_id, ari_conversation_id, amount, currency, status, paid_at, gateway_transaction_id)
         values ($1, $2, $3, 500000, 'IDR', 'success', $4, 'report-test-1')`,
        [newId(), ws, ari, bogota('2026-03-03T10:00:00')],
      );
      // Another workspace's activity never shows.
      await conversation(other.workspaceId, 'whatsapp', bogota('2026-03-02T12:00:00'), '+573001000009');
    });

    it('counts conversations begun and conversions per channel over the days in the workspace\'s zone', async () => {
      const res = await get('/api/v1/analytics/channels?from=2026-03-02&to=2026-03-03');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({
        from: '2026-03-02',
        to: '2026-03-03',
        time_zone: 'America/Bogota',
        data: [
          { channel: 'whatsapp', conversations: 2, conversions: 1, conversion_rate: 50 },
          { channel: 'sms', conversations: 2, conversions: 1, conversion_rate: 50 },
          { channel: 'voice', conversations: 1, conversions: 1, conversion_rate: 100 },
          { channel: 'web', conversations: 1, conversions: 1, conversion_rate: 100 },
          { channel: 'staff', conversations: 0, conversions: 1, conversion_rate: 0 },
        ],
      });
      const oneDay = await get('/api/v1/analytics/channels?from=2026-03-04&to=2026-03-04');
      expect(oneDay.body.data.find((r: { channel: string }) => r.channel === 'whatsapp')).toEqual({ channel: 'whatsapp', conversations: 1, conversions: 0, conversion_rate: 0 });
      expect(oneDay.body.data.find((r: { channel: string }) => r.channel === 'sms')).toEqual({ channel: 'sms', conversations: 0, conversions: 1, conversion_rate: 0 });
      const others = await get('/api/v1/analytics/channels?from=2026-03-02&to=2026-03-03', other);
      expect(others.body.data.map((r: { conversations: number }) => r.conversations)).toEqual([1, 0, 0, 0, 0]);
    });

    it('refuses a range that runs backwards or is longer than a year, and members', async () => {
      const backwards = await get('/api/v1/analytics/channels?from=2026-03-04&to=2026-03-02');
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.details.issues).toEqual([{ path: 'query.from', message: 'must not be after to' }]);
      const long = await get('/api/v1/analytics/channels?from=2025-01-01&to=2026-03-02');
      expect(long.status).toBe(400);
      expect(long.body.error.code).toBe('validation.failed');
      const malformed = await get('/api/v1/analytics/channels?from=2026-3-4');
      expect(malformed.status).toBe(400);
      const member = await t.teammate(shop.as, email('reports-member'), 'member');
      expect((await t.call('GET', '/api/v1/analytics/channels', member.as)).status).toBe(403);
    });
  });

  describe('GET /analytics/lead-temperature', () => {
    it("counts leads per temperature at each day's end, from each lead's history", async () => {
      const ws = shop.workspaceId;
      const lead = async (phone: string, temperature: string | null) => {
        const contactId = await contact(ws, phone);
        const id = newId();
        await insert('insert into ari_conversations (id, workspace_id, contact_id, lead_temperature, lead_score) values ($1, $2, $3, $4, 10)', [id, ws, contactId, temperature]);
        return id;
      };
      const a = await lead('+573002000001', 'cold');
      const b = await lead('+573002000002', null);
      await insert("update ari_conversations set lead_temperature = 'warm', lead_score = 45 where workspace_id = $1 and id = $2", [ws, a]);
      await insert("update ari_conversations set lead_temperature = 'hot', lead_score = 80 where workspace_id = $1 and id = $2", [ws, b]);

      // lead_history (0028) kept each change; placed in time: a cold on 2 March at 23:59:59
      // Bogotá, warm from 3 March 00:00; b without a temperature on 1 March, hot from 3 March 23:00.
      const when = async (conversation: string, temperature: string | null, at: Date) =>
        insert('update lead_history set recorded_at = $3 where workspace_id = $1 and ari_conversation_id = $2 and lead_temperature is not distinct from $4::varchar', [ws, conversation, at, temperature]);
      await when(a, 'cold', bogota('2026-03-02T23:59:59'));
      await when(a, 'warm', bogota('2026-03-03T00:00:00'));
      await when(b, null, bogota('2026-03-01T08:00:00'));
      await when(b, 'hot', bogota('2026-03-03T23:00:00'));

      const res = await get('/api/v1/analytics/lead-temperature?from=2026-03-01&to=2026-03-04');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({
        from: '2026-03-01',
        to: '2026-03-04',
        time_zone: 'America/Bogota',
        data: [
          { date: '2026-03-01', hot: 0, warm: 0, cold: 0 },
          { date: '2026-03-02', hot: 0, warm: 0, cold: 1 },
          { date: '2026-03-03', hot: 1, warm: 1, cold: 0 },
          { date: '2026-03-04', hot: 1, warm: 1, cold: 0 },
        ],
      });
      expect((await get('/api/v1/analytics/lead-temperature?from=2026-03-01&to=2026-03-04', other)).body.data.every((d: { hot: number; warm: number; cold: number }) => d.hot + d.warm + d.cold === 0)).toBe(true);
    });
  });

  describe('GET /analytics/models', () => {
    it('lists the comparison periods that overlap the range and sums them per model, with conversion to paid', async () => {
      const ws = shop.workspaceId;
      const row = (model: string, day: string, conversations: number, conversions: number, latency: number | null, tokens: number, satisfaction: string | null) =>
        insert(
          `insert into ari_ai_comparison (id, workspace_id, ai_model, conversation_count, conversion_count, avg_response_time_ms, total_tokens_used, satisfaction_score, period_start, period_end)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [newId(), ws, model, conversations, conversions, latency, tokens, satisfaction, bogota(`${day}T00:00:00`), new Date(bogota(`${day}T00:00:00`).getTime() + 86_400_000)],
        );
      await row('grok', '2026-03-01', 9, 9, 100, 1, null); // the day before: outside
      await row('grok', '2026-03-02', 4, 1, 1000, 400, '4.00');
      await row('grok', '2026-03-03', 6, 2, 2000, 600, null);
      await row('sea-lion', '2026-03-03', 2, 2, 500, 90, '5.00');
      // The all-time rows (no period) are not periods.
      await insert("insert into ari_ai_comparison (id, workspace_id, ai_model, conversation_count) values ($1, $2, 'grok', 99)", [newId(), ws]);

      const res = await get('/api/v1/analytics/models?from=2026-03-02&to=2026-03-03');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.map((p: { ai_model: string; period_start: string; conversion_rate: number }) => [p.ai_model, p.period_start, p.conversion_rate])).toEqual([
        ['grok', bogota('2026-03-02T00:00:00').toISOString(), 25],
        ['grok', bogota('2026-03-03T00:00:00').toISOString(), 33.33],
        ['sea-lion', bogota('2026-03-03T00:00:00').toISOString(), 100],
      ]);
      expect(res.body.totals).toEqual([
        { ai_model: 'sea-lion', conversation_count: 2, conversion_count: 2, conversion_rate: 100, avg_response_time_ms: 500, total_tokens_used: 90, satisfaction_score: 5 },
        // Latency weighted by conversations: (4 x 1000 + 6 x 2000) / 10; satisfaction only where rated.
        { ai_model: 'grok', conversation_count: 10, conversion_count: 3, conversion_rate: 30, avg_response_time_ms: 1600, total_tokens_used: 1000, satisfaction_score: 4 },
      ]);
      expect((await get('/api/v1/analytics/models?from=2026-03-02&to=2026-03-03', other)).body).toMatchObject({ data: [], totals: [] });
    });
  });

  describe('GET /analytics/funnel with days', () => {
    it("reads a day as the whole day in the workspace's zone, both ends included", async () => {
      const ws = shop.workspaceId;
      const event = (type: string, session: string, at: Date) =>
        insert("insert into platform_events (id, workspace_id, event_type, session_id, properties, created_at) values ($1, $2, $3, $4, '{}', $5)", [newId(), ws, type, session, at]);
      await event('SearchStarted', 'in-1', bogota('2026-03-02T00:00:00'));
      await event('SearchStarted', 'in-2', bogota('2026-03-03T23:59:59.999'));
      await event('ProfessionalViewed', 'in-2', bogota('2026-03-03T12:00:00'));
      await event('SearchStarted', 'out-1', bogota('2026-03-01T23:59:59.999'));
      await event('SearchStarted', 'out-2', bogota('2026-03-04T00:00:00'));
      const res = await get('/api/v1/analytics/funnel?from=2026-03-02&to=2026-03-03&stages=SearchStarted,ProfessionalViewed');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toEqual([
        { stage: 'SearchStarted', unique_users: 2, conversion_rate: 100 },
        { stage: 'ProfessionalViewed', unique_users: 1, conversion_rate: 50 },
      ]);
      // Instants still work as before, and mix with days.
      const mixed = await get(`/api/v1/analytics/funnel?from=${encodeURIComponent('2026-03-01T00:00:00Z')}&to=2026-03-03&stages=SearchStarted`);
      expect(mixed.body.data).toEqual([{ stage: 'SearchStarted', unique_users: 3, conversion_rate: 100 }]);
      const counts = await get('/api/v1/analytics/event-counts?from=2026-03-04&to=2026-03-04');
      expect(counts.body.data).toEqual([{ event_type: 'SearchStarted', event_count: 1 }]);
    });
  });
});
