import { describe, expect, it } from 'vitest';
import { coverage, destinationQuestion, destinationsReply, eligibility, KNOWLEDGE_MIN_SCORE, pickAnswer, rankDestinations } from './knowledge.ts';
import { normalizeContext } from './engine.ts';
import { parseConfirm, parseSlotChoice, refusesAll } from './slots.ts';
import { demoDestinations, demoSlots } from '../../../../../test/support/assistant-engine.ts';
import type { Context, KnowledgeHit } from './types.ts';

const now = new Date('2026-04-06T02:00:00Z');
const timeZone = 'Asia/Jakarta';
const lead = (partial: Partial<Context>): Context => ({ ...normalizeContext({}, { now, timeZone, currency: 'IDR', language: 'id' }), ...partial });

const fee: KnowledgeHit = { source: 'entry', id: 'kb-fee', title: 'Biaya konsultasi 1-on-1', snippet: 'Konsultasi 1-on-1 selama 60 menit dengan konsultan senior: Rp 500.000, dibayar lewat QRIS, GoPay, OVO, transfer bank atau kartu.', score: 0.32 };
const melbourne: KnowledgeHit = { source: 'entry', id: 'kb-melbourne', title: 'Biaya hidup di Melbourne', snippet: 'Perkiraan biaya hidup pelajar di Melbourne sekitar AUD 2.000-2.500 per bulan termasuk sewa kamar.', score: 0.67 };
const docsFaq: KnowledgeHit = { source: 'faq', id: 'faq-docs', title: 'Dokumen apa saja yang perlu disiapkan?', snippet: 'Siapkan paspor, CV, sertifikat IELTS atau TOEFL, transkrip nilai, dan surat rekomendasi.', score: 0.45 };

describe('answering from knowledge: the threshold', () => {
  it('answers when the score reaches KNOWLEDGE_MIN_SCORE and most question words are covered', () => {
    expect(KNOWLEDGE_MIN_SCORE).toBe(0.1);
    expect(pickAnswer('berapa biaya konsultasinya?', [fee])?.hit.id).toBe('kb-fee');
    expect(pickAnswer('bisa bayar pakai gopay?', [fee])?.hit.id).toBe('kb-fee');
    expect(pickAnswer('dokumen apa saja yang perlu disiapkan?', [docsFaq])?.hit.id).toBe('faq-docs');
  });

  it('does not answer below the score threshold, however well the words match', () => {
    expect(pickAnswer('berapa biaya konsultasinya?', [{ ...fee, score: 0.09 }])).toBeUndefined();
    expect(pickAnswer('berapa biaya konsultasinya?', [{ ...fee, score: 0.1 }])?.hit.id).toBe('kb-fee');
  });

  it('honours a workspace threshold', () => {
    expect(pickAnswer('berapa biaya konsultasinya?', [fee], 0.5)).toBeUndefined();
    expect(pickAnswer('berapa biaya konsultasinya?', [{ ...fee, score: 0.05 }], 0.01)?.hit.id).toBe('kb-fee');
  });

  it('does not answer with a loosely related text that a high score alone would pick', () => {
    // "biaya hidup" matches, "tokyo" does not: 2 of 3 words, below the 0.7 coverage.
    expect(coverage('biaya hidup di tokyo?', melbourne)).toBeCloseTo(2 / 3);
    expect(pickAnswer('biaya hidup di tokyo?', [melbourne, fee])).toBeUndefined();
    expect(pickAnswer('biaya hidup di melbourne?', [fee, melbourne])?.hit.id).toBe('kb-melbourne');
    expect(pickAnswer('apakah bisa bayar cicilan?', [fee])).toBeUndefined();
    expect(pickAnswer('???', [fee])).toBeUndefined();
  });
});

