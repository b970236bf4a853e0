// Issue #11, finding 1: a workspace pointed its Midtrans base URL or a model arm at
// 127.0.0.1 and the server called it with the workspace's credentials, showed the body back
// ("Midtrans refused the transaction: <body>") and told open ports from closed ones. Every
// outbound call now goes through platform/http/outbound.ts: only hosts the operator allows
// (OUTBOUND_ALLOWED_HOSTS; the fakes here allow exactly their own port) may be local.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asService, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { startFakeMidtrans, type FakeMidtrans } from '../support/fakes/midtrans.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakes/openai.ts';
import { email } from '../support/http.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { allowOutboundHosts, configureOutbound } from '../../src/platform/http/outbound.ts';
import { whatsappSender } from '../../src/modules/channels/index.ts';
import { sendSms } from '../../src/modules/channels/twilio/twilio.protocol.ts';
import { bookConsultation, connectMidtrans, paymentsApp, uniqueKey, type Owner, type PaymentsApp } from '../support/payments.ts';

type Body = Record<string, any>;

const SECRET = 'INTERNAL-SERVICE-SECRET-7f3a';

/** A service on this machine that no one allowed: it must never hear from the server. */
let internal: Server;
let internalPort = 0;
/** A port nothing listens on. */
let closedPort = 0;
/** An allowed host (as a fake would be) that redirects wherever the test says. */
let redirector: Server;
let redirectorPort = 0;
let redirectTo = '';
const heard: IncomingMessage[] = [];

// Public-looking names that the injected resolver points at this machine (no DNS offline).
const PRIVATE_NAMES: Record<string, string> = { 'pay.attacker.example': '127.0.0.1', 'llm.attacker.example': '127.0.0.1', 'rebind.attacker.example': '::ffff:127.0.0.1' };

let midtrans: FakeMidtrans;
let openai: FakeOpenAI;

beforeAll(async () => {
  // The process's policy before any fake adds itself: nothing allowed, names resolved by the test.
  configureOutbound({
    allowedHosts: [],
    resolve: async (name) => {
      const address = PRIVATE_NAMES[name];
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    },
  });
  internal = createServer((req, res) => {
    heard.push(req);
    req.resume();
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error_messages: [SECRET], status_message: SECRET, choices: [{ index: 0, message: { role: 'assistant', content: SECRET }, finish_reason: 'stop' }] }));
  });
  await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
  internalPort = (internal.address() as AddressInfo).port;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  redirector = createServer((req, res) => {
    req.resume();
    res.writeHead(307, { location: redirectTo });
    res.end();
  });
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
  redirectorPort = (redirector.address() as AddressInfo).port;
  allowOutboundHosts(`127.0.0.1:${redirectorPort}`);
  midtrans = await startFakeMidtrans();
  openai = await startFakeOpenAI();
});
afterAll(async () => {
  await new Promise((r) => internal.close(r));
  await new Promise((r) => redirector.close(r));
  await midtrans.close();
  await openai.close();
});
beforeEach(() => {
  heard.length = 0;
});

/** The error as the tenant sees it, with the port it named taken out. */
const shown = (body: Body, port: number) => JSON.stringify(body).replaceAll(String(port), 'PORT');

