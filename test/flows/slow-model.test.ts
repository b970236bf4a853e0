// Issue 15, item 6: no lock is held while a model thinks. A turn the model words commits the
// customer's message and the decision first, asks the model with no transaction (and no
// connection, no row lock) open, and records the reply afterwards, checking the owner and
// whether the customer wrote again. Proved with a real HTTP model server on 127.0.0.1 that
// answers after about 5 s: meanwhile other customers' WhatsApp webhooks (signed as Meta signs
// them) are acknowledged at their normal speed, on the embedded database too (which runs one
// transaction at a time, so a turn holding one would stall every webhook for the 5 s), staff
// can take the conversation over (and then the model's reply is not sent), and a second
// message of the same customer is never answered twice.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../support/actors.ts';
import { channelsApp, waId } from '../support/channels.ts';
import { describeEachDatabase } from '../support/db.ts';
import { startFakeMeta, type FakeMeta } from '../support/fakes/meta.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakes/openai.ts';
import { answerInbound } from '../../src/apps/answer.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/log.ts';

/** How long the slow model takes to answer. */
const SLOW_MS = 5000;
/** A webhook's acknowledgement, with a generous margin for a loaded machine (normally some ms). */
const ACK_BOUND_MS = 1000;
const OTHER_CUSTOMERS = 5;

let meta: FakeMeta;
let model: FakeOpenAI;
beforeAll(async () => {
  [meta, model] = await Promise.all([startFakeMeta(), startFakeOpenAI()]);
});
afterAll(async () => {
  await Promise.all([meta?.close(), model?.close()]);
});

/** A model answer that comes SLOW_MS after the model is asked, and whether it came yet. */
function slowAnswer() {
  let answered = false;
  let start!: () => void;
  const asked = new Promise<void>((r) => (start = r));
  const after = asked.then(() => new Promise<void>((r) => setTimeout(r, SLOW_MS))).then(() => void (answered = true));
  return { after, start, answered: () => answered };
}

