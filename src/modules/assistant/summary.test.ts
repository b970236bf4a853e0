import { describe, expect, it } from 'vitest';
import { leadSummary } from './summary.ts';

describe('the lead summary for the person who takes over', () => {
  it("reads ARI's consultancy facts: program and country, budget, timeline, documents ready, language, why handed over", () => {
    const s = leadSummary({
      context: { name: 'Budi Santoso', email: 'budi@example.com', destination: 'United Kingdom', program: 'S2 Data Science', english_level: 'IELTS 7', budget: '600 juta', budget_amount: 600_000_000, budget_currency: 'IDR', timeline: 'tahun depan', documents: { cv: true, transcript: false, passport: true }, language: 'id' },
      contact: { name: null, phone: '+6281200000001' },
      handoffReason: 'customer asked for a person',
    });
    expect(s).toMatchObject({
      who: { name: 'Budi Santoso', phone: '+6281200000001', email: 'budi@example.com' },
      wants: 'S2 Data Science in United Kingdom (English: IELTS 7)',
      budget: '600 juta',
      timeline: 'tahun depan',
      documents: ['passport', 'CV'],
      language: 'id',
      handoff_reason: 'customer asked for a person',
    });
    expect(s.text).toBe('Budi Santoso (+6281200000001, budi@example.com); wants S2 Data Science in United Kingdom (English: IELTS 7); budget 600 juta; when: tahun depan; documents ready: passport, CV; writes in Indonesian; handed over: customer asked for a person.');
  });

  it("reads the receptionist's order: service, loads, address, the time chosen and the price", () => {
    const s = leadSummary({
      context: { language: 'es', postal_code: 'M5V2T6', service: 'Express Wash & Fold', units: 3, address: '120 King St W', name: 'Sam', slot: { label: 'Mon 14 Dec 11:00' }, total_minor: 5600, currency: 'CAD' },
      contact: { name: 'Sam', phone: '+14165550101' },
    });
    expect(s).toMatchObject({ wants: 'Express Wash & Fold x 3 at 120 King St W (M5V2T6)', budget: 'CAD 56', timeline: 'Mon 14 Dec 11:00', language: 'es', handoff_reason: null, documents: [] });
  });

  it("reads Amara's request, draft or last booking, and a budget the customer gave", () => {
    const service = { id: 's', name: 'Limpieza básica', unit_name: 'hour', base_price_minor: 0, unit_price_minor: 30000, currency: 'COP' };
    expect(leadSummary({ context: { language: 'es', amara: { request: { service, date: '2026-12-19', hours: 4, budget: 120000 } } }, contact: {} })).toMatchObject({
      who: { name: null },
      wants: 'Limpieza básica (4 h)',
      budget: 'COP 120,000',
      timeline: '2026-12-19',
    });
    const booked = leadSummary({ context: { amara: { booked: [{ service: 'Planchado', hours: 2, date: '2026-12-17', time: '08:00', total_minor: 40000, currency: 'COP' }] } }, contact: { name: 'Ana' }, fallbackLanguage: 'es-CO' });
    expect(booked).toMatchObject({ wants: 'Planchado (2 h)', budget: 'COP 40,000', timeline: '2026-12-17 08:00', language: 'es' });
    expect(booked.text).toBe('Ana; quiere Planchado (2 h); presupuesto COP 40,000; cuándo: 2026-12-17 08:00; escribe en español.');
  });

  it('says what it does not know as null, never invents it', () => {
    expect(leadSummary({ context: {}, contact: {} })).toEqual({ who: { name: null, phone: null, email: null }, wants: null, budget: null, timeline: null, documents: [], language: null, handoff_reason: null, text: 'Unnamed customer.' });
  });

  it("is written in the workspace's language, for the staff who read it, with the handoff's reason in words", () => {
    const s = leadSummary({
      context: { destination: 'Japan', budget: '300 juta', language: 'id', documents: { passport: true, cv: false } },
      contact: { name: 'Rina' },
      handoffReason: 'auto_handoff_stuck',
      fallbackLanguage: 'id',
    });
    expect(s.handoff_reason).toBe('asisten tidak memahami beberapa pesan');
    expect(s.text).toBe('Rina; ingin kuliah di Japan; anggaran 300 juta; dokumen siap: paspor; menulis dalam bahasa Indonesia; diserahkan: asisten tidak memahami beberapa pesan.');
    // A reason the table does not know is still read as words.
    expect(leadSummary({ context: {}, contact: {}, handoffReason: 'vip_customer_waiting', fallbackLanguage: 'en' }).handoff_reason).toBe('vip customer waiting');
  });
});
