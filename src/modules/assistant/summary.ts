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
    handoff_reason: z.string().nullable().openapi({ description: 'why a person was brought in; null while the assistant has the conversation' }),
    text: z.string().openapi({ description: 'the same in one short paragraph, for a notice' }),
  })
  .openapi('LeadSummary');
export type LeadSummary = z.infer<typeof LeadSummary>;

export interface LeadSummaryInput {
  /** The assistant record's context, as the app kept it. */
  context: Record<string, unknown>;
  contact: { name?: string | null; phone?: string | null; email?: string | null };
  handoffReason?: string | null | undefined;
  /** The workspace's language, when the conversation has none yet. */
  fallbackLanguage?: string | null | undefined;
}

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

const DOCUMENT_NAMES: Record<string, string> = { passport: 'passport', cv: 'CV', english_test: 'English test certificate', transcript: 'transcript' };

function consultancy(c: Facts) {
  const program = str(c.program);
  const destination = str(c.destination);
  const wants = join([program ?? (destination ? 'study' : null), destination ? `in ${destination}` : null]);
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
  return { wants: join([wants, english ? `(English: ${english})` : null]), budget, timeline: join([str(c.timeline), slot ? `consultation ${slot}` : null], '; '), documents };
}

function reception(c: Facts) {
  const units = typeof c.units === 'number' ? c.units : null;
  const wants = join([str(c.service), units !== null ? `x ${units}` : null, str(c.address) ? `at ${str(c.address)}` : null, str(c.postal_code) ? `(${str(c.postal_code)})` : null]);
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

const LANGUAGE_NAMES: Record<string, string> = { id: 'Indonesian', en: 'English', es: 'Spanish' };

export function leadSummary(input: LeadSummaryInput): LeadSummary {
  const c = input.context;
  const facts = 'amara' in c ? amara(obj(c.amara)) : 'service' in c || 'postal_code' in c || 'units' in c ? reception(c) : consultancy(c);
  const who = {
    name: str(input.contact.name) ?? str(c.name),
    phone: str(input.contact.phone),
    email: str(input.contact.email) ?? str(c.email),
  };
  const lang = str(c.language) ?? str(input.fallbackLanguage)?.slice(0, 2) ?? null;
  const language = lang === 'id' || lang === 'en' || lang === 'es' ? lang : null;
  const handoff_reason = str(input.handoffReason) ?? str(c.handoff_reason);
  const contactLine = join([who.phone, who.email], ', ');
  const text = join(
    [
      `${who.name ?? 'Unnamed customer'}${contactLine ? ` (${contactLine})` : ''}`,
      facts.wants ? `wants ${facts.wants}` : null,
      facts.budget ? `budget ${facts.budget}` : null,
      facts.timeline ? `when: ${facts.timeline}` : null,
      facts.documents.length ? `documents ready: ${facts.documents.join(', ')}` : null,
      language ? `writes in ${LANGUAGE_NAMES[language]}` : null,
      handoff_reason ? `handed over: ${handoff_reason}` : null,
    ],
    '; ',
  )!;
  return { who, wants: facts.wants, budget: facts.budget, timeline: facts.timeline, documents: facts.documents, language, handoff_reason, text: `${text}.` };
}
