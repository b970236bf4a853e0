import { describe, expect, it } from 'vitest';
import { normalizeContext } from './engine.ts';
import { leadStatusFor, scoreLead, temperatureFor } from './scoring.ts';
import { DEFAULT_SCORING, type Context, type ScoringConfig } from './types.ts';

const now = new Date('2026-04-06T02:00:00Z');
const timeZone = 'Asia/Jakarta';
const opts = { now, timeZone, language: 'id' as const };

function lead(partial: Partial<Context>): Context {
  return { ...normalizeContext({}, { now, timeZone, currency: 'IDR', language: 'id' }), ...partial };
}

const hot = lead({
  name: 'Budi Santoso',
  email: 'budi@example.com',
  destination: 'United Kingdom',
  english_level: 'IELTS 7.0',
  ielts: 7,
  budget: '600 juta',
  budget_amount: 600_000_000,
  timeline: 'tahun depan',
  timeline_year: 2027,
  program: 'S2 Computer Science',
  documents: { passport: true, cv: true, english_test: true, transcript: true },
});

const warm = lead({
  name: 'Siti Rahmawati',
  email: 'siti@example.id',
  destination: 'Australia',
  english_level: 'intermediate',
  budget: '400 juta',
  timeline: '2028',
  timeline_year: 2028,
  documents: { passport: true, cv: false, english_test: false, transcript: true },
  engagement: { questions: 1, volunteered: 0, unclear: 0 },
});

const cold = lead({
  name: 'Andi',
  destination: 'Japan',
  english_level: 'beginner',
  timeline: 'nanti dulu',
  timeline_vague: true,
  documents: { passport: false, cv: false, english_test: false, transcript: false },
});

const docsHeavy: ScoringConfig = { hot_threshold: 80, warm_threshold: 50, weight_basic: 10, weight_qualification: 20, weight_document: 60, weight_engagement: 10 };

describe('the original rubric with the default config (25/35/30/10, hot 70, warm 40)', () => {
  it('scores a complete lead 95: basic 25, qualification 38 capped at 35, documents 30, engagement 5', () => {
    const r = scoreLead(hot, DEFAULT_SCORING, opts);
    expect(r.score).toBe(95);
    expect(r.temperature).toBe('hot');
    expect(r.breakdown).toEqual({
      basic: { raw: 25, max: 25, weight: 25, points: 25 },
      qualification: { raw: 35, max: 35, weight: 35, points: 35 },
      document: { raw: 30, max: 30, weight: 30, points: 30 },
      engagement: { raw: 5, max: 10, weight: 10, points: 5 },
      total: 95,
    });
    expect(r.reasons).toEqual([
      'Data wajib 6/6 (15/15)',
      'Email valid',
      'Negara tujuan: Inggris',
      'Skor IELTS 6.5+ (IELTS 7.0)',
      'Budget jelas: 600 juta',
      'Timeline dekat: tahun depan',
      'Program: S2 Computer Science',
      'Dokumen siap: paspor, CV, tes bahasa Inggris, transkrip',
      'Keterlibatan 5/10',
      'Skor 95: hot (>= 70)',
    ]);
  });

  it('scores a warm lead 66 with the timeline penalty (2028 is two years away)', () => {
    const r = scoreLead(warm, DEFAULT_SCORING, opts);
    expect(r.breakdown.basic.raw).toBe(25);
    expect(r.breakdown.qualification.raw).toBe(20);
    expect(r.breakdown.document.raw).toBe(15);
    expect(r.breakdown.engagement.raw).toBe(6);
    expect([r.score, r.temperature]).toEqual([66, 'warm']);
    expect(r.reasons).toContain('Timeline jauh (2028) - penalti');
  });

  it('scores a cold lead 30: four of six fields, country, a vague timeline', () => {
    const r = scoreLead(cold, DEFAULT_SCORING, opts);
    expect([r.breakdown.basic.raw, r.breakdown.qualification.raw, r.breakdown.document.raw, r.breakdown.engagement.raw]).toEqual([15, 10, 0, 5]);
    expect([r.score, r.temperature]).toEqual([30, 'cold']);
    expect(r.reasons.at(-1)).toBe('Skor 30: cold (di bawah 40)');
  });

  it('scores an empty lead 5 (the engagement default), as the original did', () => {
    expect(scoreLead(lead({}), DEFAULT_SCORING, opts).score).toBe(5);
  });

  it('gives the IELTS bonus from 6.5 (or an advanced level), not below', () => {
    const base = { ...cold, timeline: undefined, timeline_vague: undefined };
    const at = (e: Partial<Context>) => scoreLead(lead({ ...base, ...e }), DEFAULT_SCORING, opts).breakdown.qualification.raw;
    expect(at({ english_level: 'IELTS 6.0', ielts: 6 })).toBe(10);
    expect(at({ english_level: 'IELTS 6.5', ielts: 6.5 })).toBe(13);
    expect(at({ english_level: 'advanced' })).toBe(13);
    expect(at({ english_level: 'TOEFL 95', ielts: 7 })).toBe(13);
  });

  it('penalises a timeline two or more years away or vague, never below zero', () => {
    const q = (e: Partial<Context>) => scoreLead(lead({ ...e }), DEFAULT_SCORING, opts).breakdown.qualification.raw;
    expect(q({ timeline: '2027', timeline_year: 2027 })).toBe(10);
    expect(q({ timeline: '2028', timeline_year: 2028 })).toBe(0);
    expect(q({ timeline: 'nanti dulu', timeline_vague: true })).toBe(0);
    expect(q({ timeline: '2 tahun lagi' })).toBe(10); // no year parsed: only the words decide
    expect(q({ timeline: 'masih lama' })).toBe(0);
  });

  it('bounds engagement to 0-10: +1 per question (3 max), +1 per volunteered fact (2 max), -1 per misunderstanding', () => {
    const e = (engagement: Context['engagement']) => scoreLead(lead({ engagement }), DEFAULT_SCORING, opts).breakdown.engagement.raw;
    expect(e({ questions: 0, volunteered: 0, unclear: 0 })).toBe(5);
    expect(e({ questions: 9, volunteered: 9, unclear: 0 })).toBe(10);
    expect(e({ questions: 1, volunteered: 1, unclear: 2 })).toBe(5);
    expect(e({ questions: 0, volunteered: 0, unclear: 9 })).toBe(0);
  });

  it('counts only a well-formed email', () => {
    expect(scoreLead(lead({ email: 'budi@example.com' }), DEFAULT_SCORING, opts).breakdown.basic.raw).toBe(8); // round(15/6)=3 + 5
    expect(scoreLead(lead({ email: 'budi at example' }), DEFAULT_SCORING, opts).breakdown.basic.raw).toBe(3);
  });

  it('writes the reasons in the conversation language', () => {
    expect(scoreLead(hot, DEFAULT_SCORING, { ...opts, language: 'en' }).reasons[2]).toBe('Destination: the UK');
    expect(scoreLead(hot, DEFAULT_SCORING, { ...opts, language: 'es' }).reasons.at(-1)).toBe('Puntaje 95: hot (>= 70)');
  });
});

