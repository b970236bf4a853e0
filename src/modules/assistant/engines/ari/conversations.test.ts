import { describe, expect, it } from 'vitest';
import { applyPaymentEvent, decideTurn } from './engine.ts';
import { demoConfig, demoDestinations, demoDocs, demoSlots, fakeTools, type FakeStore, type FakeTools } from '../../../../../test/support/assistant-engine.ts';
import type { Context, State, TurnConfig, TurnResult } from './types.ts';

/** Monday 6 April 2026, 09:00 in Jakarta (pagi). */
const now = new Date('2026-04-06T02:00:00Z');
const timeZone = 'Asia/Jakarta';
const slots = demoSlots(now);

interface Run {
  turns: TurnResult[];
  last: TurnResult;
  /** Every state visited, consecutive duplicates collapsed. */
  path: State[];
  context: Context;
  tools: FakeTools;
}

async function converse(messages: string[], opts: { config?: TurnConfig; store?: Partial<FakeStore>; state?: State; context?: object; at?: Date } = {}): Promise<Run> {
  const tools = fakeTools({ docs: demoDocs, destinations: demoDestinations, slots, now, ...opts.store });
  const config = opts.config ?? demoConfig();
  let state: State = opts.state ?? 'greeting';
  let context: object = opts.context ?? {};
  const turns: TurnResult[] = [];
  const path: State[] = [state];
  for (const message of messages) {
    const r = await decideTurn({ message, now: opts.at ?? now, timeZone, state, context, config }, tools);
    turns.push(r);
    for (const s of r.path.slice(1)) path.push(s);
    state = r.state;
    // What the store would keep: JSON.
    context = JSON.parse(JSON.stringify(r.context));
  }
  return { turns, last: turns.at(-1)!, path, context: context as Context, tools };
}

const replies = (run: Run) => run.turns.map((t) => t.reply);

