import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../../test/support/fakes/openai.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';
import { withServiceRole } from '../../platform/db/tenant.ts';

type App = ReturnType<typeof testApp>;

const tomorrow = Temporal.Now.plainDateISO('America/Bogota').add({ days: 1 });
const monday = tomorrow.add({ days: (8 - tomorrow.dayOfWeek) % 7 });
const SATURDAY = monday.add({ days: 5 }).toString();

// Model mode: with a model configured for the workspace, the model drives the same tools
// through tool calling; the confirmation rule holds whatever it asks, and a failing model
// leaves the turn to the built-in engine.
describeEachDatabase('Amara with a model', (db) => {
  let fake: FakeOpenAI;
  let t: App;
  let workspaceId: string;
  let maria: { cookie: string; userId: string };
  let deepCleaningId: string;

  const chat = (body: Record<string, unknown>) => t.call('POST', '/api/v1/amara/chat', { cookie: maria.cookie, workspace: workspaceId, body });
  const amaraBookings = () =>
    withServiceRole(db(), (tx) => tx.db.selectFrom('bookings').selectAll().where('workspace_id', '=', workspaceId).where('title', 'like', 'Amara:%').execute());
  const draftOf = async (conversationId: string) =>
    ((await withServiceRole(db(), (tx) => tx.db.selectFrom('amara_conversations').select('context').where('id', '=', conversationId).executeTakeFirstOrThrow())).context as { draft?: unknown }).draft;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    const people = testApp(db());
    t = testApp(db(), fixedClock(`${monday}T09:00:00-05:00`));
    const owner = await people.owner(email('casa'), { name: 'Casa Limpia', template: 'amara', time_zone: 'America/Bogota', locale: 'es', currency: 'COP', country: 'CO' });
    workspaceId = owner.workspaceId;
    const models = await people.call('PUT', '/api/v1/assistant/models', { ...owner.as, body: { arms: [{ model: 'amara-fake', base_url: fake.url, api_key: 'sk-test', weight: 100 }], timeout_ms: 3000 } });
    expect(models.status, JSON.stringify(models.body)).toBe(200);
    const services = await people.call('GET', '/api/v1/services', owner.as);
    deepCleaningId = services.body.data.find((s: { name: string }) => s.name === 'Limpieza profunda').id;
    maria = await people.signUp(email('maria'));
    await withServiceRole(db(), (tx) => tx.db.updateTable('auth.users').set({ locale: 'es', full_name: 'María González' }).where('id', '=', maria.userId).execute());
  });

  afterAll(async () => {
    await fake.close();
  });

  beforeEach(() => fake.reset());

  it('lets the model search, draft and, once the user confirms, book through the same tools', async () => {
    fake.script(
      { toolCalls: [{ name: 'searchServices', arguments: JSON.stringify({ query: 'limpieza profunda' }) }] },
      { toolCalls: [{ name: 'createBookingDraft', arguments: JSON.stringify({ service_id: deepCleaningId, date: SATURDAY, time: '10:00', hours: 3, customer_phone: '300 123 4567' }) }] },
      { text: 'Te preparé el borrador: limpieza profunda el sábado a las 10:00 por 3 horas, $ 120.000 COP. ¿Lo confirmas?', tokens: 50 },
    );
    const draft = await chat({ message: 'Quiero una limpieza profunda el sábado a las 10 por 3 horas, mi número es 300 123 4567' });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect(draft.body.message.content).toBe('Te preparé el borrador: limpieza profunda el sábado a las 10:00 por 3 horas, $ 120.000 COP. ¿Lo confirmas?');
    expect(draft.body.message.metadata).toMatchObject({ model: 'amara-fake', intent: 'draft', usage: { total_tokens: 30 + 30 + 50, tool_calls: 2 } });
    expect(draft.body.message.tool_calls.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([['searchServices', true], ['createBookingDraft', true]]);
    expect(await draftOf(draft.body.conversation_id)).toMatchObject({ hours: 3, total_minor: 120000, start: `${SATURDAY}T15:00:00.000Z` });
    const request = fake.requests[0]!.body;
    expect(request.tools!.map((tool) => tool.function.name)).toEqual(['searchServices', 'checkAvailability', 'createBookingDraft', 'confirmBooking', 'cancelBookingDraft']);
    expect(request.messages[0]!.content).toContain('Answer in Spanish');
    expect(await amaraBookings()).toHaveLength(0);

    // A model that books without the user's yes is told no, and nothing is booked.
    fake.script({ toolCalls: [{ name: 'confirmBooking', arguments: '{}' }] }, { text: '¿Confirmas el borrador?' });
    const eager = await chat({ conversation_id: draft.body.conversation_id, message: '¿Y la profesional trae los productos?' });
    expect(eager.body.message.tool_calls).toEqual([expect.objectContaining({ name: 'confirmBooking', ok: false, error: expect.objectContaining({ code: 'amara.confirmation_required' }) })]);
    expect(await amaraBookings()).toHaveLength(0);
    expect(await draftOf(draft.body.conversation_id)).toBeDefined();

    fake.script({ toolCalls: [{ name: 'confirmBooking', arguments: '{}' }] }, { text: '¡Listo, quedó reservado!' });
    const yes = await chat({ conversation_id: draft.body.conversation_id, message: 'Sí, confirmo' });
    expect(yes.body.message.metadata).toMatchObject({ intent: 'booked', model: 'amara-fake' });
    const booked = await amaraBookings();
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ id: yes.body.message.metadata.booking_id, customer_id: maria.userId, payment_amount: '120000.00', duration_minutes: 180, scheduled_at: new Date(`${SATURDAY}T15:00:00Z`) });
  });

  it('answers with the built-in engine when the provider fails, undoing what the model had started', async () => {
    fake.script(
      { toolCalls: [{ name: 'createBookingDraft', arguments: JSON.stringify({ service_id: deepCleaningId, date: SATURDAY, time: '12:00', hours: 2, customer_phone: '3001234567' }) }] },
      { status: 500 },
    );
    const res = await chat({ message: 'Necesito una limpieza profunda para el sábado' });
    expect(res.status).toBe(200);
    expect(res.body.message.metadata).toMatchObject({ model: 'amara-built-in', intent: 'availability', fallback: { reason: 'provider_error' } });
    expect(res.body.message.content).toContain('1) 08:00');
    expect(res.body.message.tool_calls.map((c: { name: string }) => c.name)).toEqual(['searchServices', 'checkAvailability']);
    expect(await draftOf(res.body.conversation_id)).toBeUndefined();
  });
});
