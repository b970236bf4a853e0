import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { asService, one, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../../test/support/fakes/openai.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { silentLogger } from '../../platform/log.ts';
import { answerInbound } from '../answer.ts';
import { bindingContent } from './model-turn.ts';

/** A Monday 08:00 in Toronto (13:00 UTC). */
const clock = fixedClock(new Date('2026-11-23T13:00:00Z'));

it('makes a model reply carry the draft’s prices and offered times word for word', () => {
  const slot = (label: string) => ({ start: '2026-11-23T16:00:00Z', end: '2026-11-23T18:00:00Z', consultant_id: null, label });
  const decision = {
    reply: 'Regular, 3 loads, Mon 23 Nov 11:00: $15 + 3 x $8 = $39. Reply YES to book.',
    state: 'booking' as const,
    context: { offered_slots: [slot('Mon 23 Nov 11:00'), slot('Mon 23 Nov 14:00')] },
    handoff: null,
    path: [],
    tool_calls: [],
    unanswered: false,
  };
  expect(bindingContent(decision)).toEqual(['$15', '$8', '$39', 'Mon 23 Nov 11:00']);
});

describeEachDatabase('the receptionist in model mode', (db, kind) => {
  let fake: FakeOpenAI;
  let laundry: string;
  let phones = 0;

  const text = (message: string, phone = `+1416555${String(7000 + phones++)}`) =>
    withTenant(db(), { kind: 'system', workspaceId: laundry }, (tx) =>
      answerInbound({ tx, actor: { kind: 'system', workspaceId: laundry }, clock, log: silentLogger() }, { phone, channel: 'sms', message }),
    );
  const lastReply = (contactId: string) =>
    asService(db(), (tx) =>
      one<{ content: string; ai_model: string; tokens_used: number | null; metadata: Record<string, any> }>(
        tx,
        `select m.content, m.ai_model, m.tokens_used, m.metadata from ari_messages m join ari_conversations a on a.workspace_id = m.workspace_id and a.id = m.ari_conversation_id
          where a.contact_id = $1 and m.role = 'assistant' order by m.created_at desc, m.id desc limit 1`,
        [contactId],
      ),
    );

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    const t = testApp(db(), clock);
    const o = await t.owner(email('laundry'), { name: '1StopLaundry', template: 'voice', time_zone: 'America/Toronto', currency: 'CAD', country: 'CA', locale: 'en' });
    laundry = o.workspaceId;
    const set = await t.call('PUT', '/api/v1/assistant/models', { ...o.as, body: { arms: [{ name: 'grok', base_url: fake.url, model: 'grok-3', weight: 100 }], timeout_ms: 5000 } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it("words the reply with the model, prompted with the workspace's active SMS prompt and the engine's draft", async () => {
    fake.script({ text: "Hey, 1StopLaundry here! What's your postal code?", tokens: 40 });
    const r = await text('Hi, I need a pickup');
    expect(r.reply).toBe("Hey, 1StopLaundry here! What's your postal code?");
    expect(r.state).toBe('qualifying');
    const m = await lastReply(r.contact_id);
    expect(m).toMatchObject({ ai_model: 'grok', tokens_used: 40, metadata: { app: 'receptionist', arm: 'grok', system_prompt_version: 'v1.0.0', engine_reply: "Hi! This is 1StopLaundry. What's your postal code?" } });
    const system = fake.requests[0]!.body.messages[0]!;
    expect(system.content).toMatch(/^You answer texts for a laundry pickup service\. Replies under 160 characters\./);
    expect(system.content).toContain("Hi! This is 1StopLaundry. What's your postal code?");
    expect(fake.requests[0]!.body.tools!.map((t) => t.function.name).sort()).toEqual(['answer_question', 'check_services']);
  });

  it("keeps the engine's reply when the model drops the price, fails or runs past one SMS", async () => {
    // The engine offers the times (the model is down for that turn), then confirms the price.
    fake.script({ status: 503 });
    const first = await text('M5V 2T6, 3 loads regular at 120 Queen St W, my name is Sam');
    expect(first.reply).toMatch(/^Hi! This is 1StopLaundry\. Pick a time:\n1\. Mon 23 Nov 09:00/);
    fake.script({ text: 'Great, Regular for 3 loads. Shall I book it?' });
    const dropped = await withTenant(db(), { kind: 'system', workspaceId: laundry }, (tx) =>
      answerInbound({ tx, actor: { kind: 'system', workspaceId: laundry }, clock, log: silentLogger() }, { contactId: first.contact_id, channel: 'sms', message: '2' }),
    );
    expect(dropped.reply).toMatch(/^Regular, 3 loads, Mon 23 Nov 11:00: \$15 \+ 3 x \$8 = \$39\. Reply YES to book\.$/);
    expect((await lastReply(first.contact_id)).metadata.fallback).toMatchObject({ reason: 'dropped_content' });

    fake.script({ status: 500, body: { error: { message: 'overloaded' } } });
    const failed = await text('hello');
    expect(failed.reply).toBe("Hi! This is 1StopLaundry. What's your postal code?");
    expect(await lastReply(failed.contact_id)).toMatchObject({ ai_model: 'rule-engine', metadata: { fallback: { reason: 'provider_error' } } });

    fake.script({ text: 'x'.repeat(161) });
    const long = await text('hello');
    expect(long.reply).toBe("Hi! This is 1StopLaundry. What's your postal code?");
    expect((await lastReply(long.contact_id)).metadata.fallback).toMatchObject({ reason: 'reply_too_long' });
  });

  // PGlite runs one transaction at a time, so a person cannot take over while a turn is open there.
  it.skipIf(kind === 'pglite')('undoes the booking and sends nothing when a person takes over while the model writes the confirmation', async () => {
    const phone = '+14165557999';
    fake.script({ status: 503 }, { status: 503 });
    const offered = await text('M4C 1A1, 1 load premium at 9 Main St, my name is Kim', phone);
    await text('1', phone);
    let release!: () => void;
    const takenOver = new Promise<void>((resolve) => (release = resolve));
    fake.script({ text: 'Booked! Premium pickup Mon 23 Nov 09:00. Total $48.', after: takenOver });
    const pending = text('yes', phone);
    while (fake.requests.length < 3) await new Promise((r) => setTimeout(r, 10));
    await asService(db(), (tx) => tx.query(`update conversations set owner = 'human' where id = $1`, [offered.conversation_id]));
    release();
    expect(await pending).toMatchObject({ reply: null, handoff: true });
    const left = await asService(db(), async (tx) => ({
      bookings: await rows(tx, 'select id from bookings where workspace_id = $1 and contact_id = $2', [laundry, offered.contact_id]),
      state: (await one<{ state: string }>(tx, 'select state from ari_conversations where workspace_id = $1 and contact_id = $2', [laundry, offered.contact_id])).state,
    }));
    expect(left).toEqual({ bookings: [], state: 'booking' });
  });
});