describe('an Indonesian hot lead books and pays', () => {
  const script = ['Halo, saya mau kuliah S2 computer science di UK', 'Nama saya Budi Santoso', 'IELTS saya 7.0', 'sekitar 600 juta', 'tahun depan', 'budi@example.com', 'pilih 2', 'ya'];

  it('qualifies, scores hot, offers five slots, books slot 2 and sends the payment link', async () => {
    const run = await converse(script);
    expect(run.path).toEqual(['greeting', 'qualifying', 'scoring', 'booking', 'payment']);
    expect(run.turns.map((t) => t.state)).toEqual(['qualifying', 'qualifying', 'qualifying', 'qualifying', 'qualifying', 'booking', 'booking', 'payment']);
    expect(run.context).toMatchObject({
      name: 'Budi Santoso',
      email: 'budi@example.com',
      destination: 'United Kingdom',
      english_level: 'IELTS 7.0',
      ielts: 7,
      budget: '600 juta',
      budget_amount: 600_000_000,
      budget_currency: 'IDR',
      timeline: 'tahun depan',
      timeline_year: 2027,
      program: 'S2 Computer Science',
      documents: { english_test: true },
      appointment_id: 'appt-1',
      payment_url: 'https://pay.example.test/snap/appt-1',
      language: 'id',
    });
    expect(run.last).toMatchObject({ lead_temperature: 'hot', lead_status: 'hot_lead', handoff: null });
    expect(run.last.lead_score).toBeGreaterThanOrEqual(70);

    const [greeting, , , , , offer, confirm, paid] = replies(run);
    expect(greeting).toBe('Selamat pagi! Saya ARI dari Eagle Overseas, siap bantu rencana kuliah kamu ke luar negeri. Boleh tahu nama lengkap kamu?');
    expect(offer).toBe(
      [
        'Profil kamu cocok untuk konsultasi 1-on-1 dengan konsultan kami (60 menit, Rp 500.000). Pilih jadwalnya:',
        ...slots.slice(0, 5).map((s, i) => `${i + 1}. ${s.local_label}`),
        'Balas dengan nomornya, misalnya "2".',
      ].join('\n'),
    );
    expect(confirm).toBe(`Jadwal ${slots[1]!.local_label}, betul? Balas "ya" untuk konfirmasi.`);
    expect(paid).toContain('Silakan bayar Rp 500.000 lewat link ini: https://pay.example.test/snap/appt-1');
    expect(run.tools.booked).toEqual([{ appointment_id: 'appt-1', slot: slots[1] }]);
    expect(run.last.toolCalls.map((c) => c.name)).toEqual(['book', 'paymentLink']);
    expect(run.last.stage).toMatchObject({ name: 'payment', goal: 'Mengirim link pembayaran Midtrans untuk konsultasi' });
  });

  it('asks one thing per message, in the fixed order, skipping what the lead already told', async () => {
    const run = await converse(script.slice(0, 5));
    expect(run.turns.map((t) => t.context.pending)).toEqual(['name', 'english_level', 'budget', 'timeline', 'email']);
    expect(run.turns.map((t) => t.context.asked.length)).toEqual([1, 2, 3, 4, 5]);
  });

  it('moves to scheduling when the payment settles, then completes and stays silent', async () => {
    const run = await converse(script);
    const event = applyPaymentEvent({ state: run.last.state, context: run.context, event: 'paid', now, timeZone, persona: demoConfig().persona, currency: 'IDR' });
    expect(event.state).toBe('scheduling');
    expect(event.reply).toBe(`Pembayaran diterima. Jadwal konsultasi kamu: ${slots[1]!.local_label}. Link meeting akan dikirim 1 jam sebelum jadwal.`);
    const after = await converse(['ok makasih', 'halo?'], { state: event.state, context: event.context });
    expect(after.turns.map((t) => [t.state, t.reply])).toEqual([
      ['completed', 'Sama-sama! Sampai jumpa di sesi konsultasi.'],
      ['completed', null],
    ]);
  });

  it('narrows the slots by day name before choosing', async () => {
    const run = await converse([...script.slice(0, 6), 'rabu', '2', 'ya']);
    expect(replies(run)[6]).toBe(['Baik, ini pilihan jadwalnya:', `1. ${slots[2]!.local_label}`, `2. ${slots[3]!.local_label}`, 'Balas dengan nomornya, misalnya "2".'].join('\n'));
    expect(run.tools.booked[0]!.slot).toEqual(slots[3]);
    expect(run.last.state).toBe('payment');
  });

  it('offers the remaining slots when the chosen one is taken before the confirmation', async () => {
    const run = await converse([...script, '1', 'ya'], { store: { takenOnBook: new Set([slots[1]!.start]) } });
    const taken = run.turns[7]!;
    expect(taken.state).toBe('booking');
    expect(taken.reply).toBe(
      ['Maaf, jadwal itu baru saja terisi. Ini pilihan lainnya:', ...[0, 2, 3, 4, 5].map((i, n) => `${n + 1}. ${slots[i]!.local_label}`), 'Balas dengan nomornya, misalnya "2".'].join('\n'),
    );
    expect(taken.toolCalls).toMatchObject([{ name: 'book', error: expect.stringContaining('booking.slot_taken') }, { name: 'availableSlots' }]);
    expect(run.path).toEqual(['greeting', 'qualifying', 'scoring', 'booking', 'payment']);
    expect(run.tools.booked).toEqual([{ appointment_id: 'appt-1', slot: slots[0] }]);
  });

  it('confirms without payment when the workspace does not charge', async () => {
    const run = await converse(script, { config: demoConfig({ chargesForConsultation: false }) });
    expect(run.last.state).toBe('scheduling');
    expect(run.last.reply).toBe(`Jadwal konsultasi kamu terkonfirmasi: ${slots[1]!.local_label}. Link meeting akan dikirim 1 jam sebelum jadwal.`);
    expect(run.tools.calls).not.toContain('paymentLink');
  });
});

