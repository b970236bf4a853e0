import { describe, expect, it } from 'vitest';
import { decideAmaraTurn, type AmaraDecision } from './engine.ts';
import type { AmaraSlot, AmaraState, AmaraToolResult } from './state.ts';

// Monday 23 November 2026 in Bogotá; times every two hours from 8:00, Monday to Saturday.
const TODAY = '2026-11-23';
const SERVICES = [
  { id: 's-basica', name: 'Limpieza básica', unit_name: 'hour', base_price_minor: 0, unit_price_minor: 30000, currency: 'COP', keywords: ['limpieza', 'aseo', 'básica'] },
  { id: 's-profunda', name: 'Limpieza profunda', unit_name: 'hour', base_price_minor: 0, unit_price_minor: 40000, currency: 'COP', keywords: ['profunda', 'deep cleaning', 'limpieza'] },
  { id: 's-planchado', name: 'Planchado', unit_name: 'hour', base_price_minor: 0, unit_price_minor: 20000, currency: 'COP', keywords: ['planchado', 'ironing'] },
];
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const daySlots = (date: string): AmaraSlot[] => ['08:00', '10:00', '12:00', '14:00'].map((time) => ({ start: `${date}T${time}:00-05:00`, date, time }));

/** The tools over fixed data, as the app's would answer: the catalogue, free times, a draft, a booking. */
function tools(state: AmaraState) {
  const calls: string[] = [];
  const call = async (name: string, args: any): Promise<AmaraToolResult> => {
    calls.push(name);
    switch (name) {
      case 'searchServices': {
        const q = fold(args.query ?? '');
        const found = SERVICES.filter((s) => !q || q.includes(fold(s.name)) || s.keywords.some((k) => q.includes(fold(k))));
        const named = found.find((s) => q.includes(fold(s.name)));
        return { ok: true, result: { services: (q ? found : SERVICES).map((s) => ({ ...s, rate: `$ ${s.unit_price_minor / 1000}.000 COP`, ...(s === named ? { named: true } : {}) })), knowledge: [] } };
      }
      case 'checkAvailability': {
        const from = args.date ?? TODAY;
        state.offered = args.date ? daySlots(from) : [...daySlots('2026-11-23').slice(1), ...daySlots('2026-11-24').slice(0, 3)];
        return { ok: true, result: { slots: state.offered } };
      }
      case 'createBookingDraft': {
        const service = SERVICES.find((s) => s.id === args.service_id)!;
        state.draft = { service, start: `${args.date}T${args.time}:00-05:00`, date: args.date, time: args.time, hours: args.hours, total_minor: service.unit_price_minor * args.hours, currency: 'COP', customer_phone: '+573001234567' };
        return { ok: true, result: state.draft };
      }
      case 'confirmBooking':
        delete state.draft;
        return { ok: true, result: { booking_id: 'b1' } };
      default:
        return { ok: true, result: {} };
    }
  };
  return { call, calls };
}

async function converse(messages: string[], locale: 'es' | 'en' = 'es'): Promise<AmaraDecision[]> {
  const state: AmaraState = {};
  const { call } = tools(state);
  const out: AmaraDecision[] = [];
  for (const text of messages) out.push(await decideAmaraTurn({ text, locale, today: TODAY, country: 'CO', state, knownPhone: true, canHandOff: true }, call));
  return out;
}

