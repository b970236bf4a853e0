import { beforeAll, expect, it } from 'vitest';
import { asService, one, rows } from '../../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../../test/support/db.ts';
import { email, testApp } from '../../../../test/support/http.ts';
import type { Ctx } from '../../../platform/context.ts';
import { fixedClock } from '../../../platform/clock.ts';
import { isAppError } from '../../../platform/errors.ts';
import { withTenant } from '../../../platform/db/tenant.ts';
import { silentLogger } from '../../../platform/log.ts';
import { syncLead } from '../../contacts/index.ts';
import {
  runAssistantTurn,
  technicalErrorMessage,
  updateAriConversation,
  type Decision,
  type State,
  type Turn,
  type TurnApp,
  type TurnHooks,
  type TurnInput,
  type TurnOutcome,
} from '../index.ts';

/**
 * The one turn every app runs in, tested through the module's public face with an app of the
 * test's own, injected the way apps/ inject ARI's flow or the receptionist: it echoes the
 * message, hands over when asked for a person, and fails when told to.
 */
interface EchoApp extends TurnApp<Decision> {
  /** The messages the app was asked to decide, in order. */
  decided: string[];
  /** What each decision saw of the conversation so far. */
  histories: Turn['history'][];
}

function echoApp(): EchoApp {
  const decided: string[] = [];
  const histories: Turn['history'][] = [];
  return {
    decided,
    histories,
    name: 'echo',
    stateOf: (state) => state as State,
    silentIn: (state) => state === 'handoff' || state === 'completed',
    languageOf: () => 'en',
    phoneExample: '+62 812 3456 7001',
    async decide(turn) {
      decided.push(turn.input.message);
      histories.push(turn.history);
      if (turn.input.message === 'fail') {
        // A write the failure must undo: the savepoint around the decision rolls it back.
        await syncLead(turn.ctx.tx, turn.ws, turn.contactId, { lead_score: 99, lead_temperature: 'hot', lead_status: 'hot_lead', name: 'Ghost', now: turn.ctx.clock.now() });
        throw new Error('the app broke');
      }
      if (turn.input.message === 'a person, please') {
        return { reply: 'A colleague will answer you here.', state: 'handoff', handoff: { reason: 'asked_for_person' }, lead_score: 10, lead_temperature: 'cold', metadata: { path: ['handoff'] } };
      }
      return { reply: `You said: ${turn.input.message}`, state: 'qualifying', handoff: null, lead_score: 25, lead_temperature: 'warm', metadata: { path: ['echo'] } };
    },
    async wording() {
      throw new Error('no model arm is configured in these tests');
    },
    async keep(turn, decision, now) {
      await updateAriConversation(turn.ctx.tx, turn.ws, turn.record.id, {
        state: decision.state,
        lead_score: decision.lead_score ?? 0,
        lead_temperature: decision.lead_temperature ?? 'cold',
        context: {},
        conversationId: turn.thread.id,
        now,
        handoffReason: decision.handoff?.reason,
      });
    },
  };
}

