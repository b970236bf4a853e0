import { describe, expect, it } from 'vitest';
import {
  extractBudget,
  extractDestination,
  extractDocuments,
  extractEmail,
  extractEnglish,
  extractFacts,
  extractGpa,
  extractName,
  extractProgram,
  extractTimeline,
  findSensitiveTopic,
  isDontKnow,
  isQuestion,
  isSmallTalk,
  parseAmount,
  parseYesNo,
  toeflToIelts,
  wantsHuman,
} from './extract.ts';
import { detectLanguage, personaLanguage } from './language.ts';

// Monday 6 April 2026, 09:00 in Jakarta.
const now = new Date('2026-04-06T02:00:00Z');
const timeZone = 'Asia/Jakarta';

describe('names', () => {
  it.each([
    ['nama saya Budi', false, 'Budi'],
    ['Nama saya budi santoso', false, 'Budi Santoso'],
    ['namaku Siti Rahmawati, dari Bandung', false, 'Siti Rahmawati'],
    ['Halo kak, nama aku Andi dan mau kuliah di Jepang', false, 'Andi'],
    ['perkenalkan, saya Dewi Lestari', false, 'Dewi Lestari'],
    ['my name is John Carter', false, 'John Carter'],
    ["Hi! My name's ana", false, 'Ana'],
    ['call me Mike.', false, 'Mike'],
    ['me llamo María López', false, 'María López'],
    ['Hola, mi nombre es José', false, 'José'],
    // Inside a message carrying other details (an SMS or a voice transcript):
    ['express pickup, 3 loads at 120 King St W, name is Sam', false, 'Sam'],
    ["the name's Tom Baker", false, 'Tom Baker'],
    ['la direccion es 45 spadina avenue a nombre de maria', false, 'Maria'],
    // Only when the name was asked:
    ['saya Budi', true, 'Budi'],
    ['saya Budi', false, undefined],
    ["I'm Ana", true, 'Ana'],
    ['soy Luis', true, 'Luis'],
    ['Budi Santoso', true, 'Budi Santoso'],
    ['budi, dari jakarta', true, 'Budi'],
    ['Budi, 25 tahun', true, 'Budi'],
    // Not names:
    ['saya mau kuliah di UK', false, undefined],
    ['saya mau tanya dulu', true, undefined],
    ['ya', true, undefined],
    ['jepang', true, undefined],
    ['belum tahu', true, undefined],
    ['rahasia', true, undefined],
    ['halo kak', true, undefined],
    ['berapa biayanya?', true, undefined],
    ["I'm interested in studying abroad", true, undefined],
    ['soy estudiante', true, undefined],
  ])('%j (asked %s) -> %j', (text, asked, expected) => {
    expect(extractName(text, asked)).toBe(expected);
  });
});