describe('destinations', () => {
  const uk = demoDestinations.filter((d) => d.country === 'United Kingdom');

  it('recognises destination questions and their country', () => {
    expect(destinationQuestion('kampus di inggris apa saja?', {}, true)).toBe('United Kingdom');
    expect(destinationQuestion('universities in Australia?', {}, true)).toBe('Australia');
    expect(destinationQuestion('¿qué universidades hay en Canadá?', {}, true)).toBe('Canada');
    expect(destinationQuestion('rekomendasi kampus dong', { destination: 'Japan' }, false)).toBe('Japan');
    expect(destinationQuestion('berapa biaya hidup di inggris?', {}, true)).toBeUndefined();
  });

  it('ranks promoted first, then by priority', () => {
    const ranked = rankDestinations([
      { university_name: 'B', is_promoted: false, priority: 10 },
      { university_name: 'A', is_promoted: false, priority: 1 },
      { university_name: 'C', is_promoted: true, priority: 0 },
      { university_name: 'D', is_promoted: false, priority: 10 },
    ]);
    expect(ranked.map((d) => d.university_name)).toEqual(['C', 'B', 'D', 'A']);
  });

  it('checks IELTS, GPA and budget against what the lead told', () => {
    const manchester = uk[0]!;
    expect(eligibility(manchester, lead({ ielts: 7, gpa: 3.4, budget_amount: 600_000_000, budget_currency: 'IDR' }), 'IDR', 'id')).toEqual({ status: 'eligible', missing: [] });
    expect(eligibility(manchester, lead({ ielts: 6, budget_amount: 300_000_000, budget_currency: 'IDR' }), 'IDR', 'id')).toEqual({ status: 'not_eligible', missing: ['IELTS 6.5', 'budget Rp 450.000.000'] });
    expect(eligibility(manchester, lead({ gpa: 2.8 }), 'IDR', 'en')).toEqual({ status: 'not_eligible', missing: ['GPA 3.0'] });
    expect(eligibility(manchester, lead({}), 'IDR', 'id').status).toBe('unknown');
    // A budget in another currency cannot be compared.
    expect(eligibility(manchester, lead({ budget_amount: 30_000, budget_currency: 'USD' }), 'IDR', 'en').status).toBe('unknown');
  });

  it('replies with the universities, which fit the lead, or what they ask for', () => {
    expect(destinationsReply('United Kingdom', uk, lead({ ielts: 6.5, budget_amount: 500_000_000, budget_currency: 'IDR' }), 'IDR', 'id')).toBe(
      "Kampus di Inggris yang bisa kami bantu: University of Manchester, King's College London. Yang sesuai profil {kamu}: University of Manchester.",
    );
    expect(destinationsReply('United Kingdom', uk, lead({ ielts: 6 }), 'IDR', 'en')).toBe(
      "Universities in the UK we can help with: University of Manchester, King's College London. University of Manchester asks for IELTS 6.5.",
    );
    expect(destinationsReply('United Kingdom', uk, lead({}), 'IDR', 'es')).toBe(
      "Universidades en Reino Unido con las que te podemos ayudar: University of Manchester, King's College London. Por lo general piden IELTS 6.5 o más.",
    );
  });
});

describe('the slot dialogue', () => {
  // Tue 7, Wed 8, Thu 9 (10:00 and 14:00), offered five at a time.
  const slots = demoSlots(now).slice(0, 5);
  const choose = (text: string) => parseSlotChoice(text, slots, { now, timeZone });

  it.each([
    ['2', 2], ['2.', 2], ['pilih 2', 2], ['nomor 3', 3], ['yang ke-4', 4], ['kedua', 2], ['yang pertama aja', 1], ['the second one', 2], ['option 5', 5],
    ['#1', 1], ['opción 2', 2], ['la segunda', 2], ['terakhir', 5], ['last one', 5],
  ])('%j chooses slot %i', (text, index) => {
    expect(choose(text)).toEqual({ kind: 'index', index });
  });

  it('narrows by day, part of the day or hour', () => {
    const starts = (text: string) => {
      const c = choose(text);
      return c.kind === 'filter' ? c.slots.map((s) => s.start) : c.kind;
    };
    expect(starts('rabu')).toEqual([slots[2]!.start, slots[3]!.start]);
    expect(starts('wednesday')).toEqual([slots[2]!.start, slots[3]!.start]);
    expect(starts('miércoles')).toEqual([slots[2]!.start, slots[3]!.start]);
    expect(starts('selasa jam 14')).toEqual([slots[1]!.start]);
    expect(starts('besok pagi')).toEqual([slots[0]!.start]);
    expect(starts('kamis sore')).toEqual([]);
    expect(starts('jumat')).toEqual([]);
    expect(starts('10:00')).toEqual([slots[0]!.start, slots[2]!.start, slots[4]!.start]);
    expect(starts('at 2pm')).toEqual([slots[1]!.start, slots[3]!.start]);
    expect(starts('10')).toEqual([slots[0]!.start, slots[2]!.start, slots[4]!.start]);
    expect(starts('2 minggu lagi')).toBe('none');
    expect(starts('halo')).toBe('none');
    expect(starts('pilih 9')).toBe('none');
  });

  it('reads confirmations and refusals', () => {
    expect(['ya', 'oke', 'betul', 'setuju', 'deal', 'yes', 'sí', 'de acuerdo', 'sounds good'].map(parseConfirm)).toEqual(Array(9).fill(true));
    expect(['tidak', 'ganti', 'no', 'change it', 'otro'].map(parseConfirm)).toEqual(Array(5).fill(false));
    expect(parseConfirm('hmm')).toBeUndefined();
    expect(['gak ada yang cocok', 'none of them', 'ninguno', 'tidak'].map(refusesAll)).toEqual([true, true, true, true]);
  });
});
