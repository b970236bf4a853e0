import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asksAboutOurService,
  decideReception,
  extractAddress,
  extractPostalCode,
  extractService,
  extractUnits,
  mentionsTime,
  narrowSlots,
  type OfferedService,
  type OfferedSlot,
  type ReceptionistContext,
  type ReceptionistState,
  type ReceptionistTools,
} from './engine.ts';
import { decimalAmount, formatPrice } from './messages.ts';

const SERVICES: OfferedService[] = [
  { id: 'regular', name: 'Regular Wash & Fold', unit_name: 'load', base_price_minor: 1500, unit_price_minor: 800, currency: 'CAD', turnaround: '48 h', keywords: ['regular', 'standard'] },
  { id: 'express', name: 'Express Wash & Fold', unit_name: 'load', base_price_minor: 2000, unit_price_minor: 1200, currency: 'CAD', turnaround: '24 h', keywords: ['express', 'fast'] },
  { id: 'premium', name: 'Premium Same-Day', unit_name: 'load', base_price_minor: 3000, unit_price_minor: 1800, currency: 'CAD', turnaround: 'same day', keywords: ['premium', 'same day'] },
];

const SLOTS: OfferedSlot[] = [9, 11, 14, 16].map((h) => ({
  start: `2026-11-23T${String(h + 5).padStart(2, '0')}:00:00.000Z`,
  end: `2026-11-23T${String(h + 7).padStart(2, '0')}:00:00.000Z`,
  consultant_id: null,
  label: `Mon 23 Nov ${String(h).padStart(2, '0')}:00`,
}));

/** The engine's tools over fixed data: what the database would answer, without one. */
function tools(): ReceptionistTools & { booked: unknown[] } {
  const booked: unknown[] = [];
  return {
    booked,
    checkArea: async (p) => ({ covered: /^(M4|M5|L5|V6)/.test(p.replace(/\s/g, '').toUpperCase()), postal_code: p.replace(/\s/g, '').toUpperCase() }),
    availableSlots: async () => SLOTS,
    book: async (draft) => {
      booked.push(draft);
      return { ok: true, booking_id: `b${booked.length}` };
    },
    answer: async (q) => (/price|cost|how much/i.test(q) ? 'Regular: $15 + $8 per load (48 h). Express: $20 + $12 per load (24 h). Premium: $30 + $18 per load (same day).' : undefined),
  };
}

async function converse(messages: string[], t = tools()) {
  let state: ReceptionistState = 'greeting';
  let context: ReceptionistContext = {};
  const turns = [];
  for (const message of messages) {
    const r = await decideReception({ message, now: new Date('2026-11-23T13:00:00Z'), timeZone: 'America/Toronto', state, context, services: SERVICES, businessName: '1StopLaundry', defaultLanguage: 'en' }, t);
    state = r.state;
    context = r.context;
    turns.push(r);
  }
  return { turns, context, booked: t.booked };
}

