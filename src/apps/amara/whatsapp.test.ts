import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { channelsApp } from '../../../test/support/channels.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { startFakeMeta, type FakeMeta } from '../../../test/support/fakes/meta.ts';
import { fixedClock } from '../../platform/clock.ts';

type Body = Record<string, any>;

// A Monday at 09:00 in Bogotá, so "el sábado" is five days later (see turn.test.ts).
const tomorrow = Temporal.Now.plainDateISO('America/Bogota').add({ days: 1 });
const monday = tomorrow.add({ days: (8 - tomorrow.dayOfWeek) % 7 });
const SATURDAY = monday.add({ days: 5 }).toString();
const NOW = new Date(`${monday}T09:00:00-05:00`);

let fake: FakeMeta;
beforeAll(async () => {
  fake = await startFakeMeta();
});
afterAll(async () => {
  await fake.close();
});

describeEachDatabase('Amara on WhatsApp (through the Cloud API)', (db) => {
  let t: ReturnType<typeof channelsApp>;
  let ws: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;
  let seq = 0;

  beforeAll(async () => {
    t = channelsApp(db(), fake, { clock: fixedClock(NOW) });
    ws = await t.connectedWorkspace({}, { template: 'amara', time_zone: 'America/Bogota', locale: 'es', currency: 'COP', country: 'CO' });
  });

  const customer = () => `57300${Date.now().toString().slice(-6)}${seq++ % 10}`;
  /** The customer writes (Meta's signed webhook), the worker answers, and what went back out to the customer since. */
  async function write(from: string, text: string): Promise<string[]> {
    const before = fake.sent.length;
    const ack = await t.post(fake.inbound(ws.phoneNumberId, { from, text, timestamp: Math.floor(NOW.getTime() / 1000) + seq++ }));
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    await t.worker.drain();
    return fake.sent.slice(before).filter((s) => s.body.to === `+${from}`).map((s) => s.body.text.body as string);
  }
  const bookingsOf = (phone: string) =>
    asService(db(), (tx) =>
      rows<Body>(tx, `select b.source, b.status, b.payment_amount, b.scheduled_at, b.duration_minutes, c.phone from bookings b join contacts c on c.workspace_id = b.workspace_id and c.id = b.contact_id where b.workspace_id = $1 and c.phone = $2`, [ws.workspaceId, phone]),
    );

  it('answers as Amara in Spanish, drafts with the number the customer writes from, and books only after "sí, confirmo"', async () => {
    const from = customer();
    const [slots] = await write(from, 'Hola, necesito una limpieza profunda para el sábado');
    expect(slots).toContain('Para limpieza profunda');
    expect(slots).toContain('1) 08:00, 2) 10:00, 3) 12:00, 4) 14:00');
    expect(await write(from, 'la 2')).toEqual([expect.stringMatching(/cuántas horas/)]);
    // WhatsApp gave the number: no need to ask for one.
    const [draft] = await write(from, '3 horas');
    expect(draft).toContain('Total: $ 120.000 COP');
    expect(await bookingsOf(`+${from}`)).toEqual([]);
    const [booked] = await write(from, 'Sí, confirmo');
    expect(booked).toMatch(/^¡Listo! Reservé limpieza profunda/);
    expect(await bookingsOf(`+${from}`)).toEqual([
      { source: 'whatsapp', status: 'pending', payment_amount: '120000.00', scheduled_at: new Date(`${SATURDAY}T15:00:00Z`), duration_minutes: 180, phone: `+${from}` },
    ]);
    const funnel = await asService(db(), (tx) =>
      rows<{ event_type: string }>(tx, `select e.event_type from platform_events e join contacts c on e.session_id = 'contact:' || c.id::text where e.workspace_id = $1 and c.phone = $2`, [ws.workspaceId, `+${from}`]),
    );
    expect(funnel.map((e) => e.event_type).sort()).toEqual(['BookingConfirmed', 'CheckoutStarted', 'ProfessionalViewed', 'SearchStarted']);
  });

  it('sends nothing while a person has taken the WhatsApp conversation over', async () => {
    const from = customer();
    expect(await write(from, '¿Cuánto cuesta la limpieza básica?')).toEqual([expect.stringContaining('$ 30.000 COP la hora')]);
    const [thread] = await asService(db(), (tx) =>
      rows<{ id: string }>(tx, `select v.id from conversations v join contacts c on c.workspace_id = v.workspace_id and c.id = v.contact_id where v.workspace_id = $1 and c.phone = $2 and v.channel = 'whatsapp'`, [ws.workspaceId, `+${from}`]),
    );
    expect((await t.call('POST', `/api/v1/conversations/${thread!.id}/takeover`, ws.as)).status).toBe(200);
    expect(await write(from, 'Sí, quiero reservar para el sábado')).toEqual([]);
    const inbound = await asService(db(), (tx) => rows<{ body: string }>(tx, `select body from messages where workspace_id = $1 and conversation_id = $2 and direction = 'inbound' order by created_at`, [ws.workspaceId, thread!.id]));
    // The message still reaches the inbox, for the person to answer.
    expect(inbound.map((m) => m.body)).toEqual(['¿Cuánto cuesta la limpieza básica?', 'Sí, quiero reservar para el sábado']);
  });
});
