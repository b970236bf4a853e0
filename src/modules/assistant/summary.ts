import { z } from '@hono/zod-openapi';

/**
 * The lead summary for the person who takes over: who the customer is, what they want, their
 * budget and timeline, the documents they have, the conversation's language and why it was
 * handed over, computed from what the assistant learnt (the record's context, whichever app
 * wrote it: ARI's consultancy fields, the receptionist's order, Amara's request, draft or last
 * booking) so staff never scroll back to understand a lead. Pure: the caller reads the record
 * and the contact.
 */

export const LeadSummary = z
  .object({
    who: z.object({ name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() }),
    wants: z.string().nullable().openapi({ description: 'what the customer asked for: a program and country, a service with its quantity and address, ...' }),
    budget: z.string().nullable().openapi({ description: 'as the customer said it, or the price quoted' }),
    timeline: z.string().nullable().openapi({ description: 'when: as the customer said it, or the time chosen' }),
    documents: z.array(z.string()).openapi({ description: 'documents the customer said are ready' }),
    language: z.enum(['id', 'en', 'es']).nullable(),
    handoff_reason: z.string().nullable().openapi({ description: "why a person was brought in, in words in the workspace's language; null while the assistant has the conversation" }),
    text: z.string().openapi({ description: "the same in one short paragraph in the workspace's language (the staff's), for a notice" }),
  })
  .openapi('LeadSummary');
export type LeadSummary = z.infer<typeof LeadSummary>;

export interface LeadSummaryInput {
  /** The assistant record's context, as the app kept it. */
  context: Record<string, unknown>;
  contact: { name?: string | null; phone?: string | null; email?: string | null };
  handoffReason?: string | null | undefined;
  /** The workspace's language, when the conversation has none yet; also the summary's own (staff read it). */
  fallbackLanguage?: string | null | undefined;
}

type Locale = 'id' | 'en' | 'es';
const localeOf = (l: string | null | undefined): Locale => {
  const two = l?.slice(0, 2);
  return two === 'id' || two === 'es' ? two : 'en';
};

/** The words the summary adds around what the customer said, in the staff's language (the workspace's). */
const WORDS: Record<Locale, {
  study: string; in: string; english: string; consultation: string; at: string; unnamed: string;
  wants: string; budget: string; when: string; documents: string; writes: string; handedOver: string;
  languages: Record<Locale, string>; documentNames: Record<string, string>; reasons: Record<string, string>;
}> = {
  en: {
    study: 'study', in: 'in', english: 'English', consultation: 'consultation', at: 'at', unnamed: 'Unnamed customer',
    wants: 'wants', budget: 'budget', when: 'when', documents: 'documents ready', writes: 'writes in', handedOver: 'handed over',
    languages: { id: 'Indonesian', en: 'English', es: 'Spanish' },
    documentNames: { passport: 'passport', cv: 'CV', english_test: 'English test certificate', transcript: 'transcript' },
    reasons: {
      human_requested: 'asked for a person', asked_for_human: 'asked for a person', asked_for_person: 'asked for a person', requested: 'asked for a person',
      auto_handoff_stuck: 'the assistant could not understand several messages', payment_failed: 'the payment failed', hot_lead: 'hot lead',
      cold_lead_follow_up: 'cold lead, to follow up later', cold_lead_follow_up_30_days: 'cold lead, to follow up in 30 days', callback: 'asked to be called back',
    },
  },
  id: {
    study: 'kuliah', in: 'di', english: 'bahasa Inggris', consultation: 'konsultasi', at: 'di', unnamed: 'Pelanggan tanpa nama',
    wants: 'ingin', budget: 'anggaran', when: 'kapan', documents: 'dokumen siap', writes: 'menulis dalam bahasa', handedOver: 'diserahkan',
    languages: { id: 'Indonesia', en: 'Inggris', es: 'Spanyol' },
    documentNames: { passport: 'paspor', cv: 'CV', english_test: 'sertifikat tes bahasa Inggris', transcript: 'transkrip' },
    reasons: {
      human_requested: 'minta bicara dengan orang', asked_for_human: 'minta bicara dengan orang', asked_for_person: 'minta bicara dengan orang', requested: 'minta bicara dengan orang',
      auto_handoff_stuck: 'asisten tidak memahami beberapa pesan', payment_failed: 'pembayaran gagal', hot_lead: 'prospek panas',
      cold_lead_follow_up: 'prospek dingin, dihubungi lagi nanti', cold_lead_follow_up_30_days: 'prospek dingin, dihubungi lagi dalam 30 hari', callback: 'minta ditelepon balik',
    },
  },
  es: {
    study: 'estudiar', in: 'en', english: 'inglés', consultation: 'consulta', at: 'en', unnamed: 'Cliente sin nombre',
    wants: 'quiere', budget: 'presupuesto', when: 'cuándo', documents: 'documentos listos', writes: 'escribe en', handedOver: 'pasado a una persona',
    languages: { id: 'indonesio', en: 'inglés', es: 'español' },
    documentNames: { passport: 'pasaporte', cv: 'CV', english_test: 'certificado de inglés', transcript: 'expediente académico' },
    reasons: {
      human_requested: 'pidió hablar con una persona', asked_for_human: 'pidió hablar con una persona', asked_for_person: 'pidió hablar con una persona', requested: 'pidió hablar con una persona',
      auto_handoff_stuck: 'el asistente no entendió varios mensajes', payment_failed: 'el pago falló', hot_lead: 'cliente potencial caliente',
      cold_lead_follow_up: 'cliente frío, para seguir más adelante', cold_lead_follow_up_30_days: 'cliente frío, para seguir en 30 días', callback: 'pidió que lo llamen',
    },
  },
};