describeEachDatabase('a model that takes 5 s to answer', (db) => {
  let t: ReturnType<typeof channelsApp>;

  beforeAll(() => {
    t = channelsApp(db(), meta);
  });

  async function workspaceWithSlowModel() {
    const ws = await t.connectedWorkspace();
    const put = await t.call('PUT', '/api/v1/assistant/models', { ...ws.as, body: { arms: [{ name: 'slow', base_url: model.url, model: 'slow-1', weight: 100 }], timeout_ms: 30_000 } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    return ws;
  }

  /** Posts a customer's message as Meta would and times the acknowledgement. */
  async function write(phoneNumberId: string, from: string, text: string) {
    const signed = meta.inbound(phoneNumberId, { from, text });
    const started = performance.now();
    const res = await t.post(signed);
    const ms = performance.now() - started;
    expect(res.status).toBe(200);
    return { ms, wamid: signed.wamid };
  }

  const customerOf = (workspaceId: string, from: string) =>
    asService(db(), async (tx) => {
      const [c] = await rows<{ conversation_id: string; owner: string; contact_id: string }>(
        tx,
        `select v.id as conversation_id, v.owner, v.contact_id from conversations v join contacts c on c.workspace_id = v.workspace_id and c.id = v.contact_id
          where v.workspace_id = $1 and c.phone = $2 and v.channel = 'whatsapp'`,
        [workspaceId, `+${from}`],
      );
      if (!c) return undefined;
      const messages = await rows<{ id: string; direction: string; sender_kind: string; body: string; provider_message_id: string | null; metadata: { in_reply_to?: string } | null }>(
        tx,
        'select id, direction, sender_kind, body, provider_message_id, metadata from messages where workspace_id = $1 and conversation_id = $2 order by created_at, id',
        [workspaceId, c.conversation_id],
      );
      const ari = await rows<{ role: string; content: string; ai_model: string | null }>(
        tx,
        `select m.role, m.content, m.ai_model from ari_messages m join ari_conversations a on a.workspace_id = m.workspace_id and a.id = m.ari_conversation_id
          where a.workspace_id = $1 and a.contact_id = $2 order by m.created_at, m.id`,
        [workspaceId, c.contact_id],
      );
      return { ...c, messages, inbound: messages.filter((m) => m.direction === 'inbound'), replies: messages.filter((m) => m.direction === 'outbound'), ari };
    });

  const pendingTurns = (workspaceId: string) =>
    asService(db(), async (tx) => (await rows(tx, `select 1 from channel_inbox where workspace_id = $1 and status <> 'done'`, [workspaceId])).length);

  it("acknowledges other customers' webhooks at normal speed while it writes, and sends nothing once staff took the conversation over", { timeout: 60_000 }, async () => {
    const ws = await workspaceWithSlowModel();
    model.reset();
    const slow = slowAnswer();
    model.script({ text: 'Halo kak! Boleh tahu nama lengkap kamu? (worded too late)', after: slow.after });
    for (let i = 0; i < OTHER_CUSTOMERS; i++) model.script({ text: `Halo kak ${i}! Boleh tahu nama lengkap kamu?` });
    t.worker.start();
    try {
      const budi = waId();
      await write(ws.phoneNumberId, budi, 'Halo, mau tanya S2 di Australia');
      await expect.poll(() => model.requests.length, { timeout: 10_000, interval: 10 }).toBe(1);
      slow.start();

      // The message is committed before the model is asked: staff see it in the inbox now.
      const during = await customerOf(ws.workspaceId, budi);
      expect(during?.inbound.map((m) => m.body)).toEqual(['Halo, mau tanya S2 di Australia']);
      expect(during?.ari.map((m) => m.role)).toEqual(['user']);

      // Other customers write meanwhile: each webhook is acknowledged at once.
      const others = Array.from({ length: OTHER_CUSTOMERS }, () => waId());
      const acks: number[] = [];
      for (const [i, from] of others.entries()) acks.push((await write(ws.phoneNumberId, from, `Halo, saya pelanggan ${i}`)).ms);
      // A person takes Budi's conversation over from the inbox, at once too.
      const started = performance.now();
      const takeover = await t.call('POST', `/api/v1/conversations/${during!.conversation_id}/takeover`, ws.as);
      const takeoverMs = performance.now() - started;
      expect(takeover.status, JSON.stringify(takeover.body)).toBe(200);
      // All of it happened while the model was still writing.
      expect(slow.answered()).toBe(false);
      console.info(`[slow-model] ${db().kind}: webhook acks during the ${SLOW_MS} ms model call: ${acks.map((a) => a.toFixed(0)).join(', ')} ms; takeover ${takeoverMs.toFixed(0)} ms`);
      for (const ms of acks) expect(ms).toBeLessThan(ACK_BOUND_MS);
      expect(takeoverMs).toBeLessThan(ACK_BOUND_MS);

      // Once the model answers, every turn finishes.
      await expect.poll(() => slow.answered(), { timeout: SLOW_MS + 5000, interval: 50 }).toBe(true);
      await expect.poll(() => pendingTurns(ws.workspaceId), { timeout: 20_000, interval: 50 }).toBe(0);
      await expect.poll(() => model.requests.length, { timeout: 5000, interval: 20 }).toBe(1 + OTHER_CUSTOMERS);

      // The model's late words for Budi are not sent over the person: no reply at all, and none recorded.
      const after = (await customerOf(ws.workspaceId, budi))!;
      expect(after.owner).toBe('human');
      expect(after.replies).toEqual([]);
      expect(after.ari.map((m) => m.role)).toEqual(['user']);
      // Everyone else got one reply, worded by the model.
      for (const from of others) {
        const c = (await customerOf(ws.workspaceId, from))!;
        expect(c.replies).toHaveLength(1);
        expect(c.replies[0]!.body).toMatch(/^Halo kak \d! Boleh tahu nama lengkap kamu\?$/);
        expect(c.ari.map((m) => [m.role, m.ai_model])).toEqual([
          ['user', null],
          ['assistant', 'slow'],
        ]);
      }
      await meta.callbacksDelivered();
      await expect.poll(() => meta.sent.filter((s) => others.includes(String(s.body.to).replace(/^\+/, ''))).length, { timeout: 10_000, interval: 50 }).toBe(OTHER_CUSTOMERS);
      expect(meta.sent.filter((s) => String(s.body.to).replace(/^\+/, '') === budi)).toEqual([]);
    } finally {
      await t.worker.stop();
    }
  });

  it('answers a second message that came during the slow call once, after the first, in order', { timeout: 60_000 }, async () => {
    const ws = await workspaceWithSlowModel();
    model.reset();
    const slow = slowAnswer();
    model.script({ text: 'Halo kak! Boleh tahu nama lengkap kamu?', after: slow.after }, { text: 'Terima kasih, Kak Budi! Mau lanjut studi ke mana?' });
    t.worker.start();
    try {
      const budi = waId();
      const first = await write(ws.phoneNumberId, budi, 'Halo');
      await expect.poll(() => model.requests.length, { timeout: 10_000, interval: 10 }).toBe(1);
      slow.start();
      const second = await write(ws.phoneNumberId, budi, 'Nama saya Budi Santoso');
      expect(second.ms).toBeLessThan(ACK_BOUND_MS);
      // Meta redelivers the second message too (it got no answer quickly enough for its taste).
      const again = await t.post(meta.inbound(ws.phoneNumberId, { from: budi, text: 'Nama saya Budi Santoso', id: second.wamid }));
      expect(again.status).toBe(200);
      expect(slow.answered()).toBe(false);

      await expect.poll(() => pendingTurns(ws.workspaceId), { timeout: SLOW_MS + 20_000, interval: 50 }).toBe(0);
      const c = (await customerOf(ws.workspaceId, budi))!;
      expect(c.inbound.map((m) => m.provider_message_id)).toEqual([first.wamid, second.wamid]);
      // One reply per message, each to its own message, in the order they were written.
      expect(c.replies.map((r) => [r.metadata?.in_reply_to, r.body])).toEqual([
        [c.inbound[0]!.id, 'Halo kak! Boleh tahu nama lengkap kamu?'],
        [c.inbound[1]!.id, 'Terima kasih, Kak Budi! Mau lanjut studi ke mana?'],
      ]);
      expect(c.ari.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
      expect(model.requests).toHaveLength(2);
    } finally {
      await t.worker.stop();
    }
  });

  it('drops the slow reply when another process answered a newer message of the customer meanwhile: the newer message wins, nothing is sent twice', { timeout: 60_000 }, async () => {
    const ws = await workspaceWithSlowModel();
    model.reset();
    const slow = slowAnswer();
    model.script({ text: 'Halo kak! Boleh tahu nama lengkap kamu? (stale)', after: slow.after }, { text: 'Terima kasih, Kak Budi! Mau lanjut studi ke mana?' });
    t.worker.start();
    try {
      const budi = waId();
      await write(ws.phoneNumberId, budi, 'Halo');
      await expect.poll(() => model.requests.length, { timeout: 10_000, interval: 10 }).toBe(1);
      slow.start();
      // Another server (one process runs a conversation's turns one after the other, so the
      // second one is taken as another process would take it) answers the customer's next
      // message while the first model call is still out.
      const { contact_id } = (await customerOf(ws.workspaceId, budi))!;
      const newer = await answerInbound(
        { db: db(), actor: { kind: 'system', workspaceId: ws.workspaceId }, clock: systemClock, log: silentLogger() },
        { contactId: contact_id, channel: 'whatsapp', message: 'Nama saya Budi Santoso', providerMessageId: `wamid.other-${budi}` },
        {},
      );
      expect(newer.reply).toBe('Terima kasih, Kak Budi! Mau lanjut studi ke mana?');
      expect(slow.answered()).toBe(false);

      await expect.poll(() => pendingTurns(ws.workspaceId), { timeout: SLOW_MS + 20_000, interval: 50 }).toBe(0);
      const c = (await customerOf(ws.workspaceId, budi))!;
      // The newer message's reply is the only one: the stale one is neither queued nor recorded.
      expect(c.replies.map((r) => [r.metadata?.in_reply_to, r.body])).toEqual([[c.inbound[1]!.id, 'Terima kasih, Kak Budi! Mau lanjut studi ke mana?']]);
      expect(c.ari.map((m) => m.role)).toEqual(['user', 'user', 'assistant']);
      expect(c.owner).toBe('ai');
    } finally {
      await t.worker.stop();
    }
  });
});