describeEachDatabase('the assistant turn', (db) => {
  const clock = fixedClock(new Date('2026-03-02T03:00:00Z'));
  let ws: string;

  const ctxFor = <T>(fn: (ctx: Ctx) => Promise<T>) =>
    withTenant(db(), { kind: 'system', workspaceId: ws }, (tx) => fn({ tx, actor: { kind: 'system', workspaceId: ws }, clock, log: silentLogger() }));
  const turn = (input: TurnInput, app: EchoApp) => ctxFor((ctx) => runAssistantTurn(ctx, input, {}, app));
  let phoneSeq = 7000;
  /** A new Indonesian number written the local way, and the E.164 form the turn stores. */
  const newPhone = () => {
    const n = phoneSeq++;
    return { local: `0812 3456 ${n}`, e164: `+628123456${n}` };
  };

  const threadOf = (conversationId: string) =>
    asService(db(), (tx) => one<{ owner: string; status: string; unread_count: number; contact_id: string; channel: string }>(tx, 'select owner, status, unread_count, contact_id, channel from conversations where id = $1', [conversationId]));
  const messagesOf = (conversationId: string) =>
    asService(db(), (tx) =>
      rows<{ id: string; direction: string; sender_kind: string; body: string; delivery_status: string; metadata: Record<string, unknown> }>(
        tx,
        'select id, direction, sender_kind, body, delivery_status, metadata from messages where conversation_id = $1 order by id',
        [conversationId],
      ),
    );
  const assistantRecordOf = (contactId: string) =>
    asService(db(), (tx) => one<{ id: string; state: string; lead_score: number }>(tx, 'select id, state, lead_score from ari_conversations where contact_id = $1', [contactId]));
  const ariMessagesOf = (contactId: string) =>
    asService(db(), (tx) =>
      rows<{ id: string; role: string; content: string; ai_model: string | null; metadata: Record<string, unknown> }>(
        tx,
        `select m.id, m.role, m.content, m.ai_model, m.metadata from ari_messages m join ari_conversations c on c.id = m.ari_conversation_id
          where c.contact_id = $1 order by m.id`,
        [contactId],
      ),
    );

  beforeAll(async () => {
    const t = testApp(db(), clock);
    ws = (await t.owner(email('turn'), { name: 'Turn Test', country: 'ID', time_zone: 'Asia/Jakarta', currency: 'IDR', locale: 'en' })).workspaceId;
  });

  it('answers a first message: the contact (a local number read in the workspace country), a thread the assistant owns, the record, and the reply queued', async () => {
    const app = echoApp();
    const phone = newPhone();
    const out = await turn({ phone: phone.local, channel: 'whatsapp', message: 'Hello there' }, app);

    expect(out).toMatchObject({ reply: 'You said: Hello there', state: 'qualifying', lead_score: 25, lead_temperature: 'warm', handoff: false });
    const contact = await asService(db(), (tx) => one<{ phone: string; source: string; lead_score: number }>(tx, 'select phone, source, lead_score from contacts where id = $1', [out.contact_id]));
    expect(contact).toMatchObject({ phone: phone.e164, source: 'whatsapp' });
    expect(await threadOf(out.conversation_id)).toMatchObject({ owner: 'ai', status: 'open', unread_count: 1, contact_id: out.contact_id, channel: 'whatsapp' });
    expect((await assistantRecordOf(out.contact_id)).state).toBe('qualifying');

    // The reply is recorded once, linked both ways: the inbox message to the assistant's row, that row to the question.
    const [inbound, outbound] = await messagesOf(out.conversation_id);
    expect(inbound).toMatchObject({ direction: 'inbound', sender_kind: 'contact', body: 'Hello there', delivery_status: 'received' });
    expect(outbound).toMatchObject({ direction: 'outbound', sender_kind: 'assistant', body: 'You said: Hello there', delivery_status: 'queued' });
    const [question, answer] = await ariMessagesOf(out.contact_id);
    expect(question).toMatchObject({ role: 'user', content: 'Hello there', metadata: { message_id: inbound!.id, channel: 'whatsapp' } });
    expect(answer).toMatchObject({ role: 'assistant', content: 'You said: Hello there', ai_model: 'rule-engine', metadata: { reply_to: question!.id, path: ['echo'], arm: 'rule-engine' } });
    expect(outbound!.metadata).toEqual({ in_reply_to: inbound!.id, ari_message_id: answer!.id });
    // The outbox trigger queued it for the channel.
    const outbox = await asService(db(), (tx) => rows<{ channel: string; status: string }>(tx, 'select channel, status from outbox where message_id = $1', [outbound!.id]));
    expect(outbox).toEqual([{ channel: 'whatsapp', status: 'pending' }]);
  });

  it('finds the same contact and thread for the next message, and gives the app the conversation so far', async () => {
    const app = echoApp();
    const phone = newPhone();
    const first = await turn({ phone: phone.e164, channel: 'whatsapp', message: 'one' }, app);
    const second = await turn({ phone: phone.local, channel: 'whatsapp', message: 'two' }, app);
    expect([second.contact_id, second.conversation_id]).toEqual([first.contact_id, first.conversation_id]);
    expect(app.histories[1]).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'You said: one' },
      { role: 'user', content: 'two' },
    ]);
    expect(await threadOf(first.conversation_id)).toMatchObject({ unread_count: 2 });
  });

  it('answers a redelivered message (same provider id) from the record: nothing is stored, decided or queued again', async () => {
    const app = echoApp();
    const phone = newPhone();
    const input: TurnInput = { phone: phone.e164, channel: 'whatsapp', message: 'only once', providerMessageId: `wamid.${phone.e164}` };
    const first = await turn(input, app);
    const again = await turn(input, app);
    expect(again.reply).toBe(first.reply);
    expect(app.decided).toEqual(['only once']);
    expect(await messagesOf(first.conversation_id)).toHaveLength(2);
    expect(await ariMessagesOf(first.contact_id)).toHaveLength(2);
  });

  it('stays silent in a thread a person owns: the message is stored and counted unread, the app is not asked', async () => {
    const app = echoApp();
    const phone = newPhone();
    const first = await turn({ phone: phone.e164, channel: 'whatsapp', message: 'hi' }, app);
    await asService(db(), (tx) => tx.query(`update conversations set owner = 'human' where id = $1`, [first.conversation_id]));

    const out = await turn({ phone: phone.e164, channel: 'whatsapp', message: 'are you there?' }, app);
    expect(out).toMatchObject({ reply: null, handoff: true, conversation_id: first.conversation_id });
    expect(app.decided).toEqual(['hi']);
    const messages = await messagesOf(first.conversation_id);
    expect(messages.map((m) => [m.direction, m.body])).toEqual([
      ['inbound', 'hi'],
      ['outbound', 'You said: hi'],
      ['inbound', 'are you there?'],
    ]);
    expect(await threadOf(first.conversation_id)).toMatchObject({ owner: 'human', unread_count: 2 });
  });

  it('stays silent while the assistant is switched off for the workspace', async () => {
    const app = echoApp();
    await asService(db(), (tx) =>
      tx.query(`insert into ari_config (workspace_id, enabled) values ($1, false) on conflict (workspace_id) do update set enabled = false`, [ws]),
    );
    try {
      const out = await turn({ phone: newPhone().e164, channel: 'whatsapp', message: 'hello?' }, app);
      expect(out).toMatchObject({ reply: null, handoff: false });
      expect(app.decided).toEqual([]);
      expect((await messagesOf(out.conversation_id)).map((m) => m.direction)).toEqual(['inbound']);
    } finally {
      await asService(db(), (tx) => tx.query('update ari_config set enabled = true where workspace_id = $1', [ws]));
    }
  });

  it('hands over: the notice is queued marked as a handoff, the thread passes to a person, and the next message gets no reply', async () => {
    const app = echoApp();
    const phone = newPhone();
    const out = await turn({ phone: phone.e164, channel: 'whatsapp', message: 'a person, please' }, app);
    expect(out).toMatchObject({ reply: 'A colleague will answer you here.', state: 'handoff', handoff: true });
    expect(await threadOf(out.conversation_id)).toMatchObject({ owner: 'human' });
    const notice = (await messagesOf(out.conversation_id)).find((m) => m.direction === 'outbound')!;
    expect(notice.metadata).toMatchObject({ handoff: true });

    const after = await turn({ phone: phone.e164, channel: 'whatsapp', message: 'hello?' }, app);
    expect(after).toMatchObject({ reply: null, state: 'handoff', handoff: true });
    expect(app.decided).toEqual(['a person, please']);
  });

  it('keeps the lead summary with the handoff, and the staff notice of it carries the summary', async () => {
    const app = echoApp();
    const phone = newPhone();
    await ctxFor(async (ctx) => {
      const first = await runAssistantTurn(ctx, { phone: phone.e164, channel: 'whatsapp', message: 'hi' }, {}, app);
      // What an app learnt on the way (here written directly): the summary is made of it.
      await ctx.tx.db.updateTable('contacts').set({ name: 'Rina Wulandari' }).where('id', '=', first.contact_id).execute();
      await ctx.tx.db.updateTable('ari_conversations').set({ context: JSON.stringify({ destination: 'Japan', budget: '300 juta', language: 'id' }) }).where('contact_id', '=', first.contact_id).execute();
    });
    app.keep = async (turn, decision, now) => {
      // An app that keeps the context it had, as the real ones do.
      await updateAriConversation(turn.ctx.tx, turn.ws, turn.record.id, { state: decision.state, lead_score: 10, lead_temperature: 'cold', context: turn.record.context, conversationId: turn.thread.id, now, handoffReason: decision.handoff?.reason });
    };
    const out = await turn({ phone: phone.e164, channel: 'whatsapp', message: 'a person, please' }, app);
    expect(out.handoff).toBe(true);
    const expected = `Rina Wulandari (${phone.e164}); wants study in Japan; budget 300 juta; writes in Indonesian; handed over: asked for a person.`;
    const record = await asService(db(), (tx) => one<{ handoff_summary: string }>(tx, 'select handoff_summary from ari_conversations where contact_id = $1', [out.contact_id]));
    expect(record.handoff_summary).toBe(expected);
    const notices = await asService(db(), (tx) => rows<{ body: string }>(tx, `select body from staff_notifications where workspace_id = $1 and kind = 'handoff.requested'`, [ws]));
    expect(notices.map((n) => n.body)).toContain(`A customer asked for a person (asked_for_person): ${expected}`);
  });

  it('answers with the technical error message when the app fails, keeping none of its writes and the state it had', async () => {
    const app = echoApp();
    const phone = newPhone();
    const first = await turn({ phone: phone.e164, channel: 'whatsapp', message: 'hi' }, app);
    const out = await turn({ phone: phone.e164, channel: 'whatsapp', message: 'fail' }, app);

    expect(out).toMatchObject({ reply: technicalErrorMessage('en'), state: 'qualifying', lead_score: 25, handoff: false });
    const contact = await asService(db(), (tx) => one<{ name: string | null; lead_score: number }>(tx, 'select name, lead_score from contacts where id = $1', [first.contact_id]));
    expect(contact).toEqual({ name: null, lead_score: 0 });
    const last = (await ariMessagesOf(first.contact_id)).at(-1)!;
    expect(last).toMatchObject({ role: 'assistant', content: technicalErrorMessage('en'), metadata: { app: 'echo', error: 'turn_failed' } });
  });

  it('keeps texts in sms_messages: the message received and the reply queued for the SMS worker, none in messages', async () => {
    const app = echoApp();
    const phone = newPhone();
    const out = await turn({ phone: phone.e164, channel: 'sms', message: 'by text', providerMessageId: `SM${phone.e164.slice(1)}` }, app);
    expect(out.reply).toBe('You said: by text');
    const texts = await asService(db(), (tx) =>
      rows<{ direction: string; status: string; message_body: string; phone_number: string }>(
        tx,
        'select direction, status, message_body, phone_number from sms_messages where conversation_id = $1 order by id',
        [out.conversation_id],
      ),
    );
    expect(texts).toEqual([
      { direction: 'inbound', status: 'received', message_body: 'by text', phone_number: phone.e164 },
      { direction: 'outbound', status: 'queued', message_body: 'You said: by text', phone_number: phone.e164 },
    ]);
    expect(await messagesOf(out.conversation_id)).toEqual([]);
  });

  it('refuses a contact id of no contact, and a number it cannot read with the app example of one', async () => {
    const app = echoApp();
    const unknown = await turn({ contactId: '00000000-0000-4000-8000-000000000000', channel: 'webchat', message: 'hi' }, app).catch((e: unknown) => e);
    expect(isAppError(unknown) && unknown.code).toBe('contact.not_found');
    const unreadable = await turn({ phone: 'call me', channel: 'whatsapp', message: 'hi' }, app).catch((e: unknown) => e);
    expect(isAppError(unreadable) && unreadable.code).toBe('validation.failed');
    expect(JSON.stringify(isAppError(unreadable) && unreadable.details)).toContain('+62 812 3456 7001');
    expect(app.decided).toEqual([]);
  });

  it('runs in phases of its own given a scope, with the caller claim first and its bookkeeping in the last transaction', async () => {
    const app = echoApp();
    const phone = newPhone();
    const scope = { db: db(), actor: { kind: 'system' as const, workspaceId: ws }, clock, log: silentLogger() };
    const input: TurnInput = { phone: phone.e164, channel: 'whatsapp', message: 'from a queue' };
    const seen: TurnOutcome[] = [];
    const hooks = (claim: boolean): TurnHooks => ({
      claim: async () => claim,
      recorded: async (_ctx, outcome) => {
        seen.push(outcome);
      },
    });

    expect(await runAssistantTurn(scope, input, {}, app, hooks(false))).toBeNull();
    expect(app.decided).toEqual([]);
    expect(await asService(db(), (tx) => rows(tx, 'select id from contacts where workspace_id = $1 and phone = $2', [ws, phone.e164]))).toEqual([]);

    const out = await runAssistantTurn(scope, input, {}, app, hooks(true));
    expect(out).toMatchObject({ reply: 'You said: from a queue', state: 'qualifying' });
    expect(seen).toEqual([out]);
    expect((await messagesOf(out!.conversation_id)).map((m) => m.delivery_status)).toEqual(['received', 'queued']);
  });
});
