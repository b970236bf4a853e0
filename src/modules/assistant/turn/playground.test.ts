import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../../test/support/db.ts';
import { startFakeMeta, type FakeMeta } from '../../../../test/support/fakes/meta.ts';
import { startFakeOpenAI } from '../../../../test/support/fakes/openai.ts';
import { email, testApp } from '../../../../test/support/http.ts';
import { channelsApp } from '../../../../test/support/channels.ts';
import type { Database } from '../../../platform/db/database.ts';

/** Every row a turn could leave behind, per table, in one workspace. */
async function footprint(db: Database, workspaceId: string) {
  const tables = ['contacts', 'conversations', 'messages', 'outbox', 'ari_conversations', 'ari_messages', 'ari_appointments', 'ari_payments', 'bookings', 'sms_messages', 'channel_inbox'];
  return asService(db, async (tx) => {
    const out: Record<string, number> = {};
    for (const table of tables) out[table] = (await rows<{ n: number }>(tx, `select count(*)::int as n from ${table} where workspace_id = $1`, [workspaceId]))[0]!.n;
    out.faq_uses = (await rows<{ n: number }>(tx, 'select coalesce(sum(usage_count), 0)::int as n from faqs where workspace_id = $1', [workspaceId]))[0]!.n;
    return out;
  });
}

type Turn = { message: string; reply: string | null; state: string; lead_score: number; model: string | null; stage: string | null; trace: string[]; tools: string[]; knowledge: { source: string; id: string | null; title: string; used: boolean }[] };