describeEachDatabase('outbound requests go only where the operator allows', (db) => {
  let t: PaymentsApp;
  let owner: Owner;

  beforeAll(async () => {
    t = paymentsApp(db(), systemClock);
    owner = await t.owner(email('ssrf'), { template: 'ari' });
  });

  const putMidtrans = (base_url: string) =>
    t.call('PUT', '/api/v1/integrations/midtrans', { ...owner.as, body: { server_key: uniqueKey('ssrf'), client_key: 'SB-Mid-client-abcdefgh', environment: 'sandbox', base_url } });
  const pay = async () => {
    const c = await bookConsultation(db(), owner);
    return t.call('POST', '/api/v1/payments', { ...owner.as, body: { appointment_id: c.appointmentId } });
  };

  describe('the Midtrans base URL', () => {
    it('is refused at save time when it is a local address nobody allowed, the same for an open and a closed port', async () => {
      const open = await putMidtrans(`http://127.0.0.1:${internalPort}`);
      const closed = await putMidtrans(`http://127.0.0.1:${closedPort}`);
      expect(open.status).toBe(400);
      expect(open.body.error).toMatchObject({ code: 'outbound.target_not_allowed', details: { field: 'base_url' } });
      expect(shown(open.body, internalPort)).toBe(shown(closed.body, closedPort));
      expect(heard).toHaveLength(0);
    });

    it('is refused at call time when a public-looking name resolves to this machine: no request, no body, one error for open and closed ports', async () => {
      const answers: Body[] = [];
      for (const port of [internalPort, closedPort]) {
        const saved = await putMidtrans(`https://pay.attacker.example:${port}`);
        expect(saved.status, JSON.stringify(saved.body)).toBe(200);
        const res = await pay();
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('payment.gateway_unavailable');
        answers.push(res.body);
      }
      expect(heard).toHaveLength(0);
      expect(JSON.stringify(answers)).not.toContain(SECRET);
      expect(answers[0]).toEqual(answers[1]);
    });

    it('does not follow a redirect from an allowed host to a local address', async () => {
      for (const target of [`http://127.0.0.1:${internalPort}/snap/v1/transactions`, `http://pay.attacker.example:${internalPort}/snap/v1/transactions`]) {
        redirectTo = target;
        expect((await putMidtrans(`http://127.0.0.1:${redirectorPort}`)).status).toBe(200);
        const res = await pay();
        expect([res.status, res.body.error.code]).toEqual([503, 'payment.gateway_unavailable']);
        expect(JSON.stringify(res.body)).not.toContain(SECRET);
      }
      expect(heard).toHaveLength(0);
    });

    it('works against a host the operator allowed, and a refusal there shows the status class, never the body', async () => {
      await connectMidtrans(t, owner, midtrans);
      const ok = await pay();
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);

      midtrans.fail({ status: 400, body: { error_messages: [SECRET] } });
      const refused = await pay();
      expect(refused.status).toBe(409);
      expect(refused.body.error).toEqual({ code: 'payment.gateway_refused', message: expect.any(String), details: { gateway_status: '4xx' } });
      expect(JSON.stringify(refused.body)).not.toContain(SECRET);
    });
  });

  describe("a model arm's base URL", () => {
    let phones = 0;
    const turn = async () => {
      const res = await t.call('POST', '/api/v1/assistant/turns', { ...owner.as, body: { phone: `+62812777${String(phones++).padStart(4, '0')}`, channel: 'whatsapp', message: 'Halo' } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body as Body;
    };
    const replyMetadata = async (contactId: string) =>
      asService(db(), async (tx) =>
        (
          await rows<{ metadata: Body }>(
            tx,
            `select m.metadata from ari_messages m join ari_conversations a on a.workspace_id = m.workspace_id and a.id = m.ari_conversation_id
              where a.contact_id = $1 and m.role = 'assistant' order by m.created_at desc, m.id desc limit 1`,
            [contactId],
          )
        )[0]!.metadata,
      );
    const putModel = (base_url: string) =>
      t.call('PUT', '/api/v1/assistant/models', { ...owner.as, body: { arms: [{ name: 'arm', base_url, model: 'm', weight: 1, api_key: 'sk-workspace-key' }], timeout_ms: 2000 } });

    it('is refused at save time when it is a local address nobody allowed, the same for an open and a closed port', async () => {
      const open = await putModel(`http://127.0.0.1:${internalPort}/v1`);
      const closed = await putModel(`http://127.0.0.1:${closedPort}/v1`);
      expect(open.status).toBe(400);
      expect(open.body.error).toMatchObject({ code: 'outbound.target_not_allowed', details: { field: 'arms.0.base_url' } });
      expect(shown(open.body, internalPort)).toBe(shown(closed.body, closedPort));
      expect(heard).toHaveLength(0);
    });

    it('is refused at call time when a name resolves to this machine: the built-in engine answers, and the tenant sees the same fixed words for an open and a closed port', async () => {
      const seen: Body[] = [];
      for (const port of [internalPort, closedPort]) {
        expect((await putModel(`https://llm.attacker.example:${port}/v1`)).status).toBe(200);
        const r = await turn();
        expect(r.reply).not.toContain(SECRET);
        const metadata = await replyMetadata(r.contact_id);
        expect(metadata.fallback).toEqual({ reason: 'provider_error', detail: 'the provider could not be reached' });
        seen.push({ reply: r.reply, fallback: metadata.fallback });
      }
      expect(heard).toHaveLength(0);
      expect(seen[0]!.fallback).toEqual(seen[1]!.fallback);
    });

    it('does not follow a redirect from an allowed host to a local address', async () => {
      redirectTo = `http://127.0.0.1:${internalPort}/v1/chat/completions`;
      expect((await putModel(`http://127.0.0.1:${redirectorPort}/v1`)).status).toBe(200);
      const r = await turn();
      expect((await replyMetadata(r.contact_id)).fallback).toEqual({ reason: 'provider_error', detail: 'the provider could not be reached' });
      expect(heard).toHaveLength(0);
    });

    it('works against a host the operator allowed', async () => {
      openai.reset();
      openai.script({ text: 'Halo dari model yang diizinkan. Boleh tahu nama lengkap kamu?' });
      expect((await putModel(openai.url)).status).toBe(200);
      const r = await turn();
      expect(r.reply).toBe('Halo dari model yang diizinkan. Boleh tahu nama lengkap kamu?');
      expect(openai.requests).toHaveLength(1);
    });
  });
});

describe("the operator's provider endpoints fall under the same policy", () => {
  it('a WhatsApp Graph URL or Twilio API URL on a local port nobody allowed fails the send without a request', async () => {
    const wa = whatsappSender({ graphUrl: `http://127.0.0.1:${internalPort}/v21.0` });
    const sent = await wa.send(
      {
        workspaceId: 'w', messageId: 'm', channel: 'whatsapp', conversationId: 'c', contactId: 'k', to: { phone: '+6281200000000', email: null },
        body: 'hi', senderKind: 'assistant', metadata: {}, attempt: 1, lastInboundAt: new Date(), now: new Date(),
      },
      { workspaceId: 'w', provider: 'whatsapp', settings: { phone_number_id: '123' } as never, secrets: { access_token: 'token' } as never },
    );
    expect(sent).toEqual({ outcome: 'failed', reason: expect.stringContaining('OUTBOUND_ALLOWED_HOSTS') });
    const sms = await sendSms(
      { baseUrl: `http://127.0.0.1:${internalPort}`, accountSid: 'AC123', authToken: 'token' },
      { to: '+14165550199', from: { number: '+14165550100' }, body: 'hi', statusCallback: 'https://frontdesk.test/webhooks/twilio/status' },
    );
    expect(sms).toEqual({ outcome: 'failed', reason: expect.stringContaining('OUTBOUND_ALLOWED_HOSTS'), errorCode: null });
    expect(heard).toHaveLength(0);
  });
});