describe('a warm lead is nurtured', () => {
  const script = ['Halo kak', 'Siti Rahmawati', 'Australia', 'menengah', '400 juta', '2028', 'siti@example.id', 'paspor sudah', 'belum', 'belum', 'ada'];

  it('asks all ten questions, scores warm, shares knowledge, answers questions and stays in scoring', async () => {
    const run = await converse([...script, 'ada beasiswa gak?', 'ok']);
    expect(run.path).toEqual(['greeting', 'qualifying', 'scoring']);
    expect(run.context).toMatchObject({
      name: 'Siti Rahmawati',
      destination: 'Australia',
      english_level: 'intermediate',
      budget_amount: 400_000_000,
      timeline: '2028',
      email: 'siti@example.id',
      documents: { passport: true, cv: false, english_test: false, transcript: true },
    });
    expect(run.context.asked).toEqual(['name', 'destination', 'english_level', 'budget', 'timeline', 'email', 'passport', 'cv', 'english_test', 'transcript']);
    expect(run.turns[10]).toMatchObject({ state: 'scoring', lead_temperature: 'warm', lead_score: 65 });
    expect(run.turns[10]!.reply).toBe(
      'Terima kasih, datanya sudah lengkap. Info yang mungkin berguna (Beasiswa LPDP): LPDP membiayai kuliah S2/S3 penuh termasuk tunjangan hidup. Syarat umum: IPK minimal 3.0, IELTS 6.5, dan surat rekomendasi. Ada yang ingin kamu tanyakan soal kuliah di Australia?',
    );
    expect(run.turns[11]!.reply).toMatch(/^LPDP membiayai kuliah S2\/S3 penuh/);
    expect(run.last).toMatchObject({ state: 'scoring', lead_temperature: 'warm', lead_status: 'prospect', handoff: null });
    expect(run.context.reasons).toContain('Timeline jauh (2028) - penalti');
    // Scoring never offers a consultation or payment.
    expect(run.tools.calls).not.toContain('availableSlots');
    expect(replies(run).join(' ')).not.toMatch(/Pilih jadwal|bayar/);
  });

  it('becomes hot and is offered a consultation when new facts raise the score', async () => {
    const hotter = demoConfig({ scoring: { hot_threshold: 68, warm_threshold: 40, weight_basic: 25, weight_qualification: 35, weight_document: 30, weight_engagement: 10 } });
    const run = await converse([...script, 'oh iya, IELTS saya 7 sebenarnya'], { config: hotter });
    expect(run.path).toEqual(['greeting', 'qualifying', 'scoring', 'booking']);
    // The new score is acknowledged before the offer.
    expect(run.last.reply).toMatch(/^Oke, dicatat: bahasa Inggris IELTS 7\.0\.\nProfil kamu cocok untuk konsultasi 1-on-1/);
  });

  it('hands over after more than ten turns without progress', async () => {
    const run = await converse([...script, ...Array(11).fill('ok')]);
    expect(run.turns.slice(11, 21).every((t) => t.state === 'scoring')).toBe(true);
    expect(run.last).toMatchObject({ state: 'handoff', handoff: { reason: 'auto_handoff_stuck', tags: ['Follow-up'] } });
    expect(run.last.reply).toBe('Maaf kalau saya belum bisa membantu dengan baik. Saya hubungkan kamu dengan konsultan kami, mereka akan membalas secepatnya.');
  });
});

