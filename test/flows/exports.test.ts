import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import { exportList, exportReport, LIST_EXPORTS, LIST_EXPORT_NAMES, type ExportRun } from '../../src/apps/exports.ts';
import { REPORT_COLUMNS, REPORTS } from '../../src/modules/analytics/index.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { newId } from '../../src/platform/ids.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { asService } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';

const CONTACTS = 1234;
const MESSAGES = 260;

const text = async (chunks: AsyncIterable<string>) => {
  let out = '';
  for await (const c of chunks) out += c;
  return out;
};
const csv = (s: string): Record<string, string>[] => parse(s, { columns: true });
const jsonl = (s: string): Record<string, unknown>[] => s.trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describeEachDatabase('exports: every list and report as CSV or JSON Lines, a page at a time', (db) => {
  let t: ReturnType<typeof testApp>;
  let owner: Awaited<ReturnType<typeof t.owner>>;
  let member: Awaited<ReturnType<typeof t.teammate>>;
  let run: (pageSize: number) => ExportRun;
  let conversationId: string;

  beforeAll(async () => {
    t = testApp(db());
    owner = await t.owner(email('exports'), { time_zone: 'Asia/Jakarta' });
    member = await t.teammate(owner.as, email('exports-member'), 'member');
    const ws = owner.workspaceId;
    run = (pageSize) => ({ db: db(), actor: { kind: 'system', workspaceId: ws }, clock: systemClock, log: silentLogger(), pageSize });
    conversationId = newId();
    await asService(db(), async (tx) => {
      // One statement: every contact has the same created_at, so the pages must break ties by id.
      await tx.query(
        `insert into contacts (id, workspace_id, name, phone, tags)
         select gen_random_uuid(), $1, 'Person ' || g, '+62812' || lpad(g::text, 7, '0'), array['bulk']
           from generate_series(1, $2::int) g`,
        [ws, CONTACTS],
      );
      await tx.query(`update contacts set name = '=HYPERLINK("http://evil.test","x")' where workspace_id = $1 and phone = '+628120000001'`, [ws]);
      const contact = (await tx.query<{ id: string }>(`select id from contacts where workspace_id = $1 and phone = '+628120000002'`, [ws])).rows[0]!.id;
      await tx.query(`insert into conversations (id, workspace_id, contact_id, channel) values ($1, $2, $3, 'whatsapp')`, [conversationId, ws, contact]);
      // Half the messages share one instant to the microsecond; the rest are a second apart.
      await tx.query(
        `insert into messages (id, workspace_id, conversation_id, channel, direction, sender_kind, body, created_at)
         select gen_random_uuid(), $1, $2, 'whatsapp', case when g % 2 = 0 then 'inbound' else 'outbound' end,
                case when g % 2 = 0 then 'contact' else 'assistant' end, 'message ' || g,
                case when g <= $3::int / 2 then timestamptz '2026-11-20 10:00:00.123456+00' else timestamptz '2026-11-20 11:00:00+00' + g * interval '1 second' end
           from generate_series(1, $3::int) g`,
        [ws, conversationId, MESSAGES],
      );
    });
  });

  it('writes every contact once, across pages whose rows tie on the sort key, in CSV and in JSON Lines', async () => {
    const rows = csv(await text(exportList(run(100), 'contacts', { format: 'csv' })));
    expect(rows).toHaveLength(CONTACTS);
    expect(new Set(rows.map((r) => r.id)).size).toBe(CONTACTS);
    expect(Object.keys(rows[0]!)).toEqual([...LIST_EXPORTS.contacts.columns]);
    expect(rows.find((r) => r.phone === '+628120000003')).toMatchObject({ name: 'Person 3', tags: 'bulk' });
    const lines = jsonl(await text(exportList(run(500), 'contacts', { format: 'jsonl' })));
    expect(lines.map((l) => l.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(Object.keys(lines[0]!)).toEqual([...LIST_EXPORTS.contacts.columns]);
  });

  it('quotes away what a spreadsheet would run as a formula, in CSV only', async () => {
    const rows = csv(await text(exportList(run(500), 'contacts', { format: 'csv' })));
    expect(rows.find((r) => r.phone === '+628120000001')!.name).toBe(`'=HYPERLINK("http://evil.test","x")`);
    expect(rows.find((r) => r.phone === '+628120000001')!.phone).toBe('+628120000001');
    const lines = jsonl(await text(exportList(run(500), 'contacts', { format: 'jsonl' })));
    expect(lines.find((l) => l.phone === '+628120000001')!.name).toBe('=HYPERLINK("http://evil.test","x")');
  });

  it('writes the conversations a row per message, oldest first, none twice though many share an instant to the microsecond', async () => {
    const rows = csv(await text(exportList(run(7), 'conversations', { format: 'csv' })));
    expect(rows).toHaveLength(MESSAGES);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(MESSAGES);
    expect(rows.every((r) => r.conversation_id === conversationId && r.contact_phone === '+628120000002' && r.contact_name === 'Person 2')).toBe(true);
    expect(rows.map((r) => r.created_at)).toEqual([...rows.map((r) => r.created_at)].sort());
    expect(rows.at(-1)!.body).toBe(`message ${MESSAGES}`);
  });

  it("bounds a list by days of the workspace's calendar", async () => {
    // 2026-11-20 10:00 UTC is 17:00 in Jakarta: on the 20th there; nothing on the 21st.
    const on20 = csv(await text(exportList(run(50), 'conversations', { format: 'csv', from: '2026-11-20', to: '2026-11-20' })));
    expect(on20).toHaveLength(MESSAGES);
    const on21 = csv(await text(exportList(run(50), 'conversations', { format: 'csv', from: '2026-11-21' })));
    expect(on21).toHaveLength(0);
  });

  it('gives every list and every report its header, even when empty, and never the gateway tokens of payments', async () => {
    for (const name of LIST_EXPORT_NAMES) {
      const out = await text(exportList(run(50), name, { format: 'csv' }));
      expect(out.split('\n')[0]).toBe(LIST_EXPORTS[name].columns.join(','));
    }
    expect(LIST_EXPORTS.payments.columns).not.toContain('snap_token');
    expect(LIST_EXPORTS.payments.columns).not.toContain('client_secret');
    for (const report of REPORTS) {
      const out = await text(exportReport(run(50), report, { format: 'csv' }));
      expect(out.split('\n')[0]).toBe(REPORT_COLUMNS[report].join(','));
    }
    const funnel = csv(await text(exportReport(run(50), 'funnel', { format: 'csv' })));
    expect(funnel.map((r) => r.stage)).toEqual(['SearchStarted', 'ProfessionalViewed', 'CheckoutStarted', 'BookingConfirmed']);
  });

  it('streams the same exports from the API to admins, with a file name, and refuses members and bad ranges with codes', async () => {
    const res = await t.call('GET', '/api/v1/exports/contacts?format=jsonl', owner.as);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.jsonl"$/);
    expect(jsonl(res.body as string)).toHaveLength(CONTACTS);

    const conversations = await t.call('GET', '/api/v1/exports/conversations?from=2026-11-20&to=2026-11-20', owner.as);
    expect(conversations.status).toBe(200);
    expect(conversations.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv(conversations.body as string)).toHaveLength(MESSAGES);

    const report = await t.call('GET', '/api/v1/exports/reports/channels', owner.as);
    expect(report.status).toBe(200);
    expect((report.body as string).split('\n')[0]).toBe('channel,conversations,conversions,conversion_rate');

    expect((await t.call('GET', '/api/v1/exports/contacts', member.as)).status).toBe(403);
    const backwards = await t.call('GET', '/api/v1/exports/bookings?from=2026-11-20&to=2026-11-01', owner.as);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.code).toBe('validation.failed');
    expect((await t.call('GET', '/api/v1/exports/secrets', owner.as)).status).toBe(400);
    expect((await t.call('GET', '/api/v1/exports/contacts?format=xml', owner.as)).status).toBe(400);
  });
});