describe('Amara reading every message for everything it carries', () => {
  it('acknowledges details given out of order and asks for what is still missing', async () => {
    const [first] = await converse(['necesito limpieza basica el viernes a las 10']);
    expect(first!.text).toMatch(/^Anotado: viernes 27 de noviembre y 10:00\. ¿Por cuántas horas/);
    const [, second] = await converse(['quiero limpieza profunda', '4 horas y mi número es 300 123 4567']);
    // Hours answer the question asked (which time, for how long); the phone is the receipt.
    expect(second!.intent).toBe('availability');
    expect(second!.text).toMatch(/^Anotado: 3001234567\./);
  });

  it('takes a time said in words from the times offered, narrowing when several fit', async () => {
    const d = await converse(['quiero limpieza profunda', 'el del martes', 'el de las 10', '3 horas']);
    expect(d[1]!.text).toMatch(/1\) 08:00, 2\) 10:00\b/);
    expect(d[2]!.intent).toBe('ask_hours');
    expect(d[3]!.intent).toBe('draft');
    expect(d[3]!.text).toContain('martes 24 de noviembre a las 10:00, 3 horas');
    const en = await converse(['I need a deep cleaning', 'the Tuesday one in the afternoon', 'for 2 hours'], 'en');
    expect(en[1]!.intent).toBe('ask_hours');
    expect(en[2]!.text).toContain('Tuesday 24 November at 12:00, 2 hours');
  });

  it('reads a budget as the hours it pays for, and says so', async () => {
    const d = await converse(['quiero limpieza básica, tengo 120 mil pesos']);
    expect(d[0]!.text).toMatch(/^Anotado: presupuesto \$ 120\.000 COP \(4 horas\)\./);
    const words = await converse(['limpieza profunda con un presupuesto de ochenta mil', 'el lunes a las 10']);
    expect(words[1]!.text).toContain('2 horas');
  });

  it('takes a misspelt service', async () => {
    const d = await converse(['necesito limpiesa profunda el sabado']);
    expect(d[0]!.text).toMatch(/^Para limpieza profunda, el sábado 28 de noviembre/);
  });

  it('replaces a value corrected, drafting again', async () => {
    const d = await converse(['limpieza básica el viernes a las 10 por 5 horas', 'perdón, mejor 3 horas', 'sí, confirmo']);
    expect(d[0]!.intent).toBe('draft');
    expect(d[1]!.text).toContain('3 horas. Total: $ 90.000 COP');
    expect(d[2]!.intent).toBe('booked');
  });

  it('says it did not understand only a message with nothing usable, and hands off after several in a row', async () => {
    const d = await converse(['quiero planchado el jueves', 'asdf', 'jaja', '4 horas', 'mmm', '???', 'zzz', '...']);
    expect(d.map((x) => x.text.startsWith('Perdona, no te entendí.'))).toEqual([false, true, true, false, true, true, true, false]);
    expect(d[7]!.intent).toBe('handoff_stuck');
    const greeted = await converse(['hola', 'gracias']);
    expect(greeted.every((x) => !x.text.includes('no te entendí'))).toBe(true);
  });

  it('hands off at once when asked for a person, in any state', async () => {
    for (const ask of ['quiero hablar con una persona', 'pásame con un humano', 'can I talk to a real person']) {
      const d = await converse(['quiero limpieza profunda', ask]);
      expect(d[1]!.intent, ask).toBe('handoff');
    }
  });
});

describe('Amara taking a service from what the customer says', () => {
  it('takes "la 2" after the services were listed as the second service, not a time', async () => {
    const d = await converse(['¿Cuánto cuesta la hora?', 'la 2']);
    expect(d[0]!.intent).toBe('price');
    expect(d[1]!.intent).toBe('availability');
    expect(d[1]!.text).toContain('limpieza profunda');
  });

  it('replaces the service being booked when another is named, in a request or a draft', async () => {
    const asked = await converse(['quiero limpieza básica', 'perdón, mejor la limpieza profunda']);
    expect(asked[1]!.text).toContain('Para limpieza profunda');
    const drafted = await converse(['quiero limpieza básica el sábado a las 10 por 2 horas', 'mejor planchado']);
    expect(drafted[0]!.intent).toBe('draft');
    expect(drafted[1]!.intent).toBe('draft');
    expect(drafted[1]!.text).toContain('Planchado');
    expect(drafted[1]!.text).toContain('40.000');
  });
});