describe('a cold lead', () => {
  it('gets the community link, a follow-up date 30 days later, and a handoff', async () => {
    const run = await converse(['halo', 'andi', 'jepang', 'pemula', 'belum tahu', 'nanti dulu', 'gak punya', 'belum', 'belum', 'belum', 'belum']);
    expect(run.path).toEqual(['greeting', 'qualifying', 'scoring', 'handoff']);
    expect(run.context).toMatchObject({ name: 'Andi', destination: 'Japan', english_level: 'beginner', timeline: 'nanti dulu', timeline_vague: true, skipped: ['budget', 'email'] });
    expect(run.last).toMatchObject({ lead_score: 30, lead_temperature: 'cold', lead_status: 'cold_lead' });
    expect(run.last.reply).toBe(
      'Terima kasih! Untuk sekarang, gabung dulu di komunitas kami untuk info beasiswa dan persiapan kuliah: https://chat.whatsapp.com/eagle-community. Kami akan menghubungi kamu lagi sekitar 6 Mei 2026.',
    );
    expect(run.context.follow_up_at).toBe('2026-05-06T02:00:00.000Z');
    expect(run.last.handoff).toEqual({
      reason: 'cold_lead_follow_up',
      tags: ['Community', 'Follow-up'],
      summary:
        '[ARI Summary] Skor 30 (cold). Nama: Andi. Negara: Jepang. Budget: -. Timeline: nanti dulu. Bahasa Inggris: beginner. Program: -. ' +
        'Dokumen: paspor belum, CV belum, tes Inggris belum, transkrip belum. Topik: -. Keterlibatan: 5/10. Alasan: cold_lead_follow_up. Follow up: 2026-05-06.',
    });
    // Handed off: the engine stays silent.
    expect((await converse(['halo?'], { state: 'handoff', context: run.context })).last).toMatchObject({ reply: null, state: 'handoff' });
  });
});

describe('handoff', () => {
  it('hands over mid-flow when the lead asks for a person, with a summary of what is known', async () => {
    const run = await converse(['Halo', 'Nama saya Dewi', 'Australia', 'IELTS 6.5', 'mau bicara sama orang aja']);
    expect(run.path).toEqual(['greeting', 'qualifying', 'handoff']);
    expect(run.last.reply).toBe('Baik, saya hubungkan kamu dengan konsultan kami. Mereka akan membalas di chat ini secepatnya.');
    expect(run.last.handoff).toMatchObject({ reason: 'human_requested', tags: ['Follow-up'] });
    expect(run.last.handoff!.summary).toMatch(/^\[ARI Summary\] Skor 39 \(cold\)\. Nama: Dewi\. Negara: Australia\. .*Bahasa Inggris: IELTS 6\.5\. .*Alasan: human_requested\.$/);
    expect(run.context).toMatchObject({ handoff_reason: 'human_requested', handoff_at: now.toISOString(), pending: null });
  });

  it.each([
    ['gimana cara urus visa ke Australia?', 'sensitive_topic:visa', 'Untuk soal visa, konsultan kami yang akan membantu langsung. Mereka akan membalas di chat ini secepatnya.'],
    ['saya mau komplain', 'sensitive_topic:komplain', 'Untuk soal komplain, konsultan kami yang akan membantu langsung. Mereka akan membalas di chat ini secepatnya.'],
    ['I need a refund', 'sensitive_topic:refund', "For refund, one of our consultants will help you directly. They'll reply in this chat shortly."],
    ['quiero hablar con una persona', 'human_requested', 'Claro, te comunico con uno de nuestros asesores. Te responderá en este chat muy pronto.'],
    ['can I talk to a human?', 'human_requested', "Sure, I'm connecting you with one of our consultants. They'll reply in this chat shortly."],
  ])('hands over on %j', async (message, reason, reply) => {
    const run = await converse(['Halo', message]);
    expect(run.last).toMatchObject({ state: 'handoff', reply, handoff: { reason } });
  });

  it('uses the sensitive topics the workspace marks', async () => {
    const run = await converse(['Halo', 'gimana soal asrama?'], { config: demoConfig({ sensitiveTopics: ['asrama'] }) });
    expect(run.last.handoff?.reason).toBe('sensitive_topic:asrama');
    const visa = await converse(['Halo', 'gimana cara urus visa?'], { config: demoConfig({ sensitiveTopics: ['asrama'] }) });
    expect(visa.last.state).toBe('qualifying');
  });

  it('hands over after three misunderstood answers in a row', async () => {
    const run = await converse(['Halo', 'Dewi', 'asdf qwer', 'zzzz', 'xx yy']);
    expect(run.turns.slice(2).map((t) => t.state)).toEqual(['qualifying', 'qualifying', 'handoff']);
    expect(run.turns[2]!.reply).toBe('Maaf, saya belum menangkap jawabannya. Negara tujuannya ke mana? UK, Australia, atau yang lain?');
    expect(run.last.handoff?.reason).toBe('repeated_misunderstanding');
  });

  it('resets the misunderstanding count once an answer is understood', async () => {
    const run = await converse(['Halo', 'Dewi', 'asdf', 'zzzz', 'Australia', 'qqq', 'www']);
    expect(run.last.state).toBe('qualifying');
  });

  it('hands hot leads to a consultant when the workspace switched the booking stage off', async () => {
    const stages = demoConfig().stages.map((s) => (s.name === 'booking' ? { ...s, is_active: false } : s));
    const run = await converse(['Halo, saya mau kuliah S2 computer science di UK', 'Nama saya Budi Santoso', 'IELTS saya 7.0', 'sekitar 600 juta', 'tahun depan', 'budi@example.com'], { config: demoConfig({ stages }) });
    expect(run.path).toEqual(['greeting', 'qualifying', 'scoring', 'handoff']);
    expect(run.last.handoff).toMatchObject({ reason: 'hot_lead', tags: ['1on1'] });
  });
});