describe('what the receptionist reads from a message', () => {
  it('finds Canadian postal codes anywhere, and other digits only when asked', () => {
    expect(extractPostalCode('pick up at m5v 2t6 please', false)).toBe('M5V2T6');
    expect(extractPostalCode('I am in L5B', false)).toBe('L5B');
    expect(extractPostalCode('3 loads', false)).toBeUndefined();
    expect(extractPostalCode('110111', false)).toBeUndefined();
    expect(extractPostalCode('110111', true)).toBe('110111');
  });

  it('counts units in words and digits, in English and Spanish', () => {
    expect(extractUnits('I have 3 loads', 'load', false)).toBe(3);
    expect(extractUnits('two bags of laundry', 'load', false)).toBe(2);
    expect(extractUnits('tres cargas', 'load', false)).toBe(3);
    expect(extractUnits('4', 'load', true)).toBe(4);
    expect(extractUnits('4', 'load', false)).toBeUndefined();
    expect(extractUnits('4 horas', 'hour', false)).toBe(4);
  });

  it('takes the street address, not the number of loads before it', () => {
    expect(extractAddress('3 loads at 120 Queen St W, Toronto', false)).toBe('120 Queen St W');
    expect(extractAddress('Calle 45 # 12-30', true)).toBe('Calle 45 # 12-30');
    expect(extractAddress('sometime tomorrow', true)).toBeUndefined();
  });

  it('takes addresses written street first, as in Bogotá and Jakarta, even when not asked', () => {
    expect(extractAddress('Recogida en la Calle 72 # 10-34, apto 501', false)).toBe('Calle 72 # 10-34');
    expect(extractAddress('es en la Cra 15 #93-60', false)).toBe('Cra 15 #93-60');
    expect(extractAddress('Av. Caracas 45-20 por favor', false)).toBe('Av. Caracas 45-20');
    expect(extractAddress('Jl. Sudirman No. 12, Jakarta', false)).toBe('Jl. Sudirman No. 12');
    expect(extractAddress('alamatnya Jalan Kemang Raya No. 8', false)).toBe('Jalan Kemang Raya No. 8');
    expect(extractAddress('No, el jueves mejor', false)).toBeUndefined();
    expect(extractAddress('2 cargas, calle', false)).toBeUndefined();
    expect(extractAddress('Calle King 120', false)).toBeUndefined();
  });

  it('names a service by keyword, or by its number when the list was shown', () => {
    expect(extractService('express please', SERVICES, false)?.id).toBe('express');
    expect(extractService('same day if possible', SERVICES, false)?.id).toBe('premium');
    expect(extractService('2', SERVICES, true)?.id).toBe('express');
    expect(extractService('2', SERVICES, false)).toBeUndefined();
    expect(extractService('regular or express?', SERVICES, false)).toBeUndefined();
  });
});