type Facts = Record<string, unknown>;
const obj = (v: unknown): Facts => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Facts) : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);
const join = (parts: (string | null | undefined)[], sep = ' '): string | null => {
  const kept = parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  return kept.length ? kept.join(sep) : null;
};

/** "IDR 600,000,000": an amount in whole units with its currency; minor units (the receptionist's, Amara's) divided first. */
function money(amount: unknown, currency: unknown, minorDigits = 0): string | null {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return null;
  const whole = amount / 10 ** minorDigits;
  const figure = whole.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return typeof currency === 'string' && currency ? `${currency.toUpperCase()} ${figure}` : figure;
}

function consultancy(c: Facts, w: (typeof WORDS)[Locale]) {
  const DOCUMENT_NAMES = w.documentNames;
  const program = str(c.program);
  const destination = str(c.destination);
  const wants = join([program ?? (destination ? w.study : null), destination ? `${w.in} ${destination}` : null]);
  const budget = str(c.budget) ?? money(c.budget_amount, c.budget_currency);
  // In the order the assistant asks for them, whatever order they were given in.
  const order = Object.keys(DOCUMENT_NAMES);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const documents = Object.entries(obj(c.documents))
    .filter(([, ready]) => ready === true)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([k]) => DOCUMENT_NAMES[k] ?? k.replace(/_/g, ' '));
  const english = str(c.english_level);
  const slot = str(obj(c.selected_slot).local_label);
  return { wants: join([wants, english ? `(${w.english}: ${english})` : null]), budget, timeline: join([str(c.timeline), slot ? `${w.consultation} ${slot}` : null], '; '), documents };
}

function reception(c: Facts, w: (typeof WORDS)[Locale]) {
  const units = typeof c.units === 'number' ? c.units : null;
  const wants = join([str(c.service), units !== null ? `x ${units}` : null, str(c.address) ? `${w.at} ${str(c.address)}` : null, str(c.postal_code) ? `(${str(c.postal_code)})` : null]);
  const slot = str(obj(c.slot).label);
  return { wants, budget: money(c.total_minor, c.currency, 2), timeline: slot ?? str(c.time_wish), documents: [] as string[] };
}

function amara(a: Facts) {
  const booked = Array.isArray(a.booked) ? obj(a.booked.at(-1)) : {};
  const draft = obj(a.draft);
  const request = obj(a.request);
  const latest = Object.keys(request).length ? request : Object.keys(draft).length ? draft : booked;
  const service = str(latest.service) ?? str(obj(latest.service).name);
  const hours = typeof latest.hours === 'number' ? `${latest.hours} h` : null;
  const total = money(draft.total_minor ?? booked.total_minor, draft.currency ?? booked.currency);
  const budget = typeof request.budget === 'number' ? money(request.budget, obj(request.service).currency ?? draft.currency) : total;
  return { wants: join([service, hours ? `(${hours})` : null]), budget, timeline: join([str(latest.date), str(latest.time)]), documents: [] as string[] };
}

/** A handoff reason's code in words; one the table does not know, with its underscores as spaces. */
const reasonInWords = (code: string, w: (typeof WORDS)[Locale]) => w.reasons[code] ?? code.replace(/_/g, ' ');

export function leadSummary(input: LeadSummaryInput): LeadSummary {
  const c = input.context;
  const w = WORDS[localeOf(input.fallbackLanguage)];
  const facts = 'amara' in c ? amara(obj(c.amara)) : 'service' in c || 'postal_code' in c || 'units' in c ? reception(c, w) : consultancy(c, w);
  const who = {
    name: str(input.contact.name) ?? str(c.name),
    phone: str(input.contact.phone),
    email: str(input.contact.email) ?? str(c.email),
  };
  const lang = str(c.language) ?? str(input.fallbackLanguage)?.slice(0, 2) ?? null;
  const language = lang === 'id' || lang === 'en' || lang === 'es' ? lang : null;
  const reasonCode = str(input.handoffReason) ?? str(c.handoff_reason);
  const handoff_reason = reasonCode ? reasonInWords(reasonCode, w) : null;
  const contactLine = join([who.phone, who.email], ', ');
  const text = join(
    [
      `${who.name ?? w.unnamed}${contactLine ? ` (${contactLine})` : ''}`,
      facts.wants ? `${w.wants} ${facts.wants}` : null,
      facts.budget ? `${w.budget} ${facts.budget}` : null,
      facts.timeline ? `${w.when}: ${facts.timeline}` : null,
      facts.documents.length ? `${w.documents}: ${facts.documents.join(', ')}` : null,
      language ? `${w.writes} ${w.languages[language]}` : null,
      handoff_reason ? `${w.handedOver}: ${handoff_reason}` : null,
    ],
    '; ',
  )!;
  return { who, wants: facts.wants, budget: facts.budget, timeline: facts.timeline, documents: facts.documents, language, handoff_reason, text: `${text}.` };
}