describe('an English lead', () => {
  it('is served in English from the first message to the booking', async () => {
    const run = await converse(
      ["Hi, I'd like to study a master's in data science in the US", 'My name is John Carter', 'IELTS 7.5', '$60k', 'September next year', 'john@example.com', 'the second one', 'yes'],
      { config: demoConfig({ chargesForConsultation: false }) },
    );
    expect(run.path).toEqual(['greeting', 'qualifying', 'scoring', 'booking', 'scheduling']);
    expect(run.context).toMatchObject({ name: 'John Carter', destination: 'United States', program: 'Master Data Science', ielts: 7.5, budget_amount: 60_000, budget_currency: 'USD', timeline_year: 2027, timeline_month: 9, language: 'en' });
    expect(replies(run)[0]).toBe("Good morning! I'm ARI from Eagle Overseas, here to help with your study-abroad plans. May I have your full name?");
    expect(replies(run)[1]).toBe('Nice to meet you, John! How is your English: beginner, intermediate, advanced, or do you have an IELTS score?');
    expect(run.last.reply).toBe(`Your consultation is confirmed for ${slots[1]!.local_label}. We'll send the meeting link 1 hour before.`);
    expect(run.last.context.reasons.at(-1)).toMatch(/^Score \d+: hot \(>= 70\)$/);
    expect(run.last.language).toBe('en');
  });
});

describe('a Spanish lead', () => {
  it('qualifies in Spanish and picks "opción 2"', async () => {
    const run = await converse(['Hola, buenos días', 'me llamo María López', 'Canadá', 'intermedio', '30 mil dólares', 'el próximo año', 'maria@example.co', 'sí', 'todavía no', 'no', 'sí', 'opción 2', 'sí']);
    expect(run.path).toEqual(['greeting', 'qualifying', 'scoring', 'booking', 'payment']);
    expect(run.context).toMatchObject({ name: 'María López', destination: 'Canada', budget_amount: 30_000, budget_currency: 'USD', documents: { passport: true, cv: false, english_test: false, transcript: true }, language: 'es' });
    expect(replies(run)[0]).toBe('¡Buenos días! Soy ARI de Eagle Overseas y te ayudo con tus planes de estudiar en el extranjero. ¿Cuál es tu nombre completo?');
    expect(run.last.reply).toMatch(/^Te reservamos .* Paga Rp 500\.000 aquí: https:\/\/pay\.example\.test\/snap\/appt-1/);
  });
});

