// Vapi's assistant-request (one phone number per business, no assistant to set up on Vapi's
// side) and its HMAC credential, through the whole app: the workspace's receptionist
// (apps/voice/vapi.ts) answers, and a message signed with the wrong key, a tampered body or an
// old timestamp changes nothing.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { startFakeVapi, type FakeVapi } from '../support/fakes/vapi.ts';
import { email, testApp } from '../support/http.ts';
import { fixedClock } from '../../src/platform/clock.ts';

const SECRET = 'vapi-secret-front-desk';
const HMAC_KEY = 'hmac-key-of-the-credential-0123456789';
const TOOLS = ['check_services', 'check_service_area', 'get_availability', 'answer_question', 'create_booking'];

let vapi: FakeVapi;
beforeAll(async () => {
  vapi = await startFakeVapi();
  vapi.addOrg('vapi-key-toronto', { assistants: ['asst-toronto'], phoneNumbers: ['ph-toronto'] });
  vapi.addOrg('vapi-key-bogota', { phoneNumbers: ['ph-bogota'] });
});
afterAll(async () => {
  await vapi?.close();
});

const assistantRequest = (phoneNumberId: string, customer = '+14165550190') => ({
  message: { type: 'assistant-request', phoneNumber: { id: phoneNumberId }, customer: { number: customer }, call: { id: `call-${phoneNumberId}-${customer}`, type: 'inboundPhoneCall', phoneNumberId, customer: { number: customer } } },
});

