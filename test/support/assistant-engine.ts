import { ariDestinations, ariStages } from '../../src/apps/ari/template.ts';
import { words } from '../../src/modules/assistant/engines/ari/text.ts';
import { DEFAULT_SCORING, SlotTakenError, type DestinationOption, type FlowStage, type KnowledgeHit, type Persona, type Slot, type Tools, type TurnConfig } from '../../src/modules/assistant/engines/ari/types.ts';

/**
 * In-memory tools for tests, benchmarks and demos of the engine without a database. The
 * search imitates the real one: OR over the query's words, title words weigh more than
 * body words, divided by the number of query words (as ts_rank does for OR queries).
 */

export interface FakeDoc {
  source: KnowledgeHit['source'];
  id: string;
  title: string;
  body: string;
}

export interface FakeStore {
  docs: FakeDoc[];
  destinations: (DestinationOption & { country: string })[];
  slots: Slot[];
  /** Slot starts that someone else books between the offer and the confirmation. */
  takenOnBook?: Set<string>;
  /** false: paymentLink returns null (payments not configured). */
  chargesLink?: boolean;
  /** The clock for payment link expiry (24 hours after it). */
  now?: Date;
}

const STOP = new Set('ada apa berapa bagaimana gimana di ke dan yang untuk dengan saya kamu kak ya the a an is are what how when where which of to in for do does can i you el la de que como en es un una'.split(' '));

export function fakeSearch(docs: FakeDoc[], q: string): KnowledgeHit[] {
  const qw = [...new Set(words(q).filter((w) => !STOP.has(w)))];
  if (!qw.length) return [];
  const hits: KnowledgeHit[] = [];
  for (const d of docs) {
    const tw = words(d.title);
    const bw = words(d.body);
    let score = 0;
    for (const w of qw) {
      const like = (t: string) => t === w || (w.length >= 5 && t.length >= 5 && (t.startsWith(w) || w.startsWith(t)));
      if (tw.some(like)) score += 0.6;
      else if (bw.some(like)) score += 0.24;
    }
    if (score > 0) hits.push({ source: d.source, id: d.id, title: d.title, snippet: d.body, score: Math.round((score / qw.length) * 1e6) / 1e6 });
  }
  return hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, 10);
}

export interface FakeTools extends Tools {
  readonly faqUses: string[];
  readonly booked: { appointment_id: string; slot: Slot }[];
  readonly calls: string[];
}

export function fakeTools(store: FakeStore): FakeTools {
  const faqUses: string[] = [];
  const booked: { appointment_id: string; slot: Slot }[] = [];
  const calls: string[] = [];
  const taken = new Set<string>();
  return {
    faqUses,
    booked,
    calls,
    async searchKnowledge(q) {
      calls.push('searchKnowledge');
      return fakeSearch(store.docs, q);
    },
    async recordFaqUse(id) {
      calls.push('recordFaqUse');
      faqUses.push(id);
    },
    async findDestinations(country) {
      calls.push('findDestinations');
      return store.destinations.filter((d) => d.country === country).map(({ country: _country, ...d }) => d);
    },
    async availableSlots() {
      calls.push('availableSlots');
      return store.slots.filter((s) => !taken.has(s.start));
    },
    async book(slot) {
      calls.push('book');
      if (store.takenOnBook?.has(slot.start) || taken.has(slot.start)) {
        taken.add(slot.start);
        throw new SlotTakenError(`slot ${slot.start} is taken`);
      }
      taken.add(slot.start);
      const appointment_id = `appt-${booked.length + 1}`;
      booked.push({ appointment_id, slot });
      return { appointment_id };
    },
    async paymentLink(appointmentId) {
      calls.push('paymentLink');
      if (store.chargesLink === false) return null;
      const now = store.now ?? new Date();
      return { url: `https://pay.example.test/snap/${appointmentId}`, expires_at: new Date(now.getTime() + 86_400_000).toISOString() };
    },
  };
}

// The demo workspace (src/apps/ari/demo.ts and template.ts) as engine input -----------------