describe('answers from knowledge', () => {
  it('answers from an FAQ, counts its use, and goes on with the next question', async () => {
    const run = await converse(['Halo', 'Nama saya Dewi', 'dokumen apa saja yang perlu disiapkan untuk daftar?']);
    expect(run.last.reply).toBe(
      'Siapkan paspor, CV, sertifikat IELTS atau TOEFL, transkrip nilai, dan surat rekomendasi. Kami bantu cek kelengkapannya. Negara tujuannya ke mana? UK, Australia, atau yang lain?',
    );
    expect(run.tools.faqUses).toEqual(['faq-docs']);
    expect(run.last.toolCalls.map((c) => c.name)).toEqual(['searchKnowledge', 'recordFaqUse']);
    expect(run.last.state).toBe('qualifying');
    expect(run.context.pending).toBe('destination');
  });

  it('answers from a knowledge entry without counting FAQ use', async () => {
    const run = await converse(['Halo', 'berapa biaya konsultasinya?']);
    expect(run.last.reply).toMatch(/^Konsultasi 1-on-1 selama 60 menit dengan konsultan senior: Rp 500\.000/);
    expect(run.tools.faqUses).toEqual([]);
  });

  it('says so honestly and offers a person when nothing answers well', async () => {
    const run = await converse(['Halo', 'Nama saya Dewi', 'apakah bisa bayar cicilan?', 'konsultan']);
    expect(run.turns[2]!.reply).toBe(
      'Maaf, saya belum punya informasi yang pasti soal itu. Kalau mau dibantu konsultan kami, balas "konsultan". Negara tujuannya ke mana? UK, Australia, atau yang lain?',
    );
    expect(run.turns[2]!.state).toBe('qualifying');
    expect(run.tools.faqUses).toEqual([]);
    expect(run.last).toMatchObject({ state: 'handoff', handoff: { reason: 'human_requested' } });
  });

  it('does not answer "living costs in Tokyo" with the Melbourne article', async () => {
    const run = await converse(['Halo', 'berapa biaya hidup di tokyo?']);
    expect(run.last.reply).toMatch(/^Maaf, saya belum punya informasi yang pasti soal itu\./);
  });

  it('lists destinations, promoted first, and notes which the lead qualifies for', async () => {
    const run = await converse(['Halo', 'Nama saya Budi', 'IELTS 6.5', 'budget 500 juta', 'kampus di inggris apa saja?']);
    expect(run.last.reply).toBe(
      "Kampus di Inggris yang bisa kami bantu: University of Manchester, King's College London. Yang sesuai profil kamu: University of Manchester. Rencananya mau berangkat kapan? Tahun ini atau tahun depan?",
    );
    expect(run.last.toolCalls).toEqual([{ name: 'findDestinations', args: 'United Kingdom', result: expect.any(Array) }]);
  });

  it('says honestly when a country has no destinations', async () => {
    const run = await converse(['Halo', 'universitas di jerman apa saja?']);
    expect(run.last.reply).toMatch(/^Maaf, saya belum punya data kampus di Jerman\./);
  });
});