describeEachDatabase('Vapi assistant requests and HMAC signatures', (db) => {
  const clock = fixedClock(new Date('2026-12-07T15:00:00Z'));
  let t: ReturnType<typeof testApp>;
  let toronto: { workspaceId: string; as: { cookie: string; workspace: string } };
  let bogota: { workspaceId: string; as: { cookie: string; workspace: string } };

  const post = (body: unknown, headers: Record<string, string>) => t.call('POST', '/webhooks/vapi', { raw: typeof body === 'string' ? body : JSON.stringify(body), contentType: 'application/json', headers });
  const withSecret = (body: unknown, secret = SECRET) => post(body, { 'x-vapi-secret': secret });
  const saveVapi = (o: typeof toronto, body: Record<string, unknown>) => t.call('PUT', '/api/v1/channels/vapi', { ...o.as, body });

  beforeAll(async () => {
    t = testApp(db(), clock, { providers: { vapiApiUrl: vapi.url } });
    toronto = await t.owner(email('toronto'), { name: '1StopLaundry', template: 'voice', time_zone: 'America/Toronto', currency: 'CAD', country: 'CA', locale: 'en' });
    bogota = await t.owner(email('bogota'), { name: 'Lavandería Chapinero', template: 'voice', time_zone: 'America/Bogota', currency: 'COP', country: 'CO', locale: 'es' });
    for (const [o, ids, key] of [[toronto, { assistant_ids: ['asst-toronto'], phone_number_ids: ['ph-toronto'] }, 'vapi-key-toronto'], [bogota, { phone_number_ids: ['ph-bogota'] }, 'vapi-key-bogota']] as const) {
      const saved = await saveVapi(o, { ...ids, secret: SECRET, api_key: key });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    }
  });

  it("answers an assistant-request with the workspace's receptionist: its prompt, greeting, tools and the data its report must bring", async () => {
    const res = await withSecret(assistantRequest('ph-toronto'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const a = res.body.assistant;
    expect(a).toMatchObject({
      name: '1StopLaundry',
      firstMessage: 'Thanks for calling 1StopLaundry. How can I help you today?',
      firstMessageMode: 'assistant-speaks-first',
      model: { provider: 'openai', model: 'gpt-4o-mini' },
      transcriber: { provider: 'deepgram', language: 'en' },
      serverMessages: expect.arrayContaining(['end-of-call-report', 'tool-calls']),
    });
    expect(a.voice).toBeUndefined();
    const system = a.model.messages[0].content as string;
    expect(system).toMatch(/^You are the receptionist of a laundry pickup service\./);
    expect(system).toContain('America/Toronto');
    expect(system).toContain('Monday, December 7, 2026');
    expect(a.model.tools.map((x: { function: { name: string } }) => x.function.name)).toEqual(TOOLS);
    const { webhook_url } = (await t.call('GET', '/api/v1/channels/vapi', { ...toronto.as })).body;
    expect(webhook_url).toMatch(/\/webhooks\/vapi$/);
    for (const tool of a.model.tools) {
      expect(tool.server.url).toBe(webhook_url);
      expect(tool.function.parameters.type).toBe('object');
    }
    const booking = a.model.tools.find((x: { function: { name: string } }) => x.function.name === 'create_booking');
    expect(booking.function.parameters.required).toEqual(expect.arrayContaining(['service', 'postal_code', 'address', 'pickup_time', 'name']));
    expect(Object.keys(a.analysisPlan.structuredDataPlan.schema.properties)).toEqual(expect.arrayContaining(['service', 'pickup_time', 'booking_confirmed', 'sentiment']));
    // The caller is a contact from the first ring.
    const contacts = await asService(db(), (tx) => rows(tx, `select source from contacts where workspace_id = $1 and phone = '+14165550190'`, [toronto.workspaceId]));
    expect(contacts).toEqual([{ source: 'voice' }]);
  });

  it('speaks the workspace language, follows its active voice prompt and uses the voice, model and greeting it chose', async () => {
    const prompt = await t.call('POST', '/api/v1/system-prompts', { ...bogota.as, body: { prompt_type: 'voice', system_prompt: 'Eres Lucía, de la Lavandería Chapinero. Sé cálida y breve.' } });
    expect(prompt.status, JSON.stringify(prompt.body)).toBe(201);
    let a = (await withSecret(assistantRequest('ph-bogota', '+573001234567'))).body.assistant;
    expect(a.firstMessage).toBe('Gracias por llamar a Lavandería Chapinero. ¿En qué te puedo ayudar?');
    expect(a.transcriber.language).toBe('es');
    expect(a.model.messages[0].content).toMatch(/^Eres Lucía, de la Lavandería Chapinero\./);
    expect(a.model.messages[0].content).toContain('Speak Spanish');

    const saved = await saveVapi(bogota, {
      phone_number_ids: ['ph-bogota'],
      call_assistant: { first_message: '¡Hola! Habla Lucía.', voice: { provider: '11labs', voice_id: 'lucia-es' }, model: { provider: 'anthropic', model: 'claude-haiku' } },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.call_assistant).toEqual({ first_message: '¡Hola! Habla Lucía.', voice: { provider: '11labs', voice_id: 'lucia-es' }, model: { provider: 'anthropic', model: 'claude-haiku' } });
    a = (await withSecret(assistantRequest('ph-bogota', '+573001234567'))).body.assistant;
    expect(a).toMatchObject({ firstMessage: '¡Hola! Habla Lucía.', voice: { provider: '11labs', voiceId: 'lucia-es' }, model: { provider: 'anthropic', model: 'claude-haiku' } });
  });

  it('refuses an assistant-request for a number no workspace connected, or with the wrong secret, saying nothing of whose it is', async () => {
    for (const res of [await withSecret(assistantRequest('ph-unknown')), await withSecret(assistantRequest('ph-toronto'), 'not-the-secret'), await post(assistantRequest('ph-toronto'), {})]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'webhook.unauthenticated', message: 'the Vapi secret is missing or does not match' });
    }
  });

  describe('with an HMAC credential', () => {
    const now = () => Math.floor(clock.now().getTime() / 1000);
    const sign = (body: string, stamp: number | string, key = HMAC_KEY) => createHmac('sha256', key).update(`${stamp}.${body}`).digest('hex');
    const statusUpdate = (id: string) => JSON.stringify({ message: { type: 'status-update', status: 'in-progress', call: { id, type: 'inboundPhoneCall', assistantId: 'asst-toronto', customer: { number: '+14165550191' } } } });
    const stored = (id: string) => asService(db(), (tx) => rows(tx, 'select status from calls where workspace_id = $1 and provider_call_id = $2', [toronto.workspaceId, id]));

    beforeAll(async () => {
      const saved = await saveVapi(toronto, { assistant_ids: ['asst-toronto'], phone_number_ids: ['ph-toronto'], hmac_secret: HMAC_KEY });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body).toMatchObject({ has_secret: true, has_api_key: true, has_hmac_secret: true, hmac: { algorithm: 'sha256', signature_header: 'x-signature', timestamp_header: 'x-timestamp', include_timestamp: true } });
      expect(JSON.stringify(saved.body)).not.toContain(HMAC_KEY);
    });

    it('takes a message signed over "{timestamp}.{body}" with a recent timestamp', async () => {
      const body = statusUpdate('call-hmac-ok');
      const res = await post(body, { 'x-signature': sign(body, now()), 'x-timestamp': String(now()) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(await stored('call-hmac-ok')).toEqual([{ status: 'in-progress' }]);
      // Milliseconds are read as such.
      const ms = statusUpdate('call-hmac-ms');
      const stamp = String(clock.now().getTime() - 60_000);
      expect((await post(ms, { 'x-signature': sign(ms, stamp), 'x-timestamp': stamp })).status).toBe(200);
    });

    it('refuses a tampered body, a wrong key, an old or future timestamp, a missing signature, and the bare secret once HMAC is set', async () => {
      const body = statusUpdate('call-hmac-bad');
      const tampered = body.replace('+14165550191', '+14165550192');
      const cases: Record<string, string>[] = [
        { 'x-signature': sign(body, now()), 'x-timestamp': String(now()), body: tampered },
        { 'x-signature': sign(body, now(), 'another-key-0123456789abcdef'), 'x-timestamp': String(now()), body },
        { 'x-signature': sign(body, now() - 600), 'x-timestamp': String(now() - 600), body },
        { 'x-signature': sign(body, now() + 600), 'x-timestamp': String(now() + 600), body },
        { 'x-signature': sign(body, now()), body },
        { 'x-timestamp': String(now()), body },
        { 'x-vapi-secret': SECRET, body },
      ];
      for (const { body: sent, ...headers } of cases) {
        const res = await post(sent!, headers);
        expect(res.status, JSON.stringify(headers)).toBe(401);
      }
      expect(await stored('call-hmac-bad')).toEqual([]);
      const status = await t.call('GET', '/api/v1/channels/vapi', { ...toronto.as });
      expect(status.body.webhook).toMatchObject({ last_refused_reason: 'the x-signature signature is missing' });
    });

    it("follows the credential's own plan: another header, a prefix, no timestamp; and null removes HMAC", async () => {
      const saved = await saveVapi(toronto, {
        assistant_ids: ['asst-toronto'], phone_number_ids: ['ph-toronto'],
        hmac: { signature_header: 'X-Vapi-Signature', include_timestamp: false, signature_prefix: 'sha256=' },
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body).toMatchObject({ has_hmac_secret: true, hmac: { signature_header: 'x-vapi-signature', include_timestamp: false, signature_prefix: 'sha256=' } });
      const body = statusUpdate('call-hmac-plan');
      const bare = createHmac('sha256', HMAC_KEY).update(body).digest('hex');
      expect((await post(body, { 'x-vapi-signature': bare })).status).toBe(401);
      expect((await post(body, { 'x-vapi-signature': `sha256=${bare}` })).status).toBe(200);

      // A save that does not mention the plan (the setup screen's) keeps it.
      const kept = await saveVapi(toronto, { assistant_ids: ['asst-toronto'], phone_number_ids: ['ph-toronto'] });
      expect(kept.body).toMatchObject({ has_hmac_secret: true, hmac: { signature_header: 'x-vapi-signature', signature_prefix: 'sha256=' } });
      expect((await post(body, { 'x-vapi-signature': `sha256=${bare}` })).status).toBe(200);

      const removed = await saveVapi(toronto, { assistant_ids: ['asst-toronto'], phone_number_ids: ['ph-toronto'], hmac_secret: null });
      expect(removed.body).toMatchObject({ has_hmac_secret: false, has_secret: true, has_api_key: true });
      expect((await withSecret(statusUpdate('call-after-hmac'))).status).toBe(200);
    });
  });
});
