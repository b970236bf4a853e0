import { describe, expect, it } from 'vitest';
import { acknowledgement } from './acknowledge.ts';
import { normalizeContext } from './engine.ts';
import type { Context } from './types.ts';

const now = new Date('2026-04-06T02:00:00Z');
const lead = (partial: Partial<Context>): Context => ({ ...normalizeContext({}, { now, timeZone: 'Asia/Jakarta', currency: 'IDR', language: 'id' }), ...partial });

describe('acknowledging what a message told', () => {
  it('names each fact briefly, in the conversation language', () => {
    const ctx = lead({ email: 'budi@example.com', documents: { passport: true, cv: false } });
    expect(acknowledgement(['passport', 'email'], ctx, 'id')).toBe('Oke, dicatat: paspor sudah ada, email budi@example.com.');
    expect(acknowledgement(['passport', 'cv'], ctx, 'en')).toBe('Noted: passport ready, CV not ready yet.');
    expect(acknowledgement(['passport'], ctx, 'es')).toBe('Anotado: pasaporte listo.');
  });

  it('says which English test the certificate is, and shows countries and levels in the language', () => {
    const ctx = lead({ ielts_source: 'toefl', documents: { english_test: true }, destination: 'United Kingdom', english_level: 'intermediate', budget: '600jt' });
    expect(acknowledgement(['english_test', 'destination', 'english_level', 'budget'], ctx, 'id')).toBe('Oke, dicatat: sertifikat TOEFL sudah ada, tujuan Inggris, bahasa Inggris menengah, budget 600jt.');
  });

  it('leaves the name to the greeting and says nothing when nothing can be said', () => {
    expect(acknowledgement(['name'], lead({ name: 'Budi' }), 'id')).toBeUndefined();
    expect(acknowledgement(['passport'], lead({}), 'en')).toBeUndefined();
  });
});