describe('the workspace config is really applied', () => {
  it('rescales each category by its weight: documents 60, qualification 20, basic 10, engagement 10', () => {
    const w = scoreLead(warm, docsHeavy, opts);
    // 25/25*10 + 20/35*20 + 15/30*60 + 6/10*10 = 10 + 11.43 + 30 + 6 = 57.43
    expect(w.breakdown).toEqual({
      basic: { raw: 25, max: 25, weight: 10, points: 10 },
      qualification: { raw: 20, max: 35, weight: 20, points: 11.4 },
      document: { raw: 15, max: 30, weight: 60, points: 30 },
      engagement: { raw: 6, max: 10, weight: 10, points: 6 },
      total: 57,
    });
    expect(w.temperature).toBe('warm');
    expect(scoreLead(cold, docsHeavy, opts).score).toBe(17); // 6 + 5.71 + 0 + 5
    expect(scoreLead(hot, docsHeavy, opts).score).toBe(95); // 10 + 20 + 60 + 5
  });

  it('moves a lead across bands when weights or thresholds change', () => {
    const basicHeavy: ScoringConfig = { ...DEFAULT_SCORING, weight_basic: 40, weight_qualification: 40, weight_document: 10, weight_engagement: 10 };
    // 40 + 20/35*40 + 15/30*10 + 6 = 40 + 22.86 + 5 + 6 = 73.86
    expect(scoreLead(warm, basicHeavy, opts)).toMatchObject({ score: 74, temperature: 'hot' });
    expect(scoreLead(warm, { ...DEFAULT_SCORING, hot_threshold: 60 }, opts).temperature).toBe('hot');
    expect(scoreLead(warm, { ...DEFAULT_SCORING, warm_threshold: 70, hot_threshold: 90 }, opts).temperature).toBe('cold');
    expect(scoreLead(cold, { ...DEFAULT_SCORING, warm_threshold: 30 }, opts).temperature).toBe('warm');
  });

  it('scales weights that do not add up to 100 (the database forbids them; the engine stays sane)', () => {
    const doubled: ScoringConfig = { ...DEFAULT_SCORING, weight_basic: 50, weight_qualification: 70, weight_document: 60, weight_engagement: 20 };
    expect(scoreLead(warm, doubled, opts).score).toBe(66);
    const zero: ScoringConfig = { ...DEFAULT_SCORING, weight_basic: 0, weight_qualification: 0, weight_document: 0, weight_engagement: 0 };
    expect(scoreLead(warm, zero, opts).score).toBe(66);
  });

  it('maps temperatures and contact lead statuses at the thresholds', () => {
    expect([69, 70, 39, 40].map((s) => temperatureFor(s, DEFAULT_SCORING))).toEqual(['warm', 'hot', 'cold', 'warm']);
    expect((['hot', 'warm', 'cold'] as const).map(leadStatusFor)).toEqual(['hot_lead', 'prospect', 'cold_lead']);
  });
});

describe('contexts written by others', () => {
  it('reads the demo seed context (strings only) and scores it', () => {
    const ctx = normalizeContext(
      { name: 'Budi Santoso', destination: 'United Kingdom', english_level: 'IELTS 7.0', budget: 'Rp 600 juta', timeline: '2027', program: 'Computer Science', documents: { passport: true, cv: true, english_test: true, transcript: true } },
      { now, timeZone, currency: 'IDR', language: 'id' },
    );
    expect(ctx).toMatchObject({ ielts: 7, budget_amount: 600_000_000, budget_currency: 'IDR', timeline_year: 2027, asked: [], skipped: [] });
    // No email: basic 13 + 5 = 18; qualification 35; documents 30; engagement 5.
    expect(scoreLead(ctx, DEFAULT_SCORING, opts).score).toBe(88);
  });

  it('reads form answers and the original field names (country, document_status)', () => {
    const ctx = normalizeContext(
      { form_answers: { name: 'Rina', email: 'rina@example.id', country: 'inggris', english_level: 'mahir', budget: '500 juta', timeline: 'tahun depan' }, document_status: { passport: true, cv: null } },
      { now, timeZone, currency: 'IDR', language: 'id' },
    );
    expect(ctx).toMatchObject({ name: 'Rina', destination: 'United Kingdom', english_level: 'mahir', budget_amount: 500_000_000, timeline_year: 2027, documents: { passport: true } });
    expect(ctx.form_answers).toBeDefined();
  });
});
