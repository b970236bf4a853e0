import { randomBytes } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import { beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { saveChannelSettings } from '../../modules/channels/index.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { Ctx } from '../../platform/context.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { silentLogger } from '../../platform/log.ts';
import { createSecretBox } from '../../platform/secrets.ts';
import { answerInbound, appFor } from '../answer.ts';
import { ariApp } from '../ari/turn.ts';
import { receptionistApp } from '../voice/turn.ts';
import { amaraApp } from './turn.ts';

type App = ReturnType<typeof testApp>;
type Body = Record<string, any>;

// A Monday at 09:00 in Bogotá (-05:00 all year), so "el sábado" is five days later; the coming
// Monday, so that sessions signed up on the real clock are still valid on the test's.
const tomorrow = Temporal.Now.plainDateISO('America/Bogota').add({ days: 1 });
const monday = tomorrow.add({ days: (8 - tomorrow.dayOfWeek) % 7 });
const SATURDAY = monday.add({ days: 5 }).toString();
const SHOP = 'https://casa-limpia.example';
const box = createSecretBox(randomBytes(32));
const CASA = { template: 'amara', time_zone: 'America/Bogota', locale: 'es', currency: 'COP', country: 'CO' };

describeEachDatabase('Amara on web chat, WhatsApp and SMS (the one assistant turn)', (db) => {
  const clock = fixedClock(`${monday}T09:00:00-05:00`);
  let t: App;
  let casa: Awaited<ReturnType<App['owner']>> & { slug: string };
  let visitor = 0;

  const browser = (token?: string) => ({ headers: { 'x-test-client': `amara-visitor-${visitor++}`, origin: SHOP, ...(token ? { 'x-guest-token': token } : {}) } });
  const scopeOf = (workspaceId: string) => ({ db: db(), actor: { kind: 'system' as const, workspaceId }, clock, log: silentLogger() });

  async function startChat() {
    const res = await t.call('POST', `/webchat/${casa.slug}/sessions`, { body: {}, ...browser() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { token: string; contact_id: string };
  }
  /** The visitor's message and Amara's reply (null when the assistant stays silent). */
  async function say(chat: { token: string }, text: string): Promise<{ reply: string | null; conversation_id: string }> {
    const res = await t.call('POST', `/webchat/${casa.slug}/messages`, { body: { body: text }, ...browser(chat.token) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { reply: res.body.reply?.body ?? null, conversation_id: res.body.conversation_id };
  }
  const bookingsOf = (contactId: string) =>
    asService(db(), (tx) =>
      rows<Body>(tx, `select contact_id, source, status, payment_amount, payment_currency, duration_minutes, scheduled_at, customer_phone, customer_id from bookings where contact_id = $1 order by created_at`, [contactId]),
    );

  beforeAll(async () => {
    t = testApp(db(), clock);
    const slug = `casa-${randomBytes(4).toString('hex')}`;
    casa = { ...(await testApp(db()).owner(email('casa-channels'), { ...CASA, name: 'Casa Limpia', slug })), slug };
    await withTenant(db(), { kind: 'system', workspaceId: casa.workspaceId }, (tx) => {
      const ctx: Ctx = { tx, actor: { kind: 'system', workspaceId: casa.workspaceId }, clock, log: silentLogger() };
      return saveChannelSettings(ctx, box, 'webchat', { allowed_origins: [SHOP] });
    });
  });

  it('gives each template its own assistant on every channel: ARI for ari and the blank template, Amara for amara, the receptionist for voice', async () => {
    expect(appFor('amara')).toBe(amaraApp);
    expect(appFor('voice')).toBe(receptionistApp);
    expect(appFor('ari')).toBe(ariApp);
    expect(appFor('blank')).toBe(ariApp);
    const people = testApp(db());
    const workspaces = {
      ari: (await people.owner(email('tpl-ari'), { template: 'ari' })).workspaceId,
      amara: (await people.owner(email('tpl-amara'), CASA)).workspaceId,
      voice: (await people.owner(email('tpl-voice'), { template: 'voice', time_zone: 'America/Toronto', locale: 'en', currency: 'CAD', country: 'CA' })).workspaceId,
    };
    let n = 0;
    for (const [template, ws] of Object.entries(workspaces)) {
      for (const channel of ['webchat', 'whatsapp', 'sms'] as const) {
        const phone = `+5730055500${String(n++).padStart(2, '0')}`;
        const out = await answerInbound(scopeOf(ws), { phone, channel, message: 'Hola' });
        expect(out.reply, `${template} on ${channel}`).toEqual(expect.any(String));
        const [reply] = await asService(db(), (tx) =>
          rows<{ content: string; metadata: Body }>(
            tx,
            `select m.content, m.metadata from ari_messages m join ari_conversations a on a.workspace_id = m.workspace_id and a.id = m.ari_conversation_id
              where a.contact_id = $1 and m.role = 'assistant'`,
            [out.contact_id],
          ),
        );
        const app = reply!.metadata.app ?? (reply!.metadata.path ? 'ari' : undefined);
        expect(app, `${template} on ${channel}: ${reply!.content}`).toBe({ ari: 'ari', amara: 'amara', voice: 'receptionist' }[template]);
        if (template === 'amara') expect(reply!.content).toMatch(/^Soy Amara/);
        if (template === 'ari') expect(reply!.content).not.toMatch(/Amara/);
      }
    }
  });

  it('answers "¿Cuánto cuesta la hora?" with the prices, not the calendar, and books on web chat only after "sí, confirmo", recording the funnel', async () => {
    const chat = await startChat();
    const price = await say(chat, '¿Cuánto cuesta la hora?');
    expect(price.reply).toContain('Limpieza profunda ($ 40.000 COP la hora)');
    expect(price.reply).not.toMatch(/\d\) \d{2}:\d{2}/);

    const slots = await say(chat, 'Necesito una limpieza profunda para el sábado');
    expect(slots.reply).toContain('1) 08:00, 2) 10:00, 3) 12:00, 4) 14:00');
    expect((await say(chat, 'la 2')).reply).toMatch(/cuántas horas/);
    // A web chat visitor gave no phone yet: the professional needs one.
    expect((await say(chat, '3 horas')).reply).toMatch(/número de teléfono/);
    const draft = await say(chat, 'Mi número es 300 123 4567');
    expect(draft.reply).toContain('Total: $ 120.000 COP');
    expect(draft.reply).toContain('¿lo confirmas?');
    expect(await bookingsOf(chat.contact_id)).toEqual([]);

    const done = await say(chat, 'Sí, confirmo');
    expect(done.reply).toMatch(/^¡Listo! Reservé limpieza profunda/);
    expect(await bookingsOf(chat.contact_id)).toEqual([
      {
        contact_id: chat.contact_id,
        source: 'web',
        status: 'pending',
        payment_amount: '120000.00',
        payment_currency: 'COP',
        duration_minutes: 180,
        scheduled_at: new Date(`${SATURDAY}T15:00:00Z`),
        customer_phone: '+573001234567',
        customer_id: null,
      },
    ]);

    // Seed 003's funnel, one event per stage for this customer's booking, as the workspace.
    const events = await asService(db(), (tx) =>
      rows<{ event_type: string; user_id: string | null; properties: Body }>(tx, `select event_type, user_id, properties from platform_events where workspace_id = $1 and session_id = $2 order by created_at, event_type`, [casa.workspaceId, `contact:${chat.contact_id}`]),
    );
    expect(events.map((e) => e.event_type).sort()).toEqual(['BookingConfirmed', 'CheckoutStarted', 'ProfessionalViewed', 'SearchStarted']);
    expect(events.find((e) => e.event_type === 'BookingConfirmed')).toMatchObject({ user_id: null, properties: { assistant: 'amara', total_minor: 120000, currency: 'COP' } });
    const funnel = await t.call('GET', '/api/v1/analytics/funnel', casa.as);
    expect(funnel.status, JSON.stringify(funnel.body)).toBe(200);
    const stages = Object.fromEntries((funnel.body.data ?? funnel.body).map((s: Body) => [s.stage, s.unique_users]));
    expect(stages.BookingConfirmed).toBeGreaterThanOrEqual(1);

    // The conversation is the inbox's: staff read it like any other channel's.
    const thread = await t.call('GET', `/api/v1/conversations/${done.conversation_id}`, casa.as);
    expect(thread.status, JSON.stringify(thread.body)).toBe(200);
    expect(thread.body.channel).toBe('webchat');
    const bodies = (thread.body.messages as Body[]).map((m) => [m.direction, m.body]);
    expect(bodies[0]).toEqual(['inbound', '¿Cuánto cuesta la hora?']);
    expect(bodies[bodies.length - 1]).toEqual(['outbound', done.reply]);
  });

  it('answers in English to a customer who writes English', async () => {
    const chat = await startChat();
    const price = await say(chat, 'Hi! How much does the deep cleaning cost per hour?');
    expect(price.reply).toMatch(/^Limpieza profunda costs COP 40,000 an hour/);
    const slots = await say(chat, 'I need it on Saturday please');
    expect(slots.reply).toMatch(/these times are free on Saturday .*1\) 08:00/);
  });

  it('stays silent while a person has taken the web chat over, and answers again once handed back', async () => {
    const chat = await startChat();
    const first = await say(chat, 'Hola, ¿qué incluye la limpieza básica?');
    expect(first.reply).toContain('Cocina, baños');
    expect((await t.call('POST', `/api/v1/conversations/${first.conversation_id}/takeover`, casa.as)).status).toBe(200);
    const during = await say(chat, '¿Cuánto cuesta la limpieza profunda?');
    expect(during.reply).toBeNull();
    expect((await t.call('POST', `/api/v1/conversations/${first.conversation_id}/hand-back`, casa.as)).status).toBe(200);
    const after = await say(chat, '¿Cuánto cuesta la limpieza profunda?');
    expect(after.reply).toContain('$ 40.000 COP');
  });

  it('hands the conversation to a person when the customer asks for one, and stays silent after', async () => {
    const chat = await startChat();
    const asked = await say(chat, 'Quiero hablar con una persona, por favor');
    expect(asked.reply).toMatch(/una persona del equipo/);
    expect((await say(chat, '¿Hola?')).reply).toBeNull();
    const inbox = await t.call('GET', `/api/v1/conversations?needs_person=true`, casa.as);
    expect(inbox.status, JSON.stringify(inbox.body)).toBe(200);
    expect(inbox.body.data.map((c: Body) => c.id)).toContain(asked.conversation_id);
  });
});