describe('greeting and persona', () => {
  it.each([
    ['2026-04-06T06:00:00Z', 'Selamat siang!'],
    ['2026-04-06T09:00:00Z', 'Selamat sore!'],
    ['2026-04-06T13:00:00Z', 'Selamat malam!'],
    ['2026-04-05T21:30:00Z', 'Selamat malam!'],
    ['2026-04-05T22:00:00Z', 'Selamat pagi!'],
  ])('greets by the time of day in the workspace time zone at %s', async (at, greeting) => {
    const run = await converse(['halo'], { at: new Date(at) });
    expect(run.last.reply!.startsWith(greeting)).toBe(true);
  });

  it('greets in English and Spanish by time of day, with the persona name', async () => {
    const persona = { ...demoConfig().persona, bot_name: 'Sarah' };
    const en = await converse(['hello, I want to study abroad'], { at: new Date('2026-04-06T13:00:00Z'), config: demoConfig({ persona, businessName: undefined }) });
    expect(en.last.reply).toBe("Good evening! I'm Sarah, here to help with your study-abroad plans. May I have your full name?");
    const es = await converse(['hola, quiero estudiar afuera'], { at: new Date('2026-04-06T08:00:00Z'), config: demoConfig({ persona }) });
    expect(es.last.reply!.startsWith('¡Buenas tardes! Soy Sarah de Eagle Overseas')).toBe(true);
  });

  it('falls back to the persona language when a message does not tell', async () => {
    const en = await converse(['2'], { config: demoConfig({ persona: { ...demoConfig().persona, language: 'en' } }) });
    expect(en.last.language).toBe('en');
    const id = await converse(['budi@example.com']);
    expect(id.last.language).toBe('id');
  });

  it('uses the flow stages\' sample scripts in the persona language, and "Anda" for a formal persona', async () => {
    const stages = demoConfig().stages.map((s) => (s.name === 'greeting' ? { ...s, sample_script: 'Saya {bot_name}, konsultan virtual {business}.' } : s));
    const persona = { ...demoConfig().persona, greeting_style: 'formal' as const };
    const id = await converse(['halo'], { config: demoConfig({ stages, persona }) });
    expect(id.last.reply).toBe('Selamat pagi! Saya ARI, konsultan virtual Eagle Overseas. Boleh tahu nama lengkap Anda?');
    const en = await converse(['hello there, I want to study'], { config: demoConfig({ stages, persona }) });
    expect(en.last.reply).toContain("I'm ARI from Eagle Overseas");
  });

  it('never uses emoji and keeps replies short outside slot lists', async () => {
    const run = await converse(['Halo', 'Nama saya Dewi', 'Australia', 'berapa biaya hidup di melbourne?', 'menengah']);
    for (const reply of replies(run)) {
      expect(reply).not.toMatch(/\p{Extended_Pictographic}/u);
      expect(reply!.split(/(?<=[.!?])\s+/).length).toBeLessThanOrEqual(4);
    }
  });
});

describe('contexts from the store', () => {
  it('continues the demo seed\'s hot lead in booking by offering slots', async () => {
    const context = { name: 'Budi Santoso', destination: 'United Kingdom', english_level: 'IELTS 7.0', budget: 'Rp 600 juta', timeline: '2027', program: 'Computer Science', documents: { passport: true, cv: true, english_test: true, transcript: true } };
    const run = await converse(['halo, jadi gimana jadwalnya?'], { state: 'booking', context });
    expect(run.last.state).toBe('booking');
    expect(run.last.reply).toContain(`1. ${slots[0]!.local_label}`);
    expect(run.last.lead_temperature).toBe('hot');
  });

  it('continues the demo seed\'s warm lead in qualifying with its first missing item', async () => {
    const context = { name: 'Siti Rahmawati', destination: 'Australia', english_level: 'intermediate', budget: 'Rp 400 juta' };
    const run = await converse(['oke kak'], { state: 'qualifying', context });
    expect(run.last.reply).toBe('Rencananya mau berangkat kapan? Tahun ini atau tahun depan?');
    expect(run.context.pending).toBe('timeline');
  });

  it('is deterministic: the same input gives the same output', async () => {
    const a = await converse(['Halo, saya mau kuliah S2 di UK', 'Nama saya Budi', 'ielts 7']);
    const b = await converse(['Halo, saya mau kuliah S2 di UK', 'Nama saya Budi', 'ielts 7']);
    expect(a.turns).toEqual(b.turns);
  });
});
