import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPaymentEvent, decideTurn } from './engine.ts';
import { demoConfig, demoDestinations, demoDocs, demoSlots, fakeTools } from '../../../../../test/support/assistant-engine.ts';
import { canTransition, IllegalTransitionError, isSilent, RESUME_FALLBACK, resumeAfterHandoff, transition, TRANSITIONS } from './transitions.ts';
import { STATES, type State } from './types.ts';

/** The seed's table, written out by hand as the oracle: [from, to] pairs that are allowed. */
const ALLOWED = new Set([
  'greeting>qualifying', 'greeting>handoff',
  'qualifying>qualifying', 'qualifying>scoring', 'qualifying>handoff',
  'scoring>scoring', 'scoring>booking', 'scoring>handoff',
  'booking>booking', 'booking>payment', 'booking>scheduling', 'booking>handoff',
  'payment>payment', 'payment>scheduling', 'payment>handoff',
  'scheduling>scheduling', 'scheduling>handoff', 'scheduling>completed',
  'handoff>completed',
]);

describe('the state machine table', () => {
  const pairs = STATES.flatMap((from) => STATES.map((to) => [from, to] as const));

  it('has all 64 pairs decided as the seed says', () => {
    expect(pairs).toHaveLength(64);
    for (const [from, to] of pairs) expect(canTransition(from, to), `${from} -> ${to}`).toBe(ALLOWED.has(`${from}>${to}`));
  });

  it.each(pairs)('%s -> %s is allowed or refused with IllegalTransitionError', (from, to) => {
    if (ALLOWED.has(`${from}>${to}`)) expect(transition(from, to)).toBe(to);
    else expect(() => transition(from, to)).toThrow(IllegalTransitionError);
  });

  it('allows handoff from every state but handoff and completed, and nothing out of completed', () => {
    for (const s of STATES) expect(canTransition(s, 'handoff')).toBe(s !== 'handoff' && s !== 'completed');
    expect(TRANSITIONS.completed).toEqual([]);
    expect(STATES.filter(isSilent)).toEqual(['handoff', 'completed']);
  });
});