describe('the receptionist dialogue', () => {
  it('books with everything given in one message, priced as base plus loads', async () => {
    const { turns, booked } = await converse(['Need 2 loads express picked up at 1 Front St W, M5J 1E6. My name is Jordan', '3', 'yes']);
    expect(turns.map((t) => t.state)).toEqual(['scheduling', 'booking', 'completed']);
    expect(turns[1]!.reply).toBe('Express, 2 loads, Mon 23 Nov 14:00: $20 + 2 x $12 = $44. Reply YES to book.');
    expect(booked).toEqual([expect.objectContaining({ service_id: 'express', units: 2, total_minor: 4400, currency: 'CAD', address: '1 Front St W', name: 'Jordan', postal_code: 'M5J1E6', slot: SLOTS[2] })]);
  });

  it('says it took a detail given out of turn instead of asking the same question as if unheard', async () => {
    const { turns } = await converse(['Hi, pickup please, M5V 2T6', '120 King St W', '2 loads regular', 'Sam']);
    expect(turns[0]!.reply).toMatch(/Which service\?/);
    expect(turns[1]!.reply).toMatch(/^Noted: 120 King St W\. Which service\?/);
    expect(turns[1]!.context.address).toBe('120 King St W');
    // Answering what was asked needs no receipt: the next question is new.
    expect(turns[2]!.reply).toBe('And your name for the booking?');
    expect(turns[3]!.reply).toMatch(/^Pick a time:/);
    const es = await converse(['Hola, recogida en M5V 2T6', 'Es en la Calle 72 # 10-34']);
    expect(es.turns[1]!.reply).toMatch(/^Anotado: Calle 72 # 10-34\. ¿Qué servicio/);
  });

  it('says so when the FAQs do not answer a question, then asks what it needs', async () => {
    const { turns } = await converse(['Do you wash dog beds?', 'M5V 2T6', 'Do you iron shirts?']);
    expect(turns[0]!.reply).toBe("Hi! This is 1StopLaundry. Not sure about that one. What's your postal code?");
    expect(turns[0]!.unanswered).toBe(true);
    expect(turns[2]!.reply).toMatch(/^Not sure about that one\. Which service\?/);
    expect(turns[2]!.reply!.length).toBeLessThanOrEqual(160);
    const es = await converse(['Hola, ¿lavan camas de perro?']);
    expect(es.turns[0]!.reply).toContain('Eso no lo sé.');
    const priced = await converse(['How much does it cost?']);
    expect(priced.turns[0]!.unanswered).toBe(false);
    expect(priced.turns[0]!.reply).not.toContain('Not sure');
  });

  it('offers times again when the customer does not confirm, and books only on yes', async () => {
    const { turns, booked } = await converse(['M5V 2T6, 1 load regular, 5 King St W, I am Sam', 'Sam', 'the first', 'no, another time', '4', 'yes']);
    expect(turns.map((t) => t.state)).toEqual(['qualifying', 'scheduling', 'booking', 'scheduling', 'booking', 'completed']);
    expect(turns[3]!.reply).toMatch(/^No problem\. Pick a time:/);
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ slot: SLOTS[3], total_minor: 2300 });
  });

  it('offers a call from a person after more than three answers it cannot use', async () => {
    const { turns } = await converse(['hi', 'banana', 'what', 'hmm', 'zzz', 'yes']);
    expect(turns.map((t) => t.path.at(-1) ?? '')).toEqual(['', '', '', '', 'callback_offered', 'handoff:callback']);
    expect(turns[5]!.state).toBe('handoff');
    expect(turns[5]!.handoff).toEqual({ reason: 'callback' });
  });

  it('offers a call from a person once the customer has asked more than three questions', async () => {
    const questions = ['How much does it cost?', 'What are your prices?', 'Do you iron shirts?', 'How much is premium?'];
    const offered = await converse(['M5V 2T6', ...questions, 'yes']);
    expect(offered.turns[4]!.path).toContain('callback_offered');
    expect(offered.turns[4]!.reply).toMatch(/want a person to call you\? Reply YES\.$/);
    expect(offered.turns[4]!.reply!.length).toBeLessThanOrEqual(160);
    expect(offered.turns[5]!).toMatchObject({ state: 'handoff', handoff: { reason: 'callback' } });

    const declined = await converse(['M5V 2T6', ...questions, 'no thanks, express please', 'what time do you open?']);
    expect(declined.turns[5]!).toMatchObject({ state: 'qualifying', handoff: null, reply: 'How many loads?' });
    expect(declined.turns[6]!.path).not.toContain('callback_offered');
  });

  it('keeps every SMS reply within one 160-character segment, whatever is sent', async () => {
    const fragment = fc.oneof(
      fc.constantFrom('hi', 'M5V 2T6', 'K1A 0B1', 'regular', 'express', 'premium', '3 loads', '120 Queen St W', 'Sam Lee', '1', '2', 'yes', 'no', 'how much does it cost?', 'hola', 'tres cargas', 'talk to a person'),
      fc.string({ maxLength: 400 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fragment, { minLength: 1, maxLength: 12 }), async (messages) => {
        const { turns } = await converse(messages);
        for (const t of turns) {
          if (t.reply !== null) expect(t.reply.length).toBeLessThanOrEqual(160);
          expect(['greeting', 'qualifying', 'scheduling', 'booking', 'completed', 'handoff']).toContain(t.state);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the receptionist reading people as they really write', () => {
  it('reads a voice transcript without punctuation: spelt-out postal code, number words, the street cut at the next words', async () => {
    expect(extractPostalCode('my postal code is m 5 v 2 t 6 thanks', false)).toBe('M5V2T6');
    expect(extractAddress('at 120 queen street west my name is sam lee', false)).toBe('120 queen street west');
    expect(extractUnits('a couple of loads', 'load', false)).toBe(2);
    const { turns, context } = await converse(['hi i need a pickup my postal code is m 5 v 2 t 6 i have three loads express at 120 queen street west my name is sam lee']);
    expect(turns[0]!.state).toBe('scheduling');
    expect(context).toMatchObject({ postal_code: 'M5V2T6', service_id: 'express', units: 3, address: '120 queen street west', name: 'Sam Lee' });
  });

  it('takes a misspelt service', () => {
    expect(extractService('expres please', SERVICES, false)?.id).toBe('express');
    expect(extractService('premiun porfa', SERVICES, false)?.id).toBe('premium');
    expect(extractService('reguler', SERVICES, false)?.id).toBe('regular');
  });

  it('replaces a value corrected and says so, then carries on from where it stood', async () => {
    const { turns, booked } = await converse(['M5V 2T6 2 loads regular 5 King St W', 'actually make it 4 loads', 'Sam', '1', 'sorry, 3 loads', 'yes']);
    expect(turns[1]!.reply).toBe('Noted: 4 loads. And your name for the booking?');
    // In the confirmation the new price is the receipt.
    expect(turns[4]!.reply).toMatch(/^Regular, 3 loads, .*= \$39\. Reply YES to book\.$/);
    expect(booked[0]).toMatchObject({ units: 3, total_minor: 3900 });
  });

  it('picks a time said in words, narrowing to the ones that fit when several do', async () => {
    const t = (message: string) => narrowSlots(message, SLOTS, new Date('2026-11-23T13:00:00Z'), 'America/Toronto').map((s) => s.label.slice(-5));
    expect(t('the 2pm one')).toEqual(['14:00']);
    expect(t('el de las 4')).toEqual(['16:00']);
    expect(t('the afternoon one')).toEqual(['14:00', '16:00']);
    expect(t('the last one')).toEqual(['16:00']);
    expect(t('whatever')).toEqual([]);
    const { turns } = await converse(['M5V 2T6 2 loads regular 5 King St W, my name is Sam', 'the afternoon one', 'the 4 pm', 'yes']);
    expect(turns[1]!.reply).toBe('Which one?\n1. Mon 23 Nov 14:00\n2. Mon 23 Nov 16:00');
    expect(turns.map((x) => x.state)).toEqual(['scheduling', 'scheduling', 'booking', 'completed']);
  });

  it('keeps a day wished for before the times are offered and offers those that fit it', async () => {
    expect(mentionsTime('mañana en la tarde')).toBe(true);
    expect(mentionsTime('120 King St W')).toBe(false);
    const { turns } = await converse(['M5V 2T6 2 loads regular 5 King St W', 'afternoon if possible', 'Sam']);
    // Said back short: the part of the day, not the whole message.
    expect(turns[1]!.reply).toBe('Noted: afternoon. And your name for the booking?');
    expect(turns[2]!.reply).toBe('Pick a time:\n1. Mon 23 Nov 14:00\n2. Mon 23 Nov 16:00');
  });

  it('keeps the language of the conversation: a service name does not switch it, a whole message in Spanish does', async () => {
    const { turns } = await converse(['Hola, necesito recoger ropa', 'M5V 2T6', 'Express', 'ok I need 2 loads please']);
    expect(turns.map((x) => x.context.language)).toEqual(['es', 'es', 'es', 'en']);
    expect(turns[2]!.reply).toBe('¿Cuántas cargas?');
  });

  it('hands off on a request for a person in any state, and says "did not get that" only to empty messages', async () => {
    const asked = await converse(['M5V 2T6', 'express', 'quiero hablar con una persona']);
    expect(asked.turns[2]).toMatchObject({ state: 'handoff', handoff: { reason: 'requested' } });
    const { turns } = await converse(['M5V 2T6', 'express', '3 loads at 5 King St W']);
    expect(turns[2]!.reply).not.toMatch(/didn't get/);
  });
});

describe('prices as the customer reads them and as the booking keeps them', () => {
  it('formats minor units per currency and keeps them as DECIMAL(10,2)', () => {
    expect(formatPrice(3900, 'CAD', 'en')).toBe('$39');
    expect(formatPrice(1250, 'CAD', 'en')).toBe('$12.50');
    expect(decimalAmount(3900, 'CAD')).toBe('39.00');
    expect(decimalAmount(120000, 'COP')).toBe('120000.00');
  });
});

describe('real writing at the receptionist', () => {
  it('reads a postal code spelt out on a call', () => {
    expect(extractPostalCode('m as in mary 5 v as in victor 2 t 6', false)).toBe('M5V2T6');
    expect(extractPostalCode('m de mamá 5 v 2 t 6', false)).toBe('M5V2T6');
  });

  it('answers "how much" with the catalogue price in the conversation language, never "I don\'t know"', async () => {
    const t = { ...tools(), answer: async () => undefined };
    const es = await converse(['¿Cuánto cuesta la carga?'], t);
    expect(es.turns[0]!.reply).toMatch(/Regular \$\s15\+\$\s8\/carga, Express/);
    expect(es.turns[0]!.unanswered).toBe(false);
    expect(es.turns[0]!.path).toContain('price');
    const named = await converse(['hi', 'M5V 2T6', 'how much is premium?'], t);
    expect(named.turns[2]!.reply).toMatch(/^Premium: \$30 \+ \$18 per load \(same day\)\. How many loads\?/);
  });

  it('takes a name given among other details, and a request for Spanish as understood', async () => {
    const all = await converse(['need express pickup, 3 loads at 120 King St W, postal M5V 2T6, name is Sam']);
    expect(all.context).toMatchObject({ name: 'Sam', units: 3, service_id: 'express', step: 'time' });
    const switched = await converse(['Hi I need a pickup', 'M5V 2T6', 'perdón, ¿podemos hablar en español?']);
    expect(switched.context.language).toBe('es');
    expect(switched.turns[2]!.reply).toMatch(/^¿Qué servicio\?/);
    expect(switched.turns[2]!.unanswered).toBe(false);
  });

  it('says "did not get that" to punctuation, not "not sure about that one"', async () => {
    const r = await converse(['hi', 'M5V 2T6', '???']);
    expect(r.turns[2]!.reply).toMatch(/^Sorry, I didn't get that\./);
    expect(r.turns[2]!.unanswered).toBe(false);
  });

  it('looks past the first times for a day wished for before they are offered', async () => {
    const week: OfferedSlot[] = [...SLOTS, ...[9, 14].map((h) => ({ start: `2026-11-24T${h + 5}:00:00.000Z`, end: `2026-11-24T${h + 7}:00:00.000Z`, consultant_id: null, label: `Tue 24 Nov ${String(h).padStart(2, '0')}:00` }))];
    const limits: (number | undefined)[] = [];
    const t = { ...tools(), availableSlots: async (_l: unknown, limit?: number) => (limits.push(limit), week.slice(0, limit ?? 4)) };
    const r = await converse(['pickup tomorrow afternoon please, M5V 2T6', 'regular', '2 loads', '120 King St W', 'Sam'], t);
    expect(limits.at(-1)).toBeGreaterThan(4);
    expect(r.context.offered_slots?.map((s) => s.label)).toEqual(['Tue 24 Nov 14:00']);
  });
});

describe('a question about the service itself', () => {
  it('is a yes for what the business does, and not claimed for what it does not', async () => {
    for (const m of ['do you pick up laundry?', '¿recogen ropa a domicilio?', 'can I book express?', 'do you do laundry pickup?']) expect(asksAboutOurService(m, SERVICES), m).toBe(true);
    for (const m of ['do you do dry cleaning?', 'do you iron shirts?', 'are you open on sundays?', 'Do you wash dog beds?']) expect(asksAboutOurService(m, SERVICES), m).toBe(false);
    const t = { ...tools(), answer: async () => undefined };
    const r = await converse(['Hello, do you pick up laundry?'], t);
    expect(r.turns[0]!.reply).toBe("Hi! This is 1StopLaundry. Yes, we do! What's your postal code?");
    expect(r.turns[0]!.unanswered).toBe(false);
  });

  it('acknowledges a day wished for as the day, not as the message', async () => {
    const r = await converse(['hi i need a pickup tomorrow afternoon my postal code is M5V 2T6']);
    expect(r.turns[0]!.reply).toMatch(/Noted: M5V2T6 and tomorrow afternoon\./);
  });
});
