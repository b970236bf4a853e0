import { describe, expect, it } from 'vitest';
import { extractBudget, extractDestination, extractEnglish, extractName, extractTimeline, isEmptyMessage, isSmallTalk } from './extract.ts';
import { spellNumbers } from './numbers.ts';

const idr = { currency: 'IDR', language: 'id' as const };
const now = new Date('2026-04-06T02:00:00Z');

describe('amounts written in words', () => {
  it.each([
    ['enam ratus juta', '600 juta'],
    ['satu setengah miliar', '1500 juta'],
    ['dua ratus lima puluh ribu', '250 ribu'],
    ['dua belas juta', '12 juta'],
    ['sejuta', '1 juta'],
    ['six hundred million rupiah', '600 million rupiah'],
    ['around forty thousand pounds', 'around 40 thousand pounds'],
    ['two hundred and fifty thousand', '250 thousand'],
    // Digits stay as they are; a lone number word with no scale is left alone.
    ['eh maaf, budgetnya 400 juta', 'eh maaf, budgetnya 400 juta'],
    ['the tuesday one', 'the tuesday one'],
    ['dua tahun lagi', 'dua tahun lagi'],
  ])('%j -> %j', (text, expected) => {
    expect(spellNumbers(text)).toBe(expected);
  });

  it.each([
    ['enam ratus juta', 600_000_000, 'IDR'],
    ['600jt', 600_000_000, 'IDR'],
    ['kira2 1,2 M kak', 1_200_000_000, 'IDR'],
    ['$40k', 40_000, 'USD'],
    ['about forty thousand dollars', 40_000, 'USD'],
    ['eh maaf, budgetnya 400 juta', 400_000_000, 'IDR'],
  ])('reads the budget in %j', (text, amount, currency) => {
    expect(extractBudget(text, idr)).toMatchObject({ budget_amount: amount, budget_currency: currency });
  });
});

describe('real writing', () => {
  it('reads a country with one typo or a city, but not a language or a real word near a country', () => {
    expect(['mau ke australi', 'kuliah di kanadaa', 'mau ke inggirs', 'University of Melbourne', 'kuliah di Tokyo'].map(extractDestination)).toEqual(['Australia', 'Canada', 'United Kingdom', 'Australia', 'Japan']);
    expect(['bahasa inggris saya menengah', 'bahasa inggirs saya lumayan', 'I went to Iceland', 'my german is ok'].map(extractDestination)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads a name given first in a chat message, ended by a comma, and chat-style English scores', () => {
    expect(extractName('sy budi, mau S2 di inggris')).toBe('Budi');
    expect(extractName("I'm Sarah, planning a masters in Canada")).toBe('Sarah');
    expect(extractName('saya mau kuliah, budget 500jt')).toBeUndefined();
    expect(extractName('sy Budi Santoso kak', true)).toBe('Budi Santoso');
    expect(extractEnglish('ielts udh 7')).toMatchObject({ ielts: 7 });
    expect(extractEnglish('toefl aku udah 95')).toMatchObject({ english_level: 'TOEFL 95' });
  });

  it('reads "thn dpn" and a year followed by a comma', () => {
    expect(extractTimeline('rencana brgkt thn dpn', { now, timeZone: 'Asia/Jakarta' })).toMatchObject({ timeline_year: 2027 });
    expect(extractTimeline('brgkt sept 2027, email budi@x.com', { now, timeZone: 'Asia/Jakarta' })).toMatchObject({ timeline_year: 2027, timeline_month: 9 });
  });

  it('calls punctuation and fillers empty, and empty messages no small talk', () => {
    expect(['???', '...', 'hmm', 'eh', '🙂'].map(isEmptyMessage)).toEqual([true, true, true, true, true]);
    expect(['ok', 'paspor sudah', '2'].map(isEmptyMessage)).toEqual([false, false, false]);
    expect(isSmallTalk('...')).toBe(false);
    expect(isSmallTalk('oke makasih')).toBe(true);
  });
});