/** The template's eight stages (goals and exit criteria), all active. */
export const demoStages: FlowStage[] = ariStages.map((s, i) => ({ name: s.name, goal: s.goal, exit_criteria: s.exit, sample_script: null, stage_order: i + 1, is_active: true }));

export const demoPersona: Persona = {
  bot_name: 'ARI',
  greeting_style: 'professional',
  language: 'id',
  tone: { supportive: true, clear: true, encouraging: true },
  community_link: 'https://chat.whatsapp.com/eagle-community',
};

export function demoConfig(overrides: Partial<TurnConfig> = {}): TurnConfig {
  return {
    persona: demoPersona,
    scoring: { ...DEFAULT_SCORING },
    stages: demoStages,
    chargesForConsultation: true,
    consultationPrice: 500_000,
    currency: 'IDR',
    businessName: 'Eagle Overseas',
    ...overrides,
  };
}

export const demoDestinations: FakeStore['destinations'] = ariDestinations;

/** The demo's knowledge entries, one FAQ, and the destinations as the search returns them. */
export const demoDocs: FakeDoc[] = [
  { source: 'entry', id: 'kb-fee', title: 'Biaya konsultasi 1-on-1', body: 'Konsultasi 1-on-1 selama 60 menit dengan konsultan senior: Rp 500.000, dibayar lewat QRIS, GoPay, OVO, transfer bank atau kartu. Link pembayaran berlaku 24 jam.' },
  { source: 'entry', id: 'kb-lpdp', title: 'Beasiswa LPDP', body: 'LPDP membiayai kuliah S2/S3 penuh termasuk tunjangan hidup. Syarat umum: IPK minimal 3.0, IELTS 6.5, dan surat rekomendasi. Kami membantu menyiapkan esai.' },
  { source: 'entry', id: 'kb-visa', title: 'Visa pelajar Inggris', body: 'Student visa UK membutuhkan CAS dari universitas, bukti dana, dan tes TB. Proses biasanya 3 minggu. Untuk detail hukum, konsultan kami akan membantu langsung.' },
  { source: 'entry', id: 'kb-hours', title: 'Jam layanan', body: 'Kantor kami buka Senin-Jumat 09.00-17.00 WIB di Jakarta Selatan. Konsultasi online tersedia setiap hari kerja.' },
  { source: 'entry', id: 'kb-melbourne', title: 'Biaya hidup di Melbourne', body: 'Perkiraan biaya hidup pelajar di Melbourne sekitar AUD 2.000-2.500 per bulan termasuk sewa kamar.' },
  { source: 'faq', id: 'faq-docs', title: 'Dokumen apa saja yang perlu disiapkan untuk daftar kuliah?', body: 'Siapkan paspor, CV, sertifikat IELTS atau TOEFL, transkrip nilai, dan surat rekomendasi. Kami bantu cek kelengkapannya.' },
  ...demoDestinations.map((d, i) => ({ source: 'destination' as const, id: `dest-${i + 1}`, title: d.university_name, body: [`${d.city}, ${d.country}`, d.programs.join(', ')].join('. ') })),
];

/** Weekday consultations at 10:00 and 14:00 Jakarta time, from the day after `now`, labelled as the scheduling engine would. */
export function demoSlots(now: Date, days = 7, timeZone = 'Asia/Jakarta'): Slot[] {
  const slots: Slot[] = [];
  const fmt = new Intl.DateTimeFormat('id-ID', { timeZone, weekday: 'long', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const day0 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let d = 1; d <= days; d++) {
    for (const hour of [10, 14]) {
      // Jakarta is UTC+7 all year.
      const start = new Date(day0 + d * 86_400_000 + (hour - 7) * 3_600_000);
      const weekday = new Date(start.getTime() + 7 * 3_600_000).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      const end = new Date(start.getTime() + 3_600_000);
      slots.push({ start: start.toISOString(), end: end.toISOString(), consultant_id: null, local_label: `${fmt.format(start).replace(/\./g, ':')} WIB` });
    }
  }
  return slots;
}