describe('email', () => {
  it.each([
    ['budi@example.com', 'budi@example.com'],
    ['email saya Budi.Santoso@Mail.co.id ya', 'budi.santoso@mail.co.id'],
    ['mi correo es maria_lopez+uni@example.co', 'maria_lopez+uni@example.co'],
    ['budi at example dot com', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(extractEmail(text)).toBe(expected);
  });
});

describe('destination countries and aliases', () => {
  it.each([
    ['mau kuliah di inggris', 'United Kingdom'],
    ['UK', 'United Kingdom'],
    ['Britania Raya', 'United Kingdom'],
    ['amerika', 'United States'],
    ['ke AS tahun depan', 'United States'],
    ['USA', 'United States'],
    ['jepang', 'Japan'],
    ['australia dong', 'Australia'],
    ['kanada', 'Canada'],
    ['jerman', 'Germany'],
    ['belanda', 'Netherlands'],
    ['korea selatan', 'South Korea'],
    ['singapura', 'Singapore'],
    ['I want to study in the United Kingdom', 'United Kingdom'],
    ['universities in the US', 'United States'],
    ['Japan or Korea', 'Japan'],
    ['quiero estudiar en Canadá', 'Canada'],
    ['Estados Unidos', 'United States'],
    ['Reino Unido', 'United Kingdom'],
    ['Alemania', 'Germany'],
    ['Japón', 'Japan'],
    // A language is not a country, and pronouns are not the US:
    ['bahasa inggris saya lumayan', undefined],
    ['kemampuan bahasa Jepang saya dasar', undefined],
    ['tell us about it', undefined],
    ['as soon as possible', undefined],
    ['di luar negeri', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(extractDestination(text)).toBe(expected);
  });
});

describe('English level and IELTS', () => {
  it.each([
    ['ielts 6.5', false, { english_level: 'IELTS 6.5', ielts: 6.5, ielts_source: 'ielts' }],
    ['IELTS saya 7', false, { english_level: 'IELTS 7.0', ielts: 7, ielts_source: 'ielts' }],
    ['skor IELTS overall 6,5', false, { english_level: 'IELTS 6.5', ielts: 6.5, ielts_source: 'ielts' }],
    ['I got 7.5 IELTS', false, { english_level: 'IELTS 7.5', ielts: 7.5, ielts_source: 'ielts' }],
    ['toefl ibt 95', false, { english_level: 'TOEFL 95', ielts: 7, ielts_source: 'toefl' }],
    ['TOEFL 80', false, { english_level: 'TOEFL 80', ielts: 6.5, ielts_source: 'toefl' }],
    ['toefl itp 550', false, { english_level: 'TOEFL 550', ielts: 6, ielts_source: 'toefl' }],
    ['bahasa inggris saya mahir', false, { english_level: 'advanced' }],
    ['my English is fluent', false, { english_level: 'advanced' }],
    ['C1', true, { english_level: 'advanced' }],
    ['advanced', true, { english_level: 'advanced' }],
    ['menengah', true, { english_level: 'intermediate' }],
    ['lumayan lah', true, { english_level: 'intermediate' }],
    ['intermedio', true, { english_level: 'intermediate' }],
    ['beginner', true, { english_level: 'beginner' }],
    ['masih pemula', true, { english_level: 'beginner' }],
    ['básico', true, { english_level: 'beginner' }],
    ['6.5', true, { english_level: 'IELTS 6.5', ielts: 6.5, ielts_source: 'ielts' }],
    // Level words count only about English or when English was asked:
    ['saya mahir main gitar', false, undefined],
    ['6.5', false, undefined],
    ['mau kuliah di Inggris', false, undefined],
  ])('%j (asked %s) -> %j', (text, asked, expected) => {
    expect(extractEnglish(text, asked)).toEqual(expected);
  });

  it('maps TOEFL iBT to IELTS bands as ETS publishes them', () => {
    expect([120, 110, 100, 94, 79, 78, 60, 46, 35, 20].map(toeflToIelts)).toEqual([9, 8, 7, 7, 6.5, 6, 6, 5.5, 5, 4]);
  });

  it('reads a GPA (IPK) on the 4.0 scale', () => {
    expect(extractGpa('IPK saya 3.45')).toBe(3.45);
    expect(extractGpa('GPA 3,2')).toBe(3.2);
    expect(extractGpa('mi promedio es 3.8')).toBe(3.8);
    expect(extractGpa('IPK 85.5')).toBeUndefined();
  });
});

describe('budget', () => {
  const id = { currency: 'IDR', language: 'id' as const };
  const en = { currency: 'IDR', language: 'en' as const };
  const es = { currency: 'COP', language: 'es' as const };
  it.each([
    ['500 juta', id, { budget: '500 juta', budget_amount: 500_000_000, budget_currency: 'IDR' }],
    ['sekitar 500jt', id, { budget: '500jt', budget_amount: 500_000_000, budget_currency: 'IDR' }],
    ['Rp 500.000.000', id, { budget: 'Rp 500.000.000', budget_amount: 500_000_000, budget_currency: 'IDR' }],
    ['Rp500rb', id, { budget: 'Rp500rb', budget_amount: 500_000, budget_currency: 'IDR' }],
    ['1,5 miliar', id, { budget: '1,5 miliar', budget_amount: 1_500_000_000, budget_currency: 'IDR' }],
    ['1M', id, { budget: '1M', budget_amount: 1_000_000_000, budget_currency: 'IDR' }],
    ['300-500 juta', id, { budget: '300-500 juta', budget_amount: 500_000_000, budget_currency: 'IDR' }],
    ['600 juta rupiah', id, { budget: '600 juta rupiah', budget_amount: 600_000_000, budget_currency: 'IDR' }],
    ['$30k', en, { budget: '$30k', budget_amount: 30_000, budget_currency: 'USD' }],
    ['USD 30,000', en, { budget: 'USD 30,000', budget_amount: 30_000, budget_currency: 'USD' }],
    ['about 40k AUD', en, { budget: '40k AUD', budget_amount: 40_000, budget_currency: 'AUD' }],
    ['£25,000 a year', en, { budget: '£25,000', budget_amount: 25_000, budget_currency: 'GBP' }],
    ['1.5m dollars', en, { budget: '1.5m dollars', budget_amount: 1_500_000, budget_currency: 'USD' }],
    ['30 mil dólares', es, { budget: '30 mil dólares', budget_amount: 30_000, budget_currency: 'USD' }],
    ['20.000 euros', es, { budget: '20.000 euros', budget_amount: 20_000, budget_currency: 'EUR' }],
    ['100 millones de pesos', es, { budget: '100 millones', budget_amount: 100_000_000, budget_currency: 'COP' }],
  ])('%j -> %j', (text, opts, expected) => {
    expect(extractBudget(text, opts)).toEqual(expected);
  });

  it('takes bare numbers only when the budget was asked, and never years or small numbers', () => {
    expect(extractBudget('500000000', { ...id })).toBeUndefined();
    expect(extractBudget('500000000', { ...id, asked: true })).toEqual({ budget: '500000000', budget_amount: 500_000_000, budget_currency: 'IDR' });
    expect(extractBudget('2027', { ...id, asked: true })).toBeUndefined();
    expect(extractBudget('ielts 6.5 dan S2', { ...id, asked: true })).toBeUndefined();
    expect(extractBudget('mau kuliah 2 tahun', { ...id })).toBeUndefined();
  });

  it('parses thousands separators and decimal marks', () => {
    expect([parseAmount('500.000.000'), parseAmount('30,000'), parseAmount('1,5'), parseAmount('1.5'), parseAmount('1.500.000,50'), parseAmount('2,500.75')]).toEqual([
      500_000_000, 30_000, 1.5, 1.5, 1_500_000.5, 2_500.75,
    ]);
  });
});

describe('timeline', () => {
  const opts = { now, timeZone };
  it.each([
    ['tahun depan', false, { timeline: 'tahun depan', timeline_year: 2027 }],
    ['2027', false, { timeline: '2027', timeline_year: 2027 }],
    ['intake september', false, { timeline: 'september', timeline_year: 2026, timeline_month: 9 }],
    ['Februari', false, { timeline: 'Februari', timeline_year: 2027, timeline_month: 2 }],
    ['September 2028', false, { timeline: 'September 2028', timeline_year: 2028, timeline_month: 9 }],
    ['next year', false, { timeline: 'next year', timeline_year: 2027 }],
    ['September next year', false, { timeline: 'September next year', timeline_year: 2027, timeline_month: 9 }],
    ['el próximo año', false, { timeline: 'el próximo año', timeline_year: 2027 }],
    ['2 tahun lagi', false, { timeline: '2 tahun lagi', timeline_year: 2028 }],
    ['in two years', false, { timeline: 'two years', timeline_year: 2028 }],
    ['en 3 años', false, { timeline: '3 años', timeline_year: 2029 }],
    ['6 bulan lagi', false, { timeline: '6 bulan lagi', timeline_year: 2026, timeline_month: 10 }],
    ['tahun ini', false, { timeline: 'tahun ini', timeline_year: 2026 }],
    ['secepatnya', false, { timeline: 'secepatnya', timeline_year: 2026, timeline_month: 4 }],
    ['masih lama', false, { timeline: 'masih lama', timeline_vague: true }],
    ['nanti dulu', true, { timeline: 'nanti dulu', timeline_vague: true }],
    ['not sure yet', true, { timeline: 'not sure', timeline_vague: true }],
    ['más adelante', true, { timeline: 'más adelante', timeline_vague: true }],
    // Not a plan:
    ['nanti dulu ya kak', false, undefined],
    ['saya lulus juni 2024', false, undefined],
    ['may I ask something', false, undefined],
    ['S2 2 tahun', false, undefined],
  ])('%j (asked %s) -> %j', (text, asked, expected) => {
    expect(extractTimeline(text, { ...opts, asked })).toEqual(expected);
  });
});

describe('program', () => {
  it.each([
    ['S2 computer science', 'S2 Computer Science'],
    ['mau kuliah S2 di UK', 'S2'],
    ['Halo, saya mau kuliah S2 computer science di UK', 'S2 Computer Science'],
    ['master', 'Master'],
    ["a master's in data science in the US", 'Master Data Science'],
    ['MBA', 'MBA'],
    ['PhD in physics', 'PhD Physics'],
    ['jurusan teknik informatika', 'Teknik Informatika'],
    ['quiero una maestría en administración', 'Maestría Administración'],
    ['S1 bisnis tahun depan', 'S1 Bisnis'],
    ['I want to study business', 'Business'],
    ['halo kak', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(extractProgram(text)).toBe(expected);
  });
});

describe('yes / no in three languages', () => {
  it.each([
    ['sudah', true], ['udah dong', true], ['ada', true], ['punya', true], ['iya', true], ['ya', true], ['siap', true], ['ok', true],
    ['yes', true], ['yep', true], ['I have', true], ['sí', true], ['si', true], ['claro', true], ['tengo', true],
    ['belum', false], ['tidak', false], ['gak', false], ['nggak', false], ['ga', false], ['blm', false], ['belum ada', false], ['gak punya', false],
    ['no', false], ['not yet', false], ["I don't have one", false], ['todavía no', false], ['aún no', false], ['no tengo', false],
    ['hmm', undefined], ['mungkin', undefined], ['maybe', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(parseYesNo(text)).toBe(expected);
  });

  it('reads several documents in one message', () => {
    expect(extractDocuments('paspor sudah, CV belum')).toEqual({ passport: true, cv: false });
    expect(extractDocuments('paspor dan CV sudah ada tapi transkrip belum')).toEqual({ passport: true, cv: true, transcript: false });
    expect(extractDocuments('belum ada IELTS')).toEqual({ english_test: false });
    expect(extractDocuments('I have my passport but not my transcript yet')).toEqual({ passport: true, transcript: false });
    expect(extractDocuments('tengo pasaporte, pero todavía no tengo el CV')).toEqual({ passport: true, cv: false });
    expect(extractDocuments('paspor itu perlu?')).toEqual({});
  });

  it('reads "sudah semua" at a document question as every document ready', () => {
    const facts = extractFacts('sudah semua kak', { pending: 'cv', language: 'id', now, timeZone, currency: 'IDR' });
    expect(facts.documents).toEqual({ passport: true, cv: true, english_test: true, transcript: true });
  });

  it('answers the pending document with the clause that names no other document', () => {
    const facts = extractFacts('ya, tapi CV belum', { pending: 'passport', language: 'id', now, timeZone, currency: 'IDR' });
    expect(facts.documents).toEqual({ passport: true, cv: false });
  });
});

describe('intents', () => {
  it.each([
    ['berapa biaya konsultasi?', true], ['berapa biaya konsultasinya', true], ['bagaimana cara daftar', true], ['kapan intake berikutnya', true],
    ['dimana kantornya', true], ['What are the fees', true], ['how long is the program', true], ['¿cuánto cuesta?', true], ['qué universidades hay', true],
    ['dónde queda la oficina', true], ['nama saya Budi', false], ['tahun depan', false], ['ok', false],
    ['mau tanya dong, biaya kuliah di UK berapa', true], ['tahun ini apa tahun depan ya', false], ['como 30 mil dólares', false],
  ])('question %j -> %s', (text, expected) => {
    expect(isQuestion(text)).toBe(expected);
  });

  it('does not read the answer to the pending question as a question', () => {
    expect(isQuestion('belum tahu kapan')).toBe(true);
    expect(isQuestion('belum tahu kapan', true)).toBe(false);
    expect(isQuestion('kapan ya, mungkin 2027?', true)).toBe(true);
  });

  it.each([
    ['mau bicara sama orang', true], ['mau bicara sama orang aja', true], ['bisa hubungkan dengan konsultan?', true], ['minta admin dong', true],
    ['konsultan', true], ['human', true], ['agent', true], ['I want a real person', true], ['can I speak to someone', true], ['talk to a human please', true],
    ['quiero hablar con una persona', true], ['necesito un asesor', true],
    ['S2 human resources', false], ['berapa biaya konsultasi?', false], ['saya mau konsultasi', false], ['orang tua saya setuju', false],
  ])('asks for a person: %j -> %s', (text, expected) => {
    expect(wantsHuman(text)).toBe(expected);
  });

  it.each([
    ['gimana cara urus visa?', 'visa'], ['visanya susah gak', 'visa'], ['ada masalah hukum', 'hukum'], ['saya mau komplain', 'komplain'],
    ['I need a refund', 'refund'], ['tengo una queja', 'queja'], ['legalisir ijazah di mana?', undefined], ['advisor', undefined],
  ])('sensitive %j -> %j', (text, expected) => {
    expect(findSensitiveTopic(text)).toBe(expected);
  });

  it('uses the workspace list of sensitive topics when given', () => {
    expect(findSensitiveTopic('gimana cara urus visa?', ['refund'])).toBeUndefined();
    expect(findSensitiveTopic('soal asrama gimana', ['asrama'])).toBe('asrama');
  });

  it('recognises declining, small talk', () => {
    expect(['belum tahu', 'gak tau', 'skip', "I don't know", 'no sé', 'rahasia'].map(isDontKnow)).toEqual([true, true, true, true, true, true]);
    expect(isDontKnow('tahun depan')).toBe(false);
    expect(['halo kak', 'ok makasih', 'thanks!', 'hola', 'apa kabar?'].map(isSmallTalk)).toEqual([true, true, true, true, true]);
    expect(isSmallTalk('halo, saya Budi')).toBe(false);
  });
});

describe('language detection', () => {
  it.each([
    ['Halo kak, saya mau tanya soal kuliah', undefined, 'id'],
    ['Nama saya Budi', undefined, 'id'],
    ['belum', undefined, 'id'],
    ["Hi, I'd like to study a master's in the US", undefined, 'en'],
    ['My name is John', undefined, 'en'],
    ['Hola, quiero estudiar en Canadá', undefined, 'es'],
    ['me llamo María', undefined, 'es'],
    ['¿Cuánto cuesta?', undefined, 'es'],
    // Says nothing about its language: undefined, the caller keeps the conversation's.
    ['2', 'id', undefined],
    ['ok', 'id', undefined],
    ['Budi Santoso', undefined, undefined],
    ['budi@example.com', 'en', undefined],
    // A greeting alone does not tell.
    ['hi', 'id', undefined],
    ['hello', undefined, undefined],
    ['Hola', undefined, undefined],
    ['Halo, my name is John', 'id', 'en'],
  ])('%j (current %s) -> %s', (text, current, expected) => {
    expect(detectLanguage(text, current as 'id' | 'en' | 'es' | undefined)).toBe(expected);
  });

  it('maps persona language codes', () => {
    expect(['id', 'en', 'es-CO', 'fr', ''].map(personaLanguage)).toEqual(['id', 'en', 'es', 'en', 'en']);
  });
});