describe('the engine only ever moves along the table', () => {
  const now = new Date('2026-04-06T02:00:00Z');
  const pool = [
    'halo', 'nama saya Budi', 'UK', 'jepang', 'IELTS 7', 'pemula', '600 juta', 'belum tahu', 'tahun depan', 'nanti dulu', 'budi@example.com',
    'sudah', 'belum', 'ya', 'tidak', '2', 'pilih 9', 'senin', 'besok pagi', 'berapa biaya konsultasi?', 'kampus di inggris?', 'asdf',
    'ok makasih', 'link', 'sudah bayar', 'ganti jadwal', 'mau bicara sama orang', 'visa', 'the second one', 'yes', 'no', 'hola', '¿cuánto cuesta?',
  ];

  it('keeps every path legal for random conversations, and stays silent once handed off or completed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 25 }), fc.boolean(), async (msgs, charges) => {
        const tools = fakeTools({ docs: demoDocs, destinations: demoDestinations, slots: demoSlots(now), now });
        let state: State = 'greeting';
        let context: object = {};
        for (const message of msgs) {
          const r = await decideTurn({ message, now, timeZone: 'Asia/Jakarta', state, context, config: demoConfig({ chargesForConsultation: charges }) }, tools);
          expect(r.path[0]).toBe(state);
          for (let i = 1; i < r.path.length; i++) expect(canTransition(r.path[i - 1]!, r.path[i]!)).toBe(true);
          if (r.path.length === 1) expect(canTransition(state, state) || isSilent(state)).toBe(true);
          if (isSilent(state)) expect(r.reply).toBeNull();
          else expect(r.reply).toBeTruthy();
          expect(r.reply ?? '').not.toMatch(/\p{Extended_Pictographic}/u);
          state = r.state;
          context = JSON.parse(JSON.stringify(r.context));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('moves payment events along the table too', () => {
    const base = { now, timeZone: 'Asia/Jakarta', persona: demoConfig().persona, currency: 'IDR' };
    const context = { language: 'id', payment_url: 'https://pay.example.test/x', selected_slot: { start: 's', end: 'e', consultant_id: null, local_label: 'Selasa, 7 Apr 14:00 WIB' } };
    expect(applyPaymentEvent({ ...base, state: 'payment', context, event: 'paid' })).toMatchObject({ state: 'scheduling', reply: expect.stringContaining('Pembayaran diterima') });
    const once = applyPaymentEvent({ ...base, state: 'payment', context, event: 'failed' });
    expect(once).toMatchObject({ state: 'payment', reply: expect.stringContaining('https://pay.example.test/x'), handoff: null });
    const twice = applyPaymentEvent({ ...base, state: 'payment', context: once.context, event: 'failed' });
    expect(twice).toMatchObject({ state: 'handoff', handoff: { reason: 'payment_failed' } });
    expect(applyPaymentEvent({ ...base, state: 'payment', context, event: 'expired' })).toMatchObject({ state: 'payment', reply: expect.stringContaining('kedaluwarsa') });
    // A late notification for a conversation that moved on changes nothing.
    expect(applyPaymentEvent({ ...base, state: 'handoff', context, event: 'paid' })).toMatchObject({ state: 'handoff', reply: null });
  });
});

describe('handing a conversation back after a handoff', () => {
  const now = new Date('2026-04-06T02:00:00Z');
  const config = demoConfig();
  const tools = () => fakeTools({ docs: demoDocs, destinations: demoDestinations, slots: demoSlots(now), now });
  const turn = (message: string, state: State, context: object) => decideTurn({ message, now, timeZone: 'Asia/Jakarta', state, context, config }, tools());

  it('keeps the state before the handoff, resumes there, and the next message is answered in that state', async () => {
    const first = await turn('halo', 'greeting', {});
    const named = await turn('nama saya Budi', first.state, first.context);
    expect(named.state).toBe('qualifying');
    const handedOff = await turn('mau bicara sama orang', named.state, JSON.parse(JSON.stringify(named.context)));
    expect(handedOff.state).toBe('handoff');
    expect(handedOff.context.state_before_handoff).toBe('qualifying');
    expect((await turn('halo?', handedOff.state, handedOff.context)).reply).toBeNull();

    const resumed = resumeAfterHandoff(handedOff.state, handedOff.context);
    expect(resumed.state).toBe('qualifying');
    expect(resumed.context).not.toHaveProperty('state_before_handoff');
    expect(resumed.context).toMatchObject({ name: 'Budi', turns_in_state: 0, misunderstood: 0 });
    const next = await turn('saya mau ke Australia', resumed.state, resumed.context);
    expect(next.state).toBe('qualifying');
    expect(next.reply).toBeTruthy();
    expect(next.context.destination).toBe('Australia');
  });

  it('clears the stuck-turn count, so a conversation handed off for being stuck does not hand off again at once', () => {
    const resumed = resumeAfterHandoff('handoff', { state_before_handoff: 'scoring', turns_in_state: 11, misunderstood: 3, handoff_reason: 'auto_handoff_stuck' });
    expect(resumed).toEqual({ state: 'scoring', context: { turns_in_state: 0, misunderstood: 0 } });
  });

  it('leaves completed final and every state but handoff as it is', () => {
    for (const state of STATES.filter((s) => s !== 'handoff')) {
      const context = { state_before_handoff: 'booking', turns_in_state: 4 };
      expect(resumeAfterHandoff(state, context)).toEqual({ state, context });
    }
  });

  it(`resumes in ${RESUME_FALLBACK} when the state before the handoff is unknown, never in handoff or completed`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom<unknown>(...STATES), fc.string(), fc.constant(undefined), fc.integer()), (before) => {
        const { state } = resumeAfterHandoff('handoff', { state_before_handoff: before });
        expect(state).not.toBe('handoff');
        expect(state).not.toBe('completed');
        if (typeof before === 'string' && (STATES as readonly string[]).includes(before) && before !== 'handoff' && before !== 'completed') expect(state).toBe(before);
        else expect(state).toBe(RESUME_FALLBACK);
      }),
    );
  });

  it('records where a payment-failure handoff came from', () => {
    const base = { now, timeZone: 'Asia/Jakarta', persona: demoConfig().persona, currency: 'IDR' };
    const failed = applyPaymentEvent({ ...base, state: 'payment', context: { language: 'id', payment_failures: 1 }, event: 'failed' });
    expect(failed.state).toBe('handoff');
    expect(resumeAfterHandoff(failed.state, failed.context).state).toBe('payment');
  });
});
