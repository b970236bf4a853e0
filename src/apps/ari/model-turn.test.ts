import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../../test/support/fakes/openai.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { createServerApp } from '../../http.ts';
import { assignArm, environmentModel } from '../../modules/assistant/index.ts';
import { fixedClock } from '../../platform/clock.ts';
import { loadConfig } from '../../platform/config.ts';
import { silentLogger } from '../../platform/log.ts';
import { createSecretBox } from '../../platform/secrets.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { runAriTurn } from './turn.ts';
import { bindingContent } from './model-turn.ts';

type Body = Record<string, any>;
type As = { cookie: string; workspace: string };

/** A Tuesday morning in Jakarta. */
const clock = fixedClock(new Date('2026-11-24T02:00:00Z'));
const GREETING = /^Selamat pagi! Saya ARI dari .+\. Boleh tahu nama lengkap kamu\?$/;

describe('what a model reply must carry over from the draft', () => {
  it('is every link and every offered slot the draft shows, and nothing else', () => {
    const slot = (label: string) => ({ start: '2026-11-25T03:00:00Z', end: '2026-11-25T04:00:00Z', consultant_id: null, local_label: label });
    const draft = 'Pilih jadwal:\n1. Rabu, 25 Nov 10:00 WIB\n2. Rabu, 25 Nov 14:00 WIB\nBayar di https://app.midtrans.com/snap/v4/redirection/abc-123.';
    expect(bindingContent(draft, { offered_slots: [slot('Rabu, 25 Nov 10:00 WIB'), slot('Rabu, 25 Nov 14:00 WIB'), slot('Kamis, 26 Nov 10:00 WIB')] })).toEqual([
      'https://app.midtrans.com/snap/v4/redirection/abc-123',
      'Rabu, 25 Nov 10:00 WIB',
      'Rabu, 25 Nov 14:00 WIB',
    ]);
    expect(bindingContent('Boleh tahu nama lengkap kamu?', {})).toEqual([]);
  });
});

describe("the server's model from the environment", () => {
  it('needs LLM_BASE_URL and LLM_MODEL together', () => {
    expect(() => loadConfig({ LLM_BASE_URL: 'https://api.x.ai/v1' })).toThrow(/LLM_MODEL/);
    expect(() => loadConfig({ LLM_MODEL: 'grok-3' })).toThrow(/LLM_BASE_URL/);
    expect(environmentModel(loadConfig({}))).toBeUndefined();
    expect(environmentModel(loadConfig({ LLM_BASE_URL: 'https://api.x.ai/v1/', LLM_MODEL: 'grok-3', LLM_API_KEY: 'xai-key', LLM_TIMEOUT_MS: '3000' }))).toEqual({
      baseUrl: 'https://api.x.ai/v1',
      model: 'grok-3',
      apiKey: 'xai-key',
      timeoutMs: 3000,
    });
  });
});

