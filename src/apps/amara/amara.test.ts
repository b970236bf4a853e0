import { Temporal } from 'temporal-polyfill';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp, type CallOptions } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';
import { withServiceRole } from '../../platform/db/tenant.ts';
import { newId } from '../../platform/ids.ts';
import { silentLogger } from '../../platform/log.ts';
import { answerChat, openChat } from './chat.ts';

type App = ReturnType<typeof testApp>;
type Person = { cookie: string; userId: string };

// The conversation happens on a Monday at 09:00 in Bogotá (-05:00 all year), so "el sábado"
// is five days later. It is the coming Monday, so that the sessions signed up on the real
// clock are still valid on the test's.
const tomorrow = Temporal.Now.plainDateISO('America/Bogota').add({ days: 1 });
const monday = tomorrow.add({ days: (8 - tomorrow.dayOfWeek) % 7 });
const SATURDAY = monday.add({ days: 5 }).toString();

interface SseEvent {
  event: string;
  data: any;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event:'))!.slice(6).trim();
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      return { event, data: JSON.parse(data) };
    });
}

describeEachDatabase('Amara, the in-app assistant', (db) => {
  let t: App;
  let people: App;
  let workspaceId: string;
  let maria: Person;
  let other: Person;
  let owner: Awaited<ReturnType<App['owner']>>;

  const chat = (who: Person, body: Record<string, unknown>, o: CallOptions = {}) =>
    t.call('POST', '/api/v1/amara/chat', { cookie: who.cookie, workspace: workspaceId, body, ...o });

  const bookings = () =>
    withServiceRole(db(), (tx) =>
      tx.db.selectFrom('bookings').selectAll().where('workspace_id', '=', workspaceId).where('title', 'like', 'Amara:%').orderBy('created_at').execute(),
    );

  const storedMessages = (conversationId: string) =>
    withServiceRole(db(), (tx) =>
      tx.db.selectFrom('amara_messages').selectAll().where('conversation_id', '=', conversationId).orderBy('created_at').orderBy('id').execute(),
    );

  const contextOf = async (conversationId: string) =>
    (await withServiceRole(db(), (tx) => tx.db.selectFrom('amara_conversations').select('context').where('id', '=', conversationId).executeTakeFirstOrThrow())).context as Record<string, any>;

  beforeAll(async () => {
    people = testApp(db());
    t = testApp(db(), fixedClock(`${monday}T09:00:00-05:00`));
    owner = await people.owner(email('casa'), { name: 'Casa Limpia', template: 'amara', time_zone: 'America/Bogota', locale: 'es', currency: 'COP', country: 'CO' });
    workspaceId = owner.workspaceId;
    maria = await people.signUp(email('maria'));
    other = await people.signUp(email('other'));
    // María's profile says Spanish: her conversations start in Spanish.
    await withServiceRole(db(), (tx) => tx.db.updateTable('auth.users').set({ locale: 'es', full_name: 'María González' }).where('id', '=', maria.userId).execute());
  });

  it('drafts a Spanish booking from a conversation and books it only after "sí, confirmo", priced rate × hours in Bogotá time', async () => {
    const first = await chat(maria, { message: 'Hola, necesito una limpieza profunda para el sábado' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const conversationId = first.body.conversation_id;
    expect(first.body.message).toMatchObject({ role: 'assistant', status: 'completed', metadata: { intent: 'availability', extracted: { date: SATURDAY } } });
    expect(first.body.message.tool_calls.map((c: { name: string }) => c.name)).toEqual(['searchServices', 'checkAvailability']);
    expect(first.body.message.content).toContain('limpieza profunda');
    expect(first.body.message.content).toContain('1) 08:00, 2) 10:00, 3) 12:00, 4) 14:00');
    expect(await bookings()).toHaveLength(0);

    const second = await chat(maria, { conversation_id: conversationId, message: 'A las 10, por 4 horas. Mi número es 300 123 4567' });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.message.metadata).toMatchObject({ intent: 'draft', extracted: { time: '10:00', hours: 4, phone: '3001234567' } });
    expect(second.body.message.content).toContain('Limpieza profunda');
    expect(second.body.message.content).toContain('Total: $ 160.000 COP ($ 40.000 COP × 4 h)');
    expect(second.body.message.content).toContain('«sí, confirmo»');
    // The draft lives in the conversation, not in bookings.
    expect((await contextOf(conversationId)).draft).toMatchObject({
      service: { name: 'Limpieza profunda', unit_price_minor: 40000 },
      start: `${SATURDAY}T15:00:00.000Z`,
      date: SATURDAY,
      time: '10:00',
      hours: 4,
      total_minor: 160000,
      currency: 'COP',
      customer_phone: '+573001234567',
    });
    expect(await bookings()).toHaveLength(0);

    const third = await chat(maria, { conversation_id: conversationId, message: 'Sí, confirmo' });
    expect(third.status, JSON.stringify(third.body)).toBe(200);
    expect(third.body.message.metadata.intent).toBe('booked');
    expect(third.body.message.content).toContain('¡Listo! Reservé limpieza profunda');
    const booked = await bookings();
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({
      id: third.body.message.metadata.booking_id,
      customer_id: maria.userId,
      customer_name: 'María González',
      customer_phone: '+573001234567',
      service_type: 'Limpieza profunda',
      scheduled_at: new Date(`${SATURDAY}T15:00:00Z`),
      appointment_date: SATURDAY,
      appointment_time: '10:00 AM',
      duration_minutes: 240,
      status: 'pending',
      source: 'web',
      payment_amount: '160000.00',
      payment_currency: 'COP',
      payment_status: 'pending',
    });
    expect(booked[0]!.notes).toContain(conversationId);
    expect((await contextOf(conversationId)).draft).toBeUndefined();

    // The path, read back as the user sees it.
    const history = await t.call('GET', `/api/v1/amara/conversations/${conversationId}/messages`, { cookie: maria.cookie, workspace: workspaceId });
    expect(history.status).toBe(200);
    expect(history.body.data.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
    expect(history.body.data.filter((m: { role: string }) => m.role === 'assistant').map((m: { metadata: { intent: string } }) => m.metadata.intent)).toEqual(['availability', 'draft', 'booked']);
    const list = await t.call('GET', '/api/v1/amara/conversations', { cookie: maria.cookie, workspace: workspaceId });
    expect(list.body.data).toEqual([expect.objectContaining({ id: conversationId, locale: 'es', has_draft: false })]);
  });

  it('stores each tool call (arguments, result, timing) and the usage on the assistant message', async () => {
    const res = await chat(maria, { message: 'Necesito planchado para el sábado' });
    const [, assistant] = await storedMessages(res.body.conversation_id);
    expect(assistant!.role).toBe('assistant');
    expect(assistant!.tool_calls).toEqual([
      expect.objectContaining({ name: 'searchServices', arguments: { query: 'Necesito planchado para el sábado' }, ok: true, ms: expect.any(Number), result: expect.objectContaining({ services: expect.arrayContaining([expect.objectContaining({ name: 'Planchado', unit_price_minor: 20000 })]) }) }),
      expect.objectContaining({ name: 'checkAvailability', arguments: { date: SATURDAY, days: 1 }, ok: true, result: expect.objectContaining({ time_zone: 'America/Bogota', slots: expect.any(Array) }) }),
    ]);
    expect(assistant!.metadata).toMatchObject({ status: 'completed', model: 'amara-built-in', finishReason: 'stop', usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0, tool_calls: 2 } });
  });

  it('answers a retry with the same client message id from the record: one user message, one reply', async () => {
    const body = { message: 'Necesito una limpieza básica para el sábado', client_message_id: 'app-msg-0001' };
    const first = await chat(maria, body);
    const again = await chat(maria, body);
    expect(first.body.replayed).toBe(false);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ replayed: true, conversation_id: first.body.conversation_id });
    expect(again.body.message.id).toBe(first.body.message.id);
    expect(again.body.message.content).toBe(first.body.message.content);
    const rows = await storedMessages(first.body.conversation_id);
    expect(rows.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(rows[0]!.metadata).toMatchObject({ clientMessageId: 'app-msg-0001' });
    // The same id in the same conversation, named explicitly, is still the same message.
    const third = await chat(maria, { ...body, conversation_id: first.body.conversation_id });
    expect(third.body.replayed).toBe(true);
    expect(await storedMessages(first.body.conversation_id)).toHaveLength(2);
    // While the first attempt is still being answered, a retry waits instead of replaying half a reply.
    await withServiceRole(db(), (tx) => tx.db.updateTable('amara_messages').set({ metadata: JSON.stringify({ status: 'streaming', replyTo: first.body.user_message.id }) }).where('id', '=', first.body.message.id).execute());
    const early = await chat(maria, body);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('amara.retry_in_progress');
  });

  it('marks the reply as an error, and streams an error event, when a turn fails', async () => {
    const res = await chat(maria, { message: 'Necesito planchado para el sábado' });
    const id = res.body.conversation_id;
    // A conversation whose stored draft is unreadable cannot be answered.
    await withServiceRole(db(), (tx) => tx.db.updateTable('amara_conversations').set({ context: JSON.stringify({ draft: { service: null } }) }).where('id', '=', id).execute());
    const failed = await chat(maria, { conversation_id: id, message: 'sí, confirmo' });
    expect(failed.status).toBe(500);
    const streamed = parseSse((await chat(maria, { conversation_id: id, message: 'sí, confirmo' }, { headers: { accept: 'text/event-stream' } })).body as string);
    expect(streamed.map((e) => e.event)).toEqual(['start', 'error']);
    expect(streamed[1]!.data).toMatchObject({ code: 'amara.turn_failed', assistant_message_id: streamed[0]!.data.assistant_message_id });
    const replies = (await storedMessages(id)).filter((m) => m.role === 'assistant').map((m) => m.metadata as { status: string; error?: { code: string } });
    expect(replies.map((m) => m.status)).toEqual(['completed', 'error', 'error']);
    expect(replies[1]!.error).toEqual({ code: 'amara.turn_failed', message: expect.any(String) });
    expect(await bookings()).toHaveLength(1);
  });

  it('streams the reply as server-sent events that add up to the stored message', async () => {
    const res = await chat(maria, { message: '¿Qué horarios tienen disponibles?' }, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(res.body as string);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('start');
    expect(names.at(-1)).toBe('done');
    expect(names).toContain('tool');
    expect(names).toContain('delta');
    const start = events[0]!.data;
    const done = events.at(-1)!.data;
    const streamed = events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('');
    expect(done.message.id).toBe(start.assistant_message_id);
    expect(streamed).toBe(done.message.content);
    const stored = (await storedMessages(start.conversation_id)).find((m) => m.id === start.assistant_message_id)!;
    expect(stored.content).toBe(streamed);
    expect(stored.metadata).toMatchObject({ status: 'completed', intent: 'availability' });
    expect(events.filter((e) => e.event === 'tool').map((e) => e.data.name)).toEqual((stored.tool_calls as { name: string }[]).map((c) => c.name));

    // stream: true in the body does the same.
    const viaBody = await chat(maria, { message: 'hola', stream: true });
    expect(parseSse(viaBody.body as string).at(-1)!.event).toBe('done');
  });

  it('shows the reply as submitted, then streaming while it is worked out, then completed', async () => {
    const seen: string[] = [];
    const statusOf = async (id: string) =>
      ((await withServiceRole(db(), (tx) => tx.db.selectFrom('amara_messages').select('metadata').where('id', '=', id).executeTakeFirstOrThrow())).metadata as { status: string }).status;
    const deps = { db: db(), clock: fixedClock(`${monday}T09:00:00-05:00`), log: silentLogger() };
    const user = { userId: maria.userId, email: 'maria@example.test', workspaceId };
    const opened = await openChat(deps, user, { message: 'Necesito limpieza básica para el sábado' });
    if (!('assistantMessageId' in opened)) throw new Error('expected a new turn');
    seen.push(await statusOf(opened.assistantMessageId));
    const reply = await answerChat(deps, user, { message: 'Necesito limpieza básica para el sábado' }, opened, async (e) => {
      // Between the transactions: the turn's own is not open yet (PGlite has one connection).
      if (e.event === 'start') seen.push(await statusOf(opened.assistantMessageId));
    });
    seen.push(await statusOf(reply.message.id));
    expect(seen).toEqual(['submitted', 'streaming', 'completed']);
  });

  it("answers 404 for another user's conversation, and shows nobody else's messages", async () => {
    const mine = await chat(maria, { message: 'Necesito limpieza para el sábado' });
    const id = mine.body.conversation_id;
    const intrusion = await chat(other, { conversation_id: id, message: 'hola' });
    expect(intrusion.status).toBe(404);
    expect(intrusion.body.error.code).toBe('amara_conversation.not_found');
    expect((await chat(other, { conversation_id: newId(), message: 'hola' })).status).toBe(404);
    expect((await t.call('GET', `/api/v1/amara/conversations/${id}/messages`, { cookie: other.cookie, workspace: workspaceId })).status).toBe(404);
    expect((await t.call('GET', '/api/v1/amara/conversations', { cookie: other.cookie, workspace: workspaceId })).body.data).toEqual([]);
    // Staff may read the workspace's conversations elsewhere, but this is each user's own view.
    expect((await t.call('GET', '/api/v1/amara/conversations', owner.as)).body.data).toEqual([]);
    expect(await storedMessages(id)).toHaveLength(2);
  });

  it("records thumbs up and down on the user's own replies, and refuses someone else's", async () => {
    const res = await chat(maria, { message: 'Necesito limpieza básica para el sábado' });
    const replyId = res.body.message.id;
    const up = await t.call('POST', `/api/v1/amara/messages/${replyId}/feedback`, { cookie: maria.cookie, workspace: workspaceId, body: { rating: 'up' } });
    expect(up.status).toBe(200);
    expect(up.body.metadata.feedback).toMatchObject({ rating: 'up', comment: null });
    const down = await t.call('POST', `/api/v1/amara/messages/${replyId}/feedback`, { cookie: maria.cookie, workspace: workspaceId, body: { rating: 'down', comment: 'muy lento' } });
    expect(down.body.metadata.feedback).toMatchObject({ rating: 'down', comment: 'muy lento' });
    const stored = (await storedMessages(res.body.conversation_id)).find((m) => m.id === replyId)!;
    expect(stored.metadata).toMatchObject({ status: 'completed', feedback: { rating: 'down', comment: 'muy lento' } });

    const intruder = await t.call('POST', `/api/v1/amara/messages/${replyId}/feedback`, { cookie: other.cookie, workspace: workspaceId, body: { rating: 'down' } });
    expect(intruder.status).toBe(404);
    const ownQuestion = await t.call('POST', `/api/v1/amara/messages/${res.body.user_message.id}/feedback`, { cookie: maria.cookie, workspace: workspaceId, body: { rating: 'up' } });
    expect(ownQuestion.status).toBe(400);
    expect(((await storedMessages(res.body.conversation_id)).find((m) => m.id === replyId)!.metadata as { feedback: { rating: string } }).feedback.rating).toBe('down');
  });

  it('creates nothing when the user cancels the draft, even if they say yes afterwards', async () => {
    const before = (await bookings()).length;
    const draft = await chat(maria, { message: 'Necesito una limpieza básica el sábado a las 8 por 2 horas, mi número es 3001234567' });
    expect(draft.body.message.metadata.intent).toBe('draft');
    expect(draft.body.message.content).toContain('$ 60.000 COP');
    const id = draft.body.conversation_id;
    const cancelled = await chat(maria, { conversation_id: id, message: 'Mejor cancela, gracias' });
    expect(cancelled.body.message.metadata.intent).toBe('cancelled');
    expect(cancelled.body.message.content).toContain('no se reservó nada');
    expect((await contextOf(id)).draft).toBeUndefined();
    const lateYes = await chat(maria, { conversation_id: id, message: 'sí, confirmo' });
    expect(lateYes.body.message.metadata.intent).not.toBe('booked');
    expect((await bookings()).length).toBe(before);
  });

  it('drafts again, instead of booking the old draft, when a yes comes with a change', async () => {
    const draft = await chat(maria, { message: 'Necesito planchado el sábado a las 8 por 2 horas, mi número es 3001234567' });
    expect(draft.body.message.metadata.intent).toBe('draft');
    const before = (await bookings()).length;
    const changed = await chat(maria, { conversation_id: draft.body.conversation_id, message: 'Sí, pero a las 12' });
    expect(changed.body.message.metadata.intent).toBe('draft');
    expect((await contextOf(draft.body.conversation_id)).draft).toMatchObject({ time: '12:00', hours: 2, total_minor: 40000 });
    expect((await bookings()).length).toBe(before);
  });

  it('books nothing and offers other times when the slot filled up between the draft and the yes', async () => {
    const draft = await chat(maria, { message: 'Necesito planchado el sábado a las 2 de la tarde por 1 hora, mi número es 3001234567' });
    expect(draft.body.message.metadata.intent).toBe('draft');
    // The slot has three teams; three other customers take them meanwhile.
    for (const name of ['Ana', 'Beatriz', 'Camila']) {
      const res = await t.call('POST', '/api/v1/bookings', { ...owner.as, body: { customer_name: name, customer_phone: '3109876543', service_type: 'Limpieza básica', start: `${SATURDAY}T14:00:00-05:00` } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const before = (await bookings()).length;
    const yes = await chat(maria, { conversation_id: draft.body.conversation_id, message: 'sí, confirmo' });
    expect(yes.body.message.metadata.intent).toBe('booking_failed');
    expect(yes.body.message.content).toContain('no reservé nada');
    expect(yes.body.message.content).not.toContain('14:00');
    expect(yes.body.message.tool_calls[0]).toMatchObject({ name: 'confirmBooking', ok: false, error: { code: 'booking.slot_taken' } });
    expect((await bookings()).length).toBe(before);
  });

  it('refuses hours outside 1-8 and asks again, without drafting', async () => {
    const res = await chat(maria, { message: 'Necesito limpieza básica el sábado a las 12 por 10 horas, mi número es 3001234567' });
    expect(res.body.message.metadata.intent).toBe('ask_hours');
    expect(res.body.message.content).toContain('de 1 a 8 horas');
    expect((await contextOf(res.body.conversation_id)).draft).toBeUndefined();
  });

  it('talks English and Indonesian in conversations started in those locales', async () => {
    const en = await chat(maria, { message: 'I need a deep cleaning on Saturday', locale: 'en' });
    expect(en.body.message.content).toMatch(/^For limpieza profunda, these times are free on Saturday/);
    const id = await chat(maria, { message: 'Saya butuh limpieza básica hari Sabtu jam 10 selama 3 jam, nomor saya 3001234567', locale: 'id' });
    expect(id.body.message.metadata.intent).toBe('draft');
    expect(id.body.message.content).toContain('pukul 10.00, 3 jam');
  });

  it("answers a question from the workspace's FAQs and counts the FAQ's use", async () => {
    const usage = async () =>
      (await withServiceRole(db(), (tx) => tx.db.selectFrom('faqs').select('usage_count').where('workspace_id', '=', workspaceId).where('category', '=', 'pagos').executeTakeFirstOrThrow())).usage_count;
    const before = await usage();
    const res = await chat(maria, { message: '¿Cuándo se cobra el pago?' });
    expect(res.body.message.metadata.intent).toBe('answer');
    expect(res.body.message.content).toBe('Retenemos el pago al reservar y lo cobramos cuando el servicio se completa. ¿Quieres que busque un horario para ti?');
    expect(await usage()).toBe((before ?? 0) + 1);
  });

  it('limits each person to 100 chat requests a minute', async () => {
    const busy = await people.signUp(email('busy'));
    const statuses: number[] = [];
    // Empty messages are refused after the limiter has counted them, so this runs no turns.
    for (let i = 0; i < 101; i++) statuses.push((await chat(busy, { message: '' })).status);
    expect(statuses.slice(0, 100).every((s) => s === 400)).toBe(true);
    expect(statuses[100]).toBe(429);
    expect((await chat(maria, { message: 'hola' })).status).toBe(200);
  });

  it('is only for signed-in people, in workspaces where Amara is switched on', async () => {
    expect((await t.call('POST', '/api/v1/amara/chat', { workspace: workspaceId, body: { message: 'hola' } })).status).toBe(401);
    const key = await people.apiKey(owner.as);
    const byKey = await t.call('POST', '/api/v1/amara/chat', { key: key.key, workspace: workspaceId, body: { message: 'hola' } });
    expect(byKey.status).toBe(403);
    expect((await t.call('POST', '/api/v1/amara/chat', { cookie: maria.cookie, body: { message: 'hola' } })).body.error.code).toBe('workspace.required');
    const plain = await people.owner(email('plain'));
    const elsewhere = await t.call('POST', '/api/v1/amara/chat', { cookie: maria.cookie, workspace: plain.workspaceId, body: { message: 'hola' } });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('amara.not_enabled');
    expect((await t.call('POST', '/api/v1/amara/chat', { cookie: maria.cookie, workspace: newId(), body: { message: 'hola' } })).body.error.code).toBe('workspace.not_found');
  });
});