describeEachDatabase('the playground and answering unanswered questions', (db) => {
  let fake: FakeMeta;
  let t: ReturnType<typeof channelsApp>;
  let ws: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;

  const play = async (messages: string[], as = ws.as, channel?: string) => {
    const res = await t.call('POST', '/api/v1/assistant/playground', { ...as, body: { messages, ...(channel ? { channel } : {}) } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.turns as Turn[];
  };

  beforeAll(async () => {
    fake = await startFakeMeta();
    t = channelsApp(db(), fake);
    ws = await t.connectedWorkspace();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('answers turn by turn with state, score and the knowledge used, and leaves no contact, message or send behind', async () => {
    const faq = await t.call('POST', '/api/v1/faqs', {
      ...ws.as,
      body: { category: 'biaya', question: 'Berapa biaya konsultasi?', answer: 'Konsultasi 1-on-1 Rp 500.000 untuk 60 menit.', keywords: ['biaya', 'konsultasi', 'harga'] },
    });
    expect(faq.status).toBe(201);
    const before = await footprint(db(), ws.workspaceId);

    const turns = await play(['Halo, saya mau kuliah S2 computer science di UK', 'Nama saya Budi Santoso', 'Berapa biaya konsultasi?'], ws.as, 'whatsapp');
    expect(turns.map((x) => x.message)).toEqual(['Halo, saya mau kuliah S2 computer science di UK', 'Nama saya Budi Santoso', 'Berapa biaya konsultasi?']);
    expect(turns.every((x) => typeof x.reply === 'string' && x.reply.length > 0)).toBe(true);
    // The replayed turns carry the conversation: the name is known, the score grew.
    expect(turns[1]!.lead_score).toBeGreaterThan(0);
    expect(turns[2]!.lead_score).toBeGreaterThanOrEqual(turns[1]!.lead_score);
    const last = turns[2]!;
    expect(last.reply).toContain('500.000');
    expect(last.model).toBe('rule-engine');
    expect(last.tools).toContain('searchKnowledge');
    expect(last.knowledge).toContainEqual({ source: 'faq', id: faq.body.id, title: 'Berapa biaya konsultasi?', used: true });
    expect(last.trace.length).toBeGreaterThan(0);

    // Nothing stayed: no contact, thread, message, outbox row, assistant record or FAQ use,
    // and the worker finds nothing to send.
    expect(await footprint(db(), ws.workspaceId)).toEqual(before);
    await t.worker.drain();
    expect(fake.sent).toHaveLength(0);
  });

  it('answers from an FAQ written from the unanswered list, which the question then leaves', async () => {
    const phone = '+6281234560777';
    for (const message of ['Halo', 'Nama saya Sari', 'Apakah asramanya boleh bawa kucing?']) {
      expect((await t.call('POST', '/api/v1/assistant/turns', { ...ws.as, body: { phone, channel: 'whatsapp', message } })).status).toBe(200);
    }
    const listed = await t.call('GET', '/api/v1/assistant/unanswered', ws.as);
    expect(listed.body.data.map((q: { question: string }) => q.question)).toContain('Apakah asramanya boleh bawa kucing?');
    const asked = ['Halo', 'Nama saya Sari', 'Apakah asramanya boleh bawa kucing?'];
    const unanswered = (await play(asked)).at(-1)!;
    expect(unanswered.knowledge.filter((k) => k.used)).toEqual([]);

    const bad = await t.call('POST', '/api/v1/assistant/unanswered/answer', { ...ws.as, body: { asked: 'Apakah asramanya boleh bawa kucing?', faq: { category: 'asrama', question: '', answer: '' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation.failed');
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['body.faq.answer', 'body.faq.question']);

    const answered = await t.call('POST', '/api/v1/assistant/unanswered/answer', {
      ...ws.as,
      body: { asked: '  apakah asramanya boleh bawa  KUCING? ', faq: { category: 'asrama', question: 'Apakah asrama boleh bawa kucing?', answer: 'Boleh, asrama mitra kami menerima kucing dengan surat vaksin.', keywords: ['kucing', 'asrama', 'hewan'] } },
    });
    expect(answered.status, JSON.stringify(answered.body)).toBe(201);
    expect(answered.body.marked).toBe(1);
    const after = await t.call('GET', '/api/v1/assistant/unanswered', ws.as);
    expect(after.body.data.map((q: { question: string }) => q.question)).not.toContain('Apakah asramanya boleh bawa kucing?');

    const next = (await play(asked)).at(-1)!;
    expect(next.reply).toContain('surat vaksin');
    expect(next.knowledge).toContainEqual({ source: 'faq', id: answered.body.faq.id, title: 'Apakah asrama boleh bawa kucing?', used: true });
  });

  it('is for members and up, and refuses what is not a conversation', async () => {
    const app = testApp(db());
    const owner = await app.owner(email('pg-owner'), { template: 'ari' });
    const member = await app.teammate(owner.as, email('pg-member'), 'member');
    const call = (as: object, body: unknown, path = '/api/v1/assistant/playground') => app.call('POST', path, { ...as, body });
    expect((await call(member.as, { messages: ['Halo'] })).status).toBe(200);
    const readOnly = await app.apiKey(owner.as, true);
    expect((await call({ key: readOnly.key }, { messages: ['Halo'] })).status).toBe(403);
    expect((await app.call('POST', '/api/v1/assistant/playground', { body: { messages: ['Halo'] } })).status).toBe(401);
    // Members may not write FAQs, so they may not answer from the list either.
    const byMember = await call(member.as, { asked: 'x', faq: { category: 'a', question: 'b', answer: 'c' } }, '/api/v1/assistant/unanswered/answer');
    expect(byMember.status).toBe(403);
    for (const body of [{ messages: [] }, { messages: ['  '] }, { messages: ['Halo'], channel: 'fax' }, { messages: Array.from({ length: 31 }, () => 'Halo') }, { messages: ['Halo'], extra: 1 }]) {
      const res = await call(owner.as, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation.failed');
    }
  });

  it("tries the receptionist in a voice workspace, booking nothing", async () => {
    const app = testApp(db());
    const laundry = await app.owner(email('pg-laundry'), { template: 'voice', time_zone: 'America/Toronto', currency: 'CAD', country: 'CA', locale: 'en' });
    const before = await footprint(db(), laundry.workspaceId);
    const res = await app.call('POST', '/api/v1/assistant/playground', { ...laundry.as, body: { channel: 'sms', messages: ['Hi, I need a laundry pickup', 'M5V 2T6'] } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const turns = res.body.turns as Turn[];
    expect(turns).toHaveLength(2);
    expect(turns[1]!.tools).toContain('check_service_area');
    expect(turns[1]!.reply!.length).toBeLessThanOrEqual(160);
    expect(await footprint(db(), laundry.workspaceId)).toEqual(before);
  });

  it("lets a model arm word the last reply, with its lookups rolled back too; the earlier messages are replayed without the model", async () => {
    const model = await startFakeOpenAI();
    try {
      const app = testApp(db());
      const owner = await app.owner(email('pg-model'), { template: 'ari', name: 'Eagle Test' });
      const faq = await app.call('POST', '/api/v1/faqs', { ...owner.as, body: { category: 'Biaya', question: 'Berapa biaya konsultasi?', answer: 'Konsultasi 1 jam Rp 500.000.', keywords: ['biaya'] } });
      expect(faq.status).toBe(201);
      const put = await app.call('PUT', '/api/v1/assistant/models', { ...owner.as, body: { arms: [{ name: 'grok', base_url: model.url, model: 'grok-3', weight: 100, api_key: 'sk-test' }], timeout_ms: 2000 } });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const before = await footprint(db(), owner.workspaceId);
      model.script({ toolCalls: [{ id: 'call_fee', name: 'search_knowledge', arguments: '{"query":"biaya konsultasi"}' }], tokens: 20 }, { text: 'Biaya konsultasi Rp 500.000 per jam. Boleh tahu nama lengkap kamu?', tokens: 80 });
      const res = await app.call('POST', '/api/v1/assistant/playground', { ...owner.as, body: { channel: 'whatsapp', messages: ['Halo', 'Berapa biaya konsultasi?'] } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const [first, last] = res.body.turns as Turn[];
      expect(first!.model).toBe('rule-engine');
      expect(last).toMatchObject({ reply: 'Biaya konsultasi Rp 500.000 per jam. Boleh tahu nama lengkap kamu?', model: 'grok' });
      expect(last!.tools).toContain('search_knowledge');
      expect(last!.knowledge.map((k) => k.id)).toContain(faq.body.id);
      // Only the last message went to the model: one exchange of two requests (the lookup, then the reply).
      expect(model.requests).toHaveLength(2);
      expect(model.requests[1]!.body.messages.at(-1)).toMatchObject({ role: 'tool' });
      expect(await footprint(db(), owner.workspaceId)).toEqual(before);
    } finally {
      await model.close();
    }
  });
});