describeEachDatabase('model mode', (db) => {
  let t: ReturnType<typeof testApp>;
  let fake: FakeOpenAI;
  let owner: As;
  let phones = 0;
  const phone = () => `+62812555${String(phones++).padStart(4, '0')}`;

  const turn = async (as: As, message: string, who: { phone?: string; contact_id?: string } = { phone: phone() }) => {
    const res = await t.call('POST', '/api/v1/assistant/turns', { ...as, body: { ...who, channel: 'whatsapp', message } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Body;
  };
  const setModels = async (as: As, body: Body) => {
    const res = await t.call('PUT', '/api/v1/assistant/models', { ...as, body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Body;
  };
  const lastReply = async (contactId: string) =>
    asService(db(), async (tx) =>
      (
        await rows<Body>(
          tx,
          `select m.id, m.content, m.ai_model, m.tokens_used, m.response_time_ms, m.metadata, a.ai_model as arm
             from ari_messages m join ari_conversations a on a.workspace_id = m.workspace_id and a.id = m.ari_conversation_id
            where a.contact_id = $1 and m.role = 'assistant' order by m.created_at desc, m.id desc limit 1`,
          [contactId],
        )
      )[0]!,
    );
  const outbound = async (conversationId: string) =>
    asService(db(), async (tx) => (await rows<{ body: string }>(tx, `select body from messages where conversation_id = $1 and direction = 'outbound' order by created_at desc, id desc limit 1`, [conversationId]))[0]?.body);

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = testApp(db(), clock);
    owner = (await t.owner(email('model'), { template: 'ari', name: 'Eagle Test' })).as;
    await setModels(owner, { arms: [{ name: 'grok', base_url: fake.url, model: 'grok-3', weight: 100, api_key: 'sk-grok-secret' }], timeout_ms: 500 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('answers with the built-in engine and calls no model when none is configured', async () => {
    const plain = (await t.owner(email('plain'), { template: 'ari' })).as;
    const r = await turn(plain, 'Halo');
    expect(r.reply).toMatch(GREETING);
    expect(fake.requests).toHaveLength(0);
    expect(await lastReply(r.contact_id)).toMatchObject({ ai_model: 'rule-engine', tokens_used: 0, arm: 'rule-engine', metadata: { arm: 'rule-engine' } });
  });

  it("sends the model's text, recording the model, its tokens and the latency, with the engine's draft kept beside it", async () => {
    fake.script({ text: 'Selamat pagi! Aku ARI dari Eagle Test. Siapa nama lengkapmu?', tokens: 57 });
    const r = await turn(owner, 'Halo');
    expect(r).toMatchObject({ reply: 'Selamat pagi! Aku ARI dari Eagle Test. Siapa nama lengkapmu?', state: 'qualifying', handoff: false });
    const m = await lastReply(r.contact_id);
    expect(m).toMatchObject({ content: r.reply, ai_model: 'grok', tokens_used: 57, arm: 'grok', metadata: { arm: 'grok', provider_model: 'grok-3', rounds: 1, system_prompt_version: 'v1.0.0' } });
    expect(m.metadata.engine_reply).toMatch(GREETING);
    expect(m.metadata.fallback).toBeUndefined();
    expect(m.response_time_ms).toEqual(expect.any(Number));
    expect(await outbound(r.conversation_id)).toBe(r.reply);

    const req = fake.requests[0]!;
    expect(req.authorization).toBe('Bearer sk-grok-secret');
    expect(req.body.model).toBe('grok-3');
    const [system, ...conversation] = req.body.messages;
    expect(system!.role).toBe('system');
    expect(system!.content).toMatch(/^Kamu adalah ARI, asisten konsultan studi luar negeri\./);
    expect(system!.content).toContain('You are ARI, the whatsapp assistant of Eagle Test');
    expect(system!.content).toContain('Reply in Indonesian');
    expect(system!.content).toContain(m.metadata.engine_reply);
    expect(conversation).toEqual([{ role: 'user', content: 'Halo' }]);
    expect(req.body.tools!.map((tool) => tool.function.name)).toEqual(['search_knowledge', 'find_destinations']);
  });

  it("runs the lookups the model asks for and gives it their results, keeping the engine's state", async () => {
    const faq = await t.call('POST', '/api/v1/faqs', { ...owner, body: { category: 'Biaya', question: 'Berapa biaya konsultasi?', answer: 'Konsultasi 1 jam Rp 500.000.', keywords: ['biaya'] } });
    expect(faq.status).toBe(201);
    fake.script({ toolCalls: [{ id: 'call_fee', name: 'search_knowledge', arguments: '{"query":"biaya konsultasi"}' }], tokens: 20 }, { text: 'Biaya konsultasi Rp 500.000 per jam. Boleh tahu nama lengkap kamu?', tokens: 80 });
    const r = await turn(owner, 'Berapa biaya konsultasi?');
    expect(r.reply).toBe('Biaya konsultasi Rp 500.000 per jam. Boleh tahu nama lengkap kamu?');
    expect(fake.requests).toHaveLength(2);
    const toolMessage = fake.requests[1]!.body.messages.at(-1)!;
    expect(toolMessage).toMatchObject({ role: 'tool', tool_call_id: 'call_fee' });
    expect(JSON.parse(toolMessage.content!)).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Berapa biaya konsultasi?', source: 'faq' })]));
    const m = await lastReply(r.contact_id);
    expect(m).toMatchObject({ ai_model: 'grok', tokens_used: 100, metadata: { rounds: 2, model_tool_calls: [{ name: 'search_knowledge', arguments: '{"query":"biaya konsultasi"}' }] } });
  });

  describe('falls back to the built-in engine for the turn', () => {
    const fallback = async (script: Parameters<FakeOpenAI['script']>, reason: string) => {
      fake.script(...script);
      const r = await turn(owner, 'Halo');
      expect(r.reply).toMatch(GREETING);
      const m = await lastReply(r.contact_id);
      expect(m).toMatchObject({ content: r.reply, ai_model: 'rule-engine', arm: 'grok', metadata: { arm: 'grok', fallback: { reason } } });
      expect(await outbound(r.conversation_id)).toBe(r.reply);
      return { r, m };
    };

    it('when the model does not answer within the timeout', async () => {
      const started = Date.now();
      const { m } = await fallback([{ hang: true }], 'timeout');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(m.response_time_ms).toBeGreaterThanOrEqual(450);
    });

    it('when the provider answers 500', async () => {
      const { m } = await fallback([{ status: 500 }], 'provider_error');
      expect(m.metadata.fallback.detail).toMatch(/500/);
      expect(fake.requests).toHaveLength(1);
    });

    it('when the tool arguments are malformed twice, after telling the model once', async () => {
      const { m } = await fallback([{ toolCalls: [{ name: 'search_knowledge', arguments: '{"query":' }], tokens: 11 }, { toolCalls: [{ name: 'find_destinations', arguments: '{"nation":"UK"}' }], tokens: 13 }], 'malformed_arguments');
      expect(fake.requests).toHaveLength(2);
      expect(JSON.parse(fake.requests[1]!.body.messages.at(-1)!.content!).error).toMatch(/not valid JSON/);
      expect(m.tokens_used).toBe(24);
    });
  });

  it('answers with the engine without calling the model when the stored key cannot be opened (no secret key given)', async () => {
    const actor = { kind: 'system' as const, workspaceId: owner.workspace };
    const r = await withTenant(db(), actor, (tx) => runAriTurn({ tx, actor, clock, log: silentLogger() }, { phone: phone(), channel: 'whatsapp', message: 'Halo' }));
    expect(r.reply).toMatch(GREETING);
    expect(fake.requests).toHaveLength(0);
    expect(await lastReply(r.contact_id)).toMatchObject({ ai_model: 'rule-engine', arm: 'grok', metadata: { fallback: { reason: 'key_unavailable' } } });
  });

  it("sends the engine's numbered slots when the model's reply leaves one out, and the model's when it keeps them all", async () => {
    const hotLead = ['Halo, saya mau kuliah S2 computer science di UK', 'Nama saya Budi Santoso', 'IELTS saya 7.0', 'sekitar 600 juta', 'tahun depan', 'budi@example.com'];
    const offer = async () => {
      const who = { phone: phone() };
      for (const message of hotLead.slice(0, -1)) {
        fake.script({ text: 'Baik, terima kasih. Boleh lanjut?' });
        await turn(owner, message, who);
      }
      return who;
    };

    const first = await offer();
    fake.script({ text: 'Kamu cocok untuk konsultasi! Pilih jadwal yang kamu suka ya.' });
    const dropped = await turn(owner, hotLead.at(-1)!, first);
    expect(dropped.state).toBe('booking');
    expect(dropped.reply).toMatch(/^Profil kamu cocok untuk konsultasi/);
    const m = await lastReply(dropped.contact_id);
    expect(m).toMatchObject({ ai_model: 'rule-engine', metadata: { fallback: { reason: 'dropped_content' } } });
    const labels: string[] = m.metadata.fallback.detail.match(/"[^"]+"/g).map((q: string) => JSON.parse(q));
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(dropped.reply).toContain(label);

    const second = await offer();
    const listed = labels.map((l, i) => `${i + 1}. ${l}`).join('\n');
    fake.script({ text: `Kamu cocok untuk konsultasi! Pilih salah satu:\n${listed}\nBalas dengan nomornya.` });
    const kept = await turn(owner, hotLead.at(-1)!, second);
    expect(kept.reply).toBe(`Kamu cocok untuk konsultasi! Pilih salah satu:\n${listed}\nBalas dengan nomornya.`);
    expect(await lastReply(kept.contact_id)).toMatchObject({ ai_model: 'grok' });
  });

  // The model writes with no transaction open, so a person can take over meanwhile on PGlite too.
  it('sends nothing when a person takes the conversation over while the model is writing', async () => {
    const who = { phone: phone() };
    fake.script({ text: 'Halo! Siapa namamu?' });
    const first = await turn(owner, 'Halo', who);
    let release!: () => void;
    const takenOver = new Promise<void>((resolve) => (release = resolve));
    fake.script({ text: 'Terima kasih, Budi!', after: takenOver });
    const pending = turn(owner, 'Nama saya Budi', who);
    while (fake.requests.length < 2) await new Promise((r) => setTimeout(r, 10));
    await asService(db(), (tx) => tx.query(`update conversations set owner = 'human' where id = $1`, [first.conversation_id]));
    release();
    const r = await pending;
    expect(r).toMatchObject({ reply: null, handoff: true });
    expect(await outbound(first.conversation_id)).toBe('Halo! Siapa namamu?');
    expect((await lastReply(first.contact_id)).content).toBe('Halo! Siapa namamu?');
  });

  it("keeps the engine's fixed handoff message and asks no model when the lead wants a person", async () => {
    fake.script({ text: 'never used' });
    const r = await turn(owner, 'Saya mau bicara dengan manusia saja');
    expect(r.handoff).toBe(true);
    expect(fake.requests).toHaveLength(0);
    expect(await lastReply(r.contact_id)).toMatchObject({ ai_model: 'rule-engine', arm: 'grok' });
  });

  it("uses the server's LLM_* model for a workspace without models of its own", async () => {
    const plain = (await t.owner(email('env'), { template: 'ari' })).as;
    const llm = environmentModel(loadConfig({ LLM_BASE_URL: fake.url, LLM_MODEL: 'env-model', LLM_API_KEY: 'sk-env', LLM_TIMEOUT_MS: '500' }));
    const server = createServerApp({ db: db(), log: silentLogger(), clock, secrets: createSecretBox(randomBytes(32)), llm });
    const call = async (method: string, path: string, body?: Body) => {
      const res = await server.request(path, {
        method,
        headers: { cookie: plain.cookie, 'x-workspace-id': plain.workspace, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Body };
    };
    fake.script({ text: 'Halo dari model server. Siapa namamu?', tokens: 12 });
    const r = await call('POST', '/api/v1/assistant/turns', { phone: phone(), channel: 'whatsapp', message: 'Halo' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.reply).toBe('Halo dari model server. Siapa namamu?');
    expect(fake.requests[0]).toMatchObject({ authorization: 'Bearer sk-env', body: { model: 'env-model' } });
    expect(await lastReply(r.body.contact_id)).toMatchObject({ ai_model: 'env-model', tokens_used: 12, arm: 'env-model' });
    const models = await call('GET', '/api/v1/assistant/models');
    expect(models.body).toMatchObject({ source: 'environment', timeout_ms: 500, arms: [{ name: 'env-model', kind: 'model', base_url: fake.url, model: 'env-model', weight: 100, has_api_key: true }] });
    expect(JSON.stringify(models.body)).not.toContain('sk-env');
  });

  it('splits contacts between arms by their id and keeps each on its arm when the weights change', async () => {
    const split = (await t.owner(email('split'), { template: 'ari' })).as;
    const arms = [{ name: 'grok', base_url: fake.url, model: 'grok-3', weight: 50 }, { name: 'rule-engine', weight: 50 }];
    await setModels(split, { arms, timeout_ms: 500 });
    // Contacts' ids are random: enough of them that both arms have some (twelve all on one arm
    // happened once in 2,048 runs), and no more than that.
    const first: Body[] = [];
    const seen = () => new Set(first.map((r) => assignArm(arms, r.contact_id).name));
    while (first.length < 6 || (seen().size < 2 && first.length < 60)) {
      fake.script({ text: 'Halo dari model. Siapa namamu?' });
      first.push(await turn(split, 'Halo'));
    }
    fake.reset();
    const expected = first.map((r) => assignArm(arms, r.contact_id).name);
    expect(new Set(expected)).toEqual(new Set(['grok', 'rule-engine']));
    const armOf = async () =>
      asService(db(), async (tx) => Object.fromEntries((await rows<{ contact_id: string; ai_model: string }>(tx, 'select contact_id, ai_model from ari_conversations where workspace_id = $1', [split.workspace])).map((r) => [r.contact_id, r.ai_model])));
    const before = await armOf();
    expect(first.map((r) => before[r.contact_id])).toEqual(expected);
    expect(first.map((r) => r.reply === 'Halo dari model. Siapa namamu?')).toEqual(expected.map((a) => a === 'grok'));

    await setModels(split, { arms: [{ ...arms[0], weight: 0 }, { name: 'rule-engine', weight: 100 }], timeout_ms: 500 });
    const onGrok = expected.filter((a) => a === 'grok').length;
    fake.script(...Array.from({ length: onGrok }, () => ({ text: 'Terima kasih, Budi! Negara mana yang kamu tuju?' })));
    for (const r of first) await turn(split, 'Nama saya Budi', { contact_id: r.contact_id });
    expect(fake.requests).toHaveLength(onGrok);
    const after = await armOf();
    expect(first.map((r) => after[r.contact_id])).toEqual(expected);
    // A new contact now lands on the only arm with weight.
    const newcomer = await turn(split, 'Halo');
    expect((await armOf())[newcomer.contact_id]).toBe('rule-engine');
  });
});
